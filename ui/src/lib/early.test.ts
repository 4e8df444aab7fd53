import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearEarly, requestKey, startEarly, takeEarly } from './early';
import { pageRequests } from './requests';

afterEach(() => {
	clearEarly();
	vi.unstubAllGlobals();
});

const ORIGIN = 'http://dash.test';

describe('pageRequests', () => {
	it('lists what each page asks for when it opens', () => {
		const none = new URLSearchParams();
		expect(pageRequests('/login', none)).toEqual([]);
		expect(pageRequests('/jobs/0190', none)).toEqual(['/api/v1/session', '/api/v1/jobs/0190']);
		expect(pageRequests('/jobs', new URLSearchParams('state=failed&limit=25&selected=x'))).toEqual([
			'/api/v1/session',
			'/api/v1/jobs?pagination=true&view=summary&limit=25&state=failed'
		]);
		expect(pageRequests('/queues/a b', none)).toContain('/api/v1/queues/a%20b');
		expect(pageRequests('/', none)).toEqual([
			'/api/v1/session',
			'/api/v1/jobs/counts',
			'/api/v1/jobs?state=failed&limit=8&pagination=true&view=summary'
		]);
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
