import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	answered,
	clearEarly,
	DATA_ATTRIBUTE,
	inlined,
	requestKey,
	startEarly,
	startPage,
	takeEarly
} from './early';
import { createApi } from './api/client';
import { getUrl } from './api/get';
import { pageRequests } from './requests';

afterEach(() => {
	clearEarly();
	vi.unstubAllGlobals();
});

const ORIGIN = 'http://dash.test';

describe('pageRequests', () => {
	const urls = (path: string, search = '') =>
		pageRequests(path, new URLSearchParams(search)).map((r) => getUrl(r));

	it('lists what each page asks for when it opens', () => {
		expect(urls('/login')).toEqual([]);
		expect(urls('/jobs/0190')).toEqual(['/api/v1/session', '/api/v1/jobs/0190']);
		expect(urls('/jobs', 'state=failed&limit=25&selected=x')).toEqual([
			'/api/v1/session',
			'/api/v1/jobs?pagination=true&view=summary&limit=25&state=failed'
		]);
		expect(urls('/queues/a b')).toContain('/api/v1/queues/a%20b');
		expect(urls('/queues/a%2Fb')).toContain('/api/v1/queues/a%2Fb');
		expect(urls('/')).toEqual([
			'/api/v1/session',
			'/api/v1/jobs/counts',
			'/api/v1/failures?status=open&limit=6'
		]);
		expect(urls('/failures', 'status=ignored&q=db')).toEqual([
			'/api/v1/session',
			'/api/v1/failures?status=ignored&limit=25&q=db'
		]);
		expect(urls('/failures/ab12')).toEqual(['/api/v1/session', '/api/v1/failures/ab12']);
		// Pages whose data is not started early still learn who is logged in.
		expect(urls('/crons')).toEqual(['/api/v1/session']);
		expect(urls('/workers/w1/extra')).toEqual(['/api/v1/session']);
		expect(urls('/constructor')).toEqual(['/api/v1/session']);
	});

	it('builds the URLs the typed client sends, as the early store keys them', async () => {
		const sent: string[] = [];
		const api = createApi(`${ORIGIN}/ops`, async (request) => {
			sent.push(request.url);
			return new Response('{}', { headers: { 'Content-Type': 'application/json' } });
		});
		const pages = [
			'/',
			'/jobs?queue=a b&state=failed&func=app.x/y+z&cursor=c%26d&limit=25',
			'/jobs/0190f4b2',
			'/failures?status=resolved&q=a b&cursor=c%26d',
			'/failures/ab12',
			'/queues',
			'/queues/a%2Fb%20c',
			'/workers',
			'/workers/host:1%2F2'
		];
		for (const page of pages) {
			const url = new URL(page, ORIGIN);
			for (const request of pageRequests(url.pathname, url.searchParams)) {
				await api.GET(request.path as '/api/v1/jobs', { params: request.params as never });
				const early = new URL(getUrl(request, '/ops'), ORIGIN);
				expect(requestKey(new URL(sent.at(-1)!)), page).toBe(requestKey(early));
			}
		}
		expect(sent.length).toBeGreaterThan(pages.length);
	});
});

describe('early requests', () => {
	it('are taken once by the same request, whatever the parameter order', async () => {
		const fetchMock = vi.fn(
			async (_input: RequestInfo | URL, _init?: RequestInit) => new Response('{"items":[]}')
		);
		vi.stubGlobal('fetch', fetchMock);
		startEarly('/ops', new URL(`${ORIGIN}/ops/jobs?state=failed`), 1000);
		expect(fetchMock).toHaveBeenCalledTimes(2);
		expect(String(fetchMock.mock.calls[1]?.[0])).toBe(
			`${ORIGIN}/ops/api/v1/jobs?pagination=true&view=summary&limit=50&state=failed`
		);
		const same = new Request(
			`${ORIGIN}/ops/api/v1/jobs?state=failed&view=summary&limit=50&pagination=true`
		);
		const response = await takeEarly(same, 2000);
		expect(await response?.text()).toBe('{"items":[]}');
		expect(takeEarly(same, 2000)).toBeUndefined();
	});

	it('are not used when stale or for other methods', () => {
		vi.stubGlobal(
			'fetch',
			vi.fn(async () => new Response('{}'))
		);
		startEarly('', new URL(`${ORIGIN}/workers`), 1000);
		expect(
			takeEarly(new Request(`${ORIGIN}/api/v1/session`, { method: 'POST' }), 1000)
		).toBeUndefined();
		expect(takeEarly(new Request(`${ORIGIN}/api/v1/workers`), 4_001)).toBeUndefined();
		expect(takeEarly(new Request(`${ORIGIN}/api/v1/session`), 1500)).toBeDefined();
	});

	it('keys requests by path and sorted parameters', () => {
		expect(requestKey(new URL(`${ORIGIN}/a?b=2&a=1&a=0`))).toBe('/a?a=0&a=1&b=2');
	});
});

