/**
 * The server answers a page's first requests in its HTML (chancy_web/spa/inline.py), so it
 * must know them as this side does: chancy_web/spa/first.py is its copy of `pageRequests`. This
 * test writes what `pageRequests` gives for many URLs into requests.samples.json, and
 * tests/spa/test_first.py checks the Python side against that file. Change requests.ts (or the
 * URL rules it uses), and this fails until the file is rewritten:
 *
 *     cd ui && UPDATE_SAMPLES=1 npx vitest run src/lib/requests.samples.test.ts
 *
 * then make tests/spa/test_first.py pass again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getUrl } from './api/get';
import { requestKey } from './early';
import { pageRequests } from './requests';

const ORIGIN = 'http://dash.test';
// A path, not a URL: under jsdom, `URL` is not the class node:fs accepts.
const FILE = join(import.meta.dirname, 'requests.samples.json');

interface Sample {
	/** The path and query string as the browser sends them. */
	path: string;
	query: string;
	/** The requests' keys (`requestKey`, no base path); none when `pageRequests` throws. */
	keys: string[];
	/** The same requests as the app sends them (`getUrl`): parameters in its order. */
	urls: string[];
}

const PAGES = [
	'/',
	'/jobs',
	'/jobs/',
	'/jobs/0190f4b2-7c1e-7a3b-9d2e-111111111111',
	'/jobs/a%2Fb',
	'/jobs/%E2%82%AC',
	'/jobs/%zz',
	'/jobs/%C3',
	'/jobs/..',
	'/jobs/%2e',
	"/jobs/a!'()*~b",
	'/jobs/x/y',
	'/queues',
	'/queues/a b',
	'/queues/a%2Fb%20c',
	'/queues/emails',
	'/workers',
	'/workers/host:1%2F2',
	'/workers/w1/extra',
	'/failures',
	'/failures/ab12',
	'/failures/',
	'/login',
	'/login/',
	'/crons',
	'/stats',
	'//x',
	'//%zz',
	'/constructor',
	'/__proto__',
	'/hasOwnProperty'
];

const QUERIES = [
	'',
	'state=failed&limit=25&selected=x',
	'state=bogus&queue=emails',
	'queue=a b&state=failed&func=app.x/y+z&cursor=c%26d&limit=25',
	'queue= spaced &func=-x',
	'queue=OR&func=NOT',
	'queue="q"&func=a\\b',
	'queue=%C3%A9',
	'q=state:failed',
	'q=state:failed queue:emails&q=ignored',
	'q=  state:running  &state=failed',
	'q=timeout&search=all',
	'q=state:failed&search=all',
	'q=&queue=emails',
	'q',
	'limit=100',
	'limit=025',
	'limit=1e2',
	'limit=%2050',
	'limit=50.0',
	'limit=x',
	'limit=',
	'cursor= c ',
	'status=resolved&q=a b&cursor=c%26d',
	'status=ignored&q=%20&cursor=',
	'status=Open',
	'q=%E2%80%A8',
	'q=%ZZ',
	'q=a+b;c=d'
];

// The search language's pieces, for queries the dashboard's own links and typing make.
const PIECES = [
	'state:',
	'queue:',
	'func:',
	'func:~',
	'kwargs.a.b:',
	'id:',
	'state:>',
	'failed',
	'running',
	'bogus',
	'emails',
	'a,b',
	'"x y"',
	'"a\\"b"',
	'"open',
	'OR',
	'NOT',
	'-',
	'(',
	')',
	' ',
	'  ',
	'é',
	'~',
	'>=',
	'x',
	'\\',
	'"',
	':',
	'_a',
	'9',
	'\t'
];

/** A small seeded generator (mulberry32), so the file only changes when the rules do. */
function random(seed: number): () => number {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function generated(count: number): string[] {
	const next = random(17);
	const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
	const out: string[] = [];
	for (let i = 0; i < count; i++) {
		const q = Array.from({ length: 1 + Math.floor(next() * 6) }, () => pick(PIECES)).join('');
		const params = new URLSearchParams();
		if (next() < 0.8) params.set('q', q);
		else {
			params.set('state', pick(['failed', 'nope', '', 'running']));
			params.set('queue', pick(['emails', ' spaced ', 'a b', '-x', 'OR', '"q"', 'é', q]));
			if (next() < 0.5) params.set('func', pick(['report', 'a(b)', q]));
		}
		if (next() < 0.3) params.set('limit', pick(['25', '100', '7', '050']));
		if (next() < 0.3) params.set('cursor', pick(['abc', ' c ', 'c&d']));
		if (next() < 0.3) params.set('search', pick(['all', 'window']));
		out.push(`/jobs?${params}`);
		if (i % 4 === 0) out.push(`/failures?status=${pick(['open', 'resolved', 'x'])}&${params}`);
	}
	return out;
}

function sample(target: string): Sample {
	const url = new URL(ORIGIN + target);
	let urls: string[];
	try {
		urls = pageRequests(url.pathname, url.searchParams).map((r) => getUrl(r));
	} catch {
		urls = []; // the boot script starts nothing then
	}
	const keys = urls.map((u) => requestKey(new URL(ORIGIN + u)));
	return { path: url.pathname, query: url.search.slice(1), keys, urls };
}

describe('pageRequests samples for the server', () => {
	it('are up to date in requests.samples.json', () => {
		const targets = [
			...PAGES,
			...['/', '/jobs', '/jobs/x', '/failures', '/queues'].flatMap((page) =>
				QUERIES.map((query) => `${page}?${query}`)
			),
			...generated(300)
		];
		// One sample a line, so that a change of rules shows as the lines it changes.
		const text = `[\n${targets.map((t) => JSON.stringify(sample(t))).join(',\n')}\n]\n`;
		if (process.env.UPDATE_SAMPLES) writeFileSync(FILE, text);
		const stored = readFileSync(FILE, 'utf8');
		expect(
			stored === text,
			'requests.samples.json is out of date: cd ui && UPDATE_SAMPLES=1 npx vitest run ' +
				'src/lib/requests.samples.test.ts'
		).toBe(true);
	});
});
