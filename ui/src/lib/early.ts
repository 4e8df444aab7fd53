/**
 * API requests started before the app has loaded.
 *
 * On a cold load the browser fetches index.html, then the app's code, and only then would a
 * page ask the API for its data. The boot script (see ui/scripts/postbuild.js) bundles
 * `startEarly` and calls it first thing: it sends the page's requests (`pageRequests`) at once.
 * The app's client then takes each response from here instead of asking again (`takeEarly`),
 * once, and only while fresh; everything else about the request (errors, 401 handling) is the
 * client's as usual.
 *
 * Better still, the server may answer some of them in the page itself: a logged-in page's
 * HTML ends with the answers to its first requests as JSON data blocks
 * (`<script type="application/json" data-early="<key>">`, see chancy_web/spa/inline.py),
 * keyed by `requestKey` without the base path. The server sends the rest of the page first,
 * with a `<meta name="chancy-early">` before the boot script saying that data follows; the boot
 * script then starts the requests once the whole page is in (`startPageEarly`), and those the
 * page answered are not fetched at all. The app waits for the whole page anyway.
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
/** The attribute of the server's data blocks (`DATA_ATTRIBUTE` in chancy_web/spa/inline.py). */
export const DATA_ATTRIBUTE = 'data-early';
/** The server's word that data blocks follow (`FOLLOWS` in chancy_web/spa/inline.py). */
const FOLLOWS = 'meta[name="chancy-early"]';

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

/** The answers the server put in the page, by their request's key without the base path. */
export function inlined(doc: Document = document): Map<string, string> {
	const found = new Map<string, string>();
	for (const block of doc.querySelectorAll(`script[type="application/json"][${DATA_ATTRIBUTE}]`)) {
		found.set(block.getAttribute(DATA_ATTRIBUTE)!, block.textContent ?? '');
	}
	return found;
}

/**
 * The response of a data block. Its `text()` and `json()` resolve at once: reading even an in-memory body
 * takes the browser a task, so the session and the first rows would each come a task after
 * the app has rendered (and laid out) an empty page.
 */
export function answered(body: string): Response {
	const response = new Response(body, { headers: { 'Content-Type': 'application/json' } });
	response.text = async () => body;
	response.json = async () => JSON.parse(body) as unknown;
	return response;
}

/** Start the requests of the page at `location`, served under `base`: take each from the
 * page's data blocks (`answers`) or fetch it. */
export function startEarly(
	base: string,
	location: URL,
	now = Date.now(),
	answers: Map<string, string> = inlined()
): void {
	const path = location.pathname.startsWith(base)
		? location.pathname.slice(base.length) || '/'
		: location.pathname;
	const early = store();
	for (const request of pageRequests(path, location.searchParams)) {
		const url = new URL(getUrl(request, base), location.origin);
		const body = answers.get(requestKey(new URL(getUrl(request), location.origin)));
		const response =
			body === undefined
				? fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
				: Promise.resolve(answered(body));
		response.catch(() => undefined); // The app's own request will report it.
		early.set(requestKey(url), { at: now, response });
	}
}

/**
 * What the boot script runs: the early requests at once, and the app (`startApp`) once `#app`
 * is parsed. When the server said data blocks follow, both wait for the whole page instead,
 * so that nothing is asked for that the page is about to answer.
 */
export function startPage(
	base: string,
	location: URL,
	startApp: () => void,
	doc: Document = document
): void {
	const early = () => {
		try {
			startEarly(base, location, Date.now(), inlined(doc));
		} catch {
			// Then the app asks for everything itself.
		}
	};
	const follows = doc.readyState === 'loading' && doc.querySelector(FOLLOWS) !== null;
	if (!follows) early();
	const start = () => {
		if (follows) early();
		startApp();
	};
	if (follows || !doc.getElementById('app')) {
		doc.addEventListener('DOMContentLoaded', start, { once: true });
	} else start();
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
