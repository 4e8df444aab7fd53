/**
 * The API requests each page makes when it opens, as data. The pages make them through the
 * typed client; `early.ts` starts the same requests before the app has even loaded.
 */
import type { ListJobsQuery } from '$lib/api/types';
import { parseJobQuery, toApiQuery } from './jobs/query';

/** The overview's "Recent failures". */
export const RECENT_FAILURES: ListJobsQuery = { state: 'failed', limit: 8, pagination: 'true' };

/** A queue page's latest jobs. */
export const queueJobs = (queue: string): ListJobsQuery => ({
	queue,
	limit: 15,
	pagination: 'true'
});

/** A worker page's running jobs. */
export const workerJobs = (workerId: string): ListJobsQuery => ({
	state: 'running',
	limit: 50,
	pagination: 'true',
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
 * makes as soon as it opens.
 */
export function pageRequests(path: string, search: URLSearchParams): string[] {
	if (path === '/login') return [];
	const [, section, rawId] = path.split('/');
	const id = rawId ? decodeURIComponent(rawId) : null;
	const requests = [url('/session'), url('/configuration')];
	const jobs = (query: ListJobsQuery) => url('/jobs', { ...query, pagination: 'true' });
	if (!section) {
		requests.push(url('/jobs/counts'), url('/workers'), url('/queues'), jobs(RECENT_FAILURES));
	} else if (section === 'jobs' && id) {
		requests.push(url(`/jobs/${encodeURIComponent(id)}`));
	} else if (section === 'jobs') {
		requests.push(jobs(toApiQuery(parseJobQuery(search))), url('/jobs/counts'));
		requests.push(url('/queues'), url('/jobs/functions'));
	} else if (section === 'queues' && id) {
		requests.push(url(`/queues/${encodeURIComponent(id)}`), url('/jobs/counts'));
		requests.push(jobs(queueJobs(id)), url('/workers'));
	} else if (section === 'queues') {
		requests.push(url('/queues'), url('/jobs/counts'));
	} else if (section === 'workers' && id) {
		requests.push(url(`/workers/${encodeURIComponent(id)}`), jobs(workerJobs(id)));
	} else if (section === 'workers') {
		requests.push(url('/workers'));
	}
	return requests;
}
