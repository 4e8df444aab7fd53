/**
 * The one API client: openapi-fetch over the generated `paths`, with three small middlewares.
 *
 * - Unsafe requests carry the session's CSRF token (the browser authenticates by cookie).
 * - Any non-2xx answer is thrown as an `ApiError` carrying the server's `{status_code, detail}`.
 * - A 401 (except from the login form itself) calls the handler set by `onUnauthorized`, which
 *   the app uses to send the user to the login page and back.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

type ErrorBody = { status_code?: number; detail?: string; extra?: unknown };

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly detail: string,
		readonly extra: unknown = null,
		/** Seconds from a `Retry-After` header (429, 503). */
		readonly retryAfter: number | null = null
	) {
		super(detail);
		this.name = 'ApiError';
	}

	get isNetwork(): boolean {
		return this.status === 0;
	}
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken: string | null = null;
let unauthorized: ((error: ApiError) => void) | null = null;

export function setCsrfToken(token: string | null): void {
	csrfToken = token;
}

export function onUnauthorized(handler: ((error: ApiError) => void) | null): void {
	unauthorized = handler;
}

function parseRetryAfter(value: string | null): number | null {
	if (!value) return null;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
	const at = Date.parse(value);
	return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export const middleware: Middleware = {
	onRequest({ request }) {
		if (UNSAFE.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
		return request;
	},
	async onResponse({ request, response }) {
		if (response.ok) return response;
		const body = (await response
			.clone()
			.json()
			.catch(() => null)) as ErrorBody | null;
		const error = new ApiError(
			response.status,
			typeof body?.detail === 'string' ? body.detail : response.statusText || 'Request failed',
			body?.extra ?? null,
			parseRetryAfter(response.headers.get('retry-after'))
		);
		if (response.status === 401 && !new URL(request.url).pathname.endsWith('/api/v1/login')) {
			unauthorized?.(error);
		}
		throw error;
	},
	onError({ error }) {
		if (error instanceof ApiError) return error;
		if (error instanceof DOMException && error.name === 'AbortError') return error;
		return new ApiError(0, 'Cannot reach the server');
	}
};

export function createApi(baseUrl: string, fetchImpl?: (request: Request) => Promise<Response>) {
	const client = createClient<paths>({
		baseUrl,
		fetch: fetchImpl,
		credentials: 'same-origin',
		headers: { Accept: 'application/json' }
	});
	client.use(middleware);
	return client;
}

export type Api = ReturnType<typeof createApi>;

/** openapi-fetch types `data` as possibly undefined; after our middleware it never is. */
export function unwrap<T>(result: { data?: T; error?: unknown }): T {
	if (result.data === undefined) throw new ApiError(0, 'Empty response');
	return result.data;
}

export type Schemas = components['schemas'];
