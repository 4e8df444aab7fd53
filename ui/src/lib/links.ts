/** Links to the dashboard's pages, under whatever base path it is served at. */
import { resolve } from '$app/paths';
import type { JobState } from '$lib/api/types';
import { searchHref } from '$lib/search/links';
import { withQualifier } from '$lib/search/edit';

export const jobHref = (id: string) => resolve('/jobs/[id]', { id: encodeURIComponent(id) });
export const queueHref = (name: string) =>
	resolve('/queues/[name]', { name: encodeURIComponent(name) });
export const workerHref = (id: string) => resolve('/workers/[id]', { id: encodeURIComponent(id) });

/** The jobs list searching for these qualifiers (`func` is the exact name), ANDed with `q`. */
export function jobsHref(
	filters: { state?: JobState | null; queue?: string | null; func?: string | null; q?: string } = {}
): string {
	let q = filters.q ?? '';
	if (filters.func) q = withQualifier(q, 'func', filters.func);
	if (filters.queue) q = withQualifier(q, 'queue', filters.queue);
	if (filters.state) q = withQualifier(q, 'state', filters.state);
	return searchHref(q);
}

/** A `next` target for after login: a path inside the app, never another origin. */
export function safeNext(value: string | null): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\'))
		return '/';
	return value;
}
