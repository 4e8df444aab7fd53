/** Links to the failure pages, under whatever base path the dashboard is served at. */
import { resolve } from '$app/paths';
import { EMPTY_FAILURE_QUERY, failureSearch, groupJobsQuery, type FailureListQuery } from './query';

export const failuresHref = (query: Partial<FailureListQuery> = {}) =>
	resolve('/failures') + failureSearch({ ...EMPTY_FAILURE_QUERY, ...query });

export const failureHref = (fingerprint: string) =>
	resolve('/failures/[fingerprint]', { fingerprint: encodeURIComponent(fingerprint) });

/** The jobs page searching a group's jobs (`q` is the jobs page's query-language search). */
export const groupJobsHref = (fingerprint: string, state: string | null = null) =>
	`${resolve('/jobs')}?q=${encodeURIComponent(groupJobsQuery(fingerprint, state))}`;
