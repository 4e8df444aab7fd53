import { api, unwrap } from '$lib/api';
import type { JobCounts } from '$lib/api/types';
import { take, warm } from '$lib/prefetch';

async function fetchCounts(signal?: AbortSignal): Promise<JobCounts> {
	return unwrap(await api.GET('/api/v1/jobs/counts', { signal }));
}

/** Job counts by state and queue, computed by the server at most once per interval. */
export const getCounts = (signal?: AbortSignal) => take('counts', () => fetchCounts(signal));
export const warmCounts = () => warm('counts', () => fetchCounts());
