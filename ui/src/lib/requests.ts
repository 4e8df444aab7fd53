/**
 * The API requests each page makes when it opens, as data. The pages make them through the
 * typed client; `early.ts` starts the same requests before the app has even loaded.
 */
import type { ListJobsQuery } from '$lib/api/types';
import { SUMMARY_PAGE, parseJobQuery, toApiQuery } from './jobs/query';

/** The overview's "Recent failures". */
export const RECENT_FAILURES: ListJobsQuery = { state: 'failed', limit: 8, ...SUMMARY_PAGE };

/** A queue page's latest jobs. */
export const queueJobs = (queue: string): ListJobsQuery => ({
	queue,
	limit: 15,
	...SUMMARY_PAGE
});

/** A worker page's running jobs. */
export const workerJobs = (workerId: string): ListJobsQuery => ({
	state: 'running',
	limit: 50,
	...SUMMARY_PAGE,
	filters: JSON.stringify([['taken_by', '=', workerId]])
});

type Query = Record<string, string | number | null | undefined>;
const API = '/api/v1';

function url(path: string, query?: Query): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query ?? {})) {
		if (value !== null && value !== undefined) params.set(key, String(value));
	}
	const search = params.toString();
	return `${API}${path}${search ? `?${search}` : ''}`;
}

/**
 * The GET requests (paths under the base path, with their queries) that the page at `path`
 * needs for its first screen: who is logged in, and the page's main data. Secondary data
 * (counts, filter choices) is left to the page, so that these few requests do not hold up the
 * app's own files, which share the browser's few connections to the server.
 */
export function pageRequests(path: string, search: URLSearchParams): string[] {
	if (path === '/login') return [];
	const [, section, rawId] = path.split('/');
	const id = rawId ? decodeURIComponent(rawId) : null;
	const requests = [url('/session')];
	const jobs = (query: ListJobsQuery) => url('/jobs', { ...query, ...SUMMARY_PAGE });
	if (!section) {
		requests.push(url('/jobs/counts'), jobs(RECENT_FAILURES));
	} else if (section === 'jobs') {
		requests.push(
			id ? url(`/jobs/${encodeURIComponent(id)}`) : jobs(toApiQuery(parseJobQuery(search)))
		);
	} else if (section === 'queues') {
		requests.push(id ? url(`/queues/${encodeURIComponent(id)}`) : url('/queues'));
	} else if (section === 'workers') {
		requests.push(id ? url(`/workers/${encodeURIComponent(id)}`) : url('/workers'));
	}
	return requests;
}
