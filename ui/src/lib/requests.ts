/**
 * The API requests the pages make when they open, declared once, as values (see api/get.ts):
 * a page sends them through the typed client, and the boot script (early.ts) starts the same
 * ones for the URL being opened before the app has even loaded. A browser test checks that
 * every request preloaded for a page is one the page makes.
 *
 * Only who is logged in and a page's main data are started early. Secondary data (counts,
 * filter choices) is left to the page, so that these few requests do not hold up the app's own
 * files, which share the browser's few connections to the server.
 *
 * Imported by the boot script: nothing here may import the app's client or `$app/*`.
 */
import type { ListFailuresQuery, ListJobsQuery } from '$lib/api/types';
import { get, type Get } from './api/get';
import { SUMMARY_PAGE, parseJobQuery, toApiQuery } from './jobs/query';
import {
	TOP_OPEN,
	EMPTY_FAILURE_QUERY,
	parseFailureQuery,
	toApiQuery as toFailuresQuery
} from './failures/query';

/** The overview's "Top failures": the open failure groups. */
export const TOP_FAILURES = toFailuresQuery(EMPTY_FAILURE_QUERY, TOP_OPEN);

export const sessionRequest = () => get('/api/v1/session');
export const countsRequest = () => get('/api/v1/jobs/counts');
/** We always ask for the envelope (`pagination=true`) of summary rows (`view=summary`). */
export const jobsRequest = (query: ListJobsQuery) =>
	get('/api/v1/jobs', { query: { ...query, ...SUMMARY_PAGE } });
export const jobRequest = (id: string) => get('/api/v1/jobs/{job_id}', { path: { job_id: id } });
export const queuesRequest = () => get('/api/v1/queues');
export const queueRequest = (name: string) => get('/api/v1/queues/{name}', { path: { name } });
export const failuresRequest = (query: ListFailuresQuery) => get('/api/v1/failures', { query });
export const failureRequest = (fingerprint: string) =>
	get('/api/v1/failures/{fingerprint}', { path: { fingerprint } });
export const workersRequest = () => get('/api/v1/workers');
export const workerRequest = (id: string) =>
	get('/api/v1/workers/{worker_id}', { path: { worker_id: id } });

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

/**
 * Each page's first requests beyond the session, by the first segment of its path, given the
 * second (a job id, a queue name, a worker id) when there is one.
 */
const FIRST: Record<string, (id: string | null, search: URLSearchParams) => Get[]> = {
	'': () => [countsRequest(), failuresRequest(TOP_FAILURES)],
	failures: (fingerprint, search) => [
		fingerprint === null
			? failuresRequest(toFailuresQuery(parseFailureQuery(search)))
			: failureRequest(fingerprint)
	],
	jobs: (id, search) => [
		id === null ? jobsRequest(toApiQuery(parseJobQuery(search))) : jobRequest(id)
	],
	queues: (name) => [name === null ? queuesRequest() : queueRequest(name)],
	workers: (id) => [id === null ? workersRequest() : workerRequest(id)]
};

/**
 * The GET requests the page at `path` makes for its first screen, to start early: who is
 * logged in, and the page's main data (none for the login page, which has no session yet).
 */
export function pageRequests(path: string, search: URLSearchParams): Get[] {
	if (path === '/login') return [];
	const [section = '', id, ...rest] = path.split('/').slice(1);
	const first = rest.length || !Object.hasOwn(FIRST, section) ? undefined : FIRST[section];
	return [sessionRequest(), ...(first?.(id ? decodeURIComponent(id) : null, search) ?? [])];
}
