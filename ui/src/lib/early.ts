/**
 * API requests started before the app has loaded.
 *
 * On a cold load the browser fetches index.html, then the app's code, and only then would a
 * page ask the API for its data. The boot script (see ui/scripts/postbuild.js) bundles
 * `startEarly` and calls it first thing: it sends the page's requests (`pageRequests`) at once.
 * The app's client then takes each response from here instead of asking again (`takeEarly`),
 * once, and only while fresh; everything else about the request (errors, 401 handling) is the
 * client's as usual.
 */
import { getUrl } from './api/get';
import { pageRequests } from './requests';

interface Early {
	at: number;
	response: Promise<Response>;
}
type EarlyMap = Map<string, Early>;
const KEY = '__chancyEarlyResponses';
const MAX_AGE_MS = 3_000;

function store(): EarlyMap {
	const scope = globalThis as unknown as Record<string, EarlyMap | undefined>;
	return (scope[KEY] ??= new Map());
}

/** Requests match on path and parameters, whatever the parameters' order. */
export function requestKey(url: URL): string {
	const params = [...url.searchParams].sort(([a, x], [b, y]) =>
		a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1
	);
	return `${url.pathname}?${new URLSearchParams(params)}`;
}

/** Start the requests of the page at `location`, served under `base`. */
export function startEarly(base: string, location: URL, now = Date.now()): void {
	const path = location.pathname.startsWith(base)
		? location.pathname.slice(base.length) || '/'
		: location.pathname;
	const early = store();
	for (const request of pageRequests(path, location.searchParams)) {
		const url = new URL(getUrl(request, base), location.origin);
		const response = fetch(url, {
			credentials: 'same-origin',
			headers: { Accept: 'application/json' }
		});
		response.catch(() => undefined); // The app's own request will report it.
		early.set(requestKey(url), { at: now, response });
	}
}

/** The early response to this GET request, if there is a fresh one (each is used once). */
export function takeEarly(request: Request, now = Date.now()): Promise<Response> | undefined {
	if (request.method !== 'GET') return undefined;
	const early = store();
	const key = requestKey(new URL(request.url));
	const found = early.get(key);
	if (!found) return undefined;
	early.delete(key);
	return now - found.at <= MAX_AGE_MS ? found.response : undefined;
}

export function clearEarly(): void {
	store().clear();
}
