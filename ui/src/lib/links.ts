/** Links to the dashboard's pages, under whatever base path it is served at. */
import { resolve } from '$app/paths';
import { toSearch, EMPTY_QUERY, type JobListQuery } from '$lib/jobs/query';

export const jobHref = (id: string) => resolve('/jobs/[id]', { id: encodeURIComponent(id) });
export const queueHref = (name: string) =>
	resolve('/queues/[name]', { name: encodeURIComponent(name) });
export const workerHref = (id: string) => resolve('/workers/[id]', { id: encodeURIComponent(id) });
export const jobsHref = (query: Partial<JobListQuery> = {}) =>
	resolve('/jobs') + toSearch({ ...EMPTY_QUERY, ...query });

/** A `next` target for after login: a path inside the app, never another origin. */
export function safeNext(value: string | null): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\'))
		return '/';
	return value;
}