describe('answers the server put in the page', () => {
	const KEY = '/api/v1/jobs?limit=50&pagination=true&view=summary';
	// As chancy_web/spa/inline.py writes them: `<`, `>`, `&` and U+2028 escaped in the JSON.
	const BODY =
		'{"items":[{"id":"j1","kwargs_preview":"\\u003c/script\\u003e\\u003cscript\\u003e\\u2028x"}]}';

	function page(blocks: Record<string, string>, follows = false): Document {
		const doc = document.implementation.createHTMLDocument('page');
		if (follows) doc.head.innerHTML = '<meta name="chancy-early" content="follows">';
		doc.body.innerHTML = '<div id="app"></div>';
		for (const [key, body] of Object.entries(blocks)) {
			const block = doc.createElement('script');
			block.type = 'application/json';
			block.setAttribute(DATA_ATTRIBUTE, key);
			block.textContent = body;
			doc.body.append(block);
		}
		return doc;
	}

	it('are read by their request keys', () => {
		expect(inlined(page({ [KEY]: BODY }))).toEqual(new Map([[KEY, BODY]]));
	});

	it('are taken instead of fetching, by the app client as by any GET', async () => {
		const fetchMock = vi.fn(
			async (_input: RequestInfo | URL, _init?: RequestInit) => new Response('{"username":"admin"}')
		);
		vi.stubGlobal('fetch', fetchMock);
		startEarly('/ops', new URL(`${ORIGIN}/ops/jobs`), 1000, inlined(page({ [KEY]: BODY })));
		// Only the session, which the page did not answer, goes to the network.
		expect(fetchMock).toHaveBeenCalledTimes(1);
		expect(String(fetchMock.mock.calls[0]?.[0])).toBe(`${ORIGIN}/ops/api/v1/session`);
		const api = createApi(`${ORIGIN}/ops`, (request) => takeEarly(request, 1500) ?? fetch(request));
		const { data } = await api.GET('/api/v1/jobs', {
			params: { query: { pagination: 'true', view: 'summary', limit: 50 } }
		});
		expect(data).toEqual({ items: [{ id: 'j1', kwargs_preview: '</script><script>\u2028x' }] });
		expect(fetchMock).toHaveBeenCalledTimes(1);
		// Taken once: the next list request (a refresh) goes to the server.
		expect(takeEarly(new Request(`${ORIGIN}/ops${KEY}`), 1500)).toBeUndefined();
	});

	it('are answered as the block says, text and JSON', async () => {
		const response = answered(BODY);
		expect(response.ok).toBe(true);
		expect(response.headers.get('content-type')).toBe('application/json');
		expect(await response.text()).toBe(BODY);
		expect(await answered(BODY).json()).toEqual(JSON.parse(BODY));
	});

	it('are waited for when the server says they follow', () => {
		vi.stubGlobal(
			'fetch',
			vi.fn(async () => new Response('{}'))
		);
		const doc = page({}, true);
		Object.defineProperty(doc, 'readyState', { value: 'loading', configurable: true });
		const startApp = vi.fn();
		startPage('', new URL(`${ORIGIN}/jobs`), startApp, doc);
		expect(startApp).not.toHaveBeenCalled();
		expect(fetch).not.toHaveBeenCalled();
		// The rest of the page arrives, with the list's answer.
		const block = page({ [KEY]: BODY }).querySelector('script')!;
		doc.body.append(doc.importNode(block, true));
		doc.dispatchEvent(new Event('DOMContentLoaded'));
		expect(startApp).toHaveBeenCalledTimes(1);
		expect(fetch).toHaveBeenCalledTimes(1); // the session only
		expect(takeEarly(new Request(`${ORIGIN}${KEY}`))).toBeDefined();
	});

	it('start the early requests at once when none follow, and the app once #app is there', () => {
		vi.stubGlobal(
			'fetch',
			vi.fn(async () => new Response('{}'))
		);
		const doc = document.implementation.createHTMLDocument('page');
		Object.defineProperty(doc, 'readyState', { value: 'loading', configurable: true });
		const startApp = vi.fn();
		startPage('', new URL(`${ORIGIN}/jobs`), startApp, doc);
		expect(fetch).toHaveBeenCalledTimes(2);
		expect(startApp).not.toHaveBeenCalled();
		doc.body.innerHTML = '<div id="app"></div>';
		doc.dispatchEvent(new Event('DOMContentLoaded'));
		expect(startApp).toHaveBeenCalledTimes(1);
	});
});
