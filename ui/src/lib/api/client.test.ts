import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createApi, onUnauthorized, setCsrfToken } from './client';
import type { JobPage } from './types';

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json', ...headers }
	});

function apiWith(respond: (request: Request) => Response | Promise<Response>) {
	const seen: Request[] = [];
	const fetchImpl = vi.fn(async (input: RequestInfo | URL) => {
		const request = input as Request;
		seen.push(request);
		return respond(request);
	}) as unknown as typeof fetch;
	return { api: createApi('http://dash.test/prefix', fetchImpl), seen };
}

afterEach(() => {
	setCsrfToken(null);
	onUnauthorized(null);
});

describe('api client', () => {
	it('calls the API under the base path with the query', async () => {
		const page: JobPage = { items: [], has_more: false, next_cursor: null, prev_cursor: null };
		const { api, seen } = apiWith(() => json(page));
		const { data } = await api.GET('/api/v1/jobs', {
			params: { query: { pagination: 'true', state: 'failed', limit: 25 } }
		});
		expect(data).toEqual(page);
		const url = new URL(seen[0]!.url);
		expect(url.pathname).toBe('/prefix/api/v1/jobs');
		expect(Object.fromEntries(url.searchParams)).toEqual({
			pagination: 'true',
			state: 'failed',
			limit: '25'
		});
	});

	it('sends the CSRF token with unsafe methods only', async () => {
		const { api, seen } = apiWith(() => json({ success: true }));
		setCsrfToken('csrf-123');
		await api.POST('/api/v1/logout');
		await api.GET('/api/v1/queues');
		expect(seen[0]!.headers.get('x-csrf-token')).toBe('csrf-123');
		expect(seen[1]!.headers.get('x-csrf-token')).toBeNull();
	});

	it('throws the server error as an ApiError', async () => {
		const { api } = apiWith(() =>
			json({ status_code: 400, detail: 'Invalid value', extra: { field: 'limit' } }, 400)
		);
		const error = await api.GET('/api/v1/jobs').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({
			status: 400,
			detail: 'Invalid value',
			extra: { field: 'limit' }
		});
	});

	it('reads Retry-After on 429', async () => {
		const { api } = apiWith(() =>
			json({ status_code: 429, detail: 'Too many' }, 429, { 'retry-after': '42' })
		);
		const error = await api
			.POST('/api/v1/login', { body: { username: 'a', password: 'b' } })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ status: 429, retryAfter: 42 });
	});

	it('reports a 401 to the app, except from the login form', async () => {
		const handler = vi.fn();
		onUnauthorized(handler);
		const { api } = apiWith(() => json({ status_code: 401, detail: 'Session expired' }, 401));
		await expect(api.GET('/api/v1/session')).rejects.toMatchObject({ status: 401 });
		expect(handler).toHaveBeenCalledTimes(1);
		await expect(
			api.POST('/api/v1/login', { body: { username: 'a', password: 'b' } })
		).rejects.toMatchObject({ status: 401 });
		expect(handler).toHaveBeenCalledTimes(1);
	});

	it('turns a network failure into an ApiError with status 0', async () => {
		const { api } = apiWith(() => {
			throw new TypeError('fetch failed');
		});
		await expect(api.GET('/api/v1/queues')).rejects.toMatchObject({ status: 0, isNetwork: true });
	});

	it('keeps non-JSON error bodies readable', async () => {
		const { api } = apiWith(
			() => new Response('Bad gateway', { status: 502, statusText: 'Bad Gateway' })
		);
		await expect(api.GET('/api/v1/queues')).rejects.toMatchObject({
			status: 502,
			detail: 'Bad Gateway'
		});
	});
});
