import { api, unwrap } from '$lib/api';
import type { JobCounts } from '$lib/api/types';

/** Job counts by state and queue, computed by the server at most once per interval. */
export async function getCounts(signal?: AbortSignal): Promise<JobCounts> {
	return unwrap(await api.GET('/api/v1/jobs/counts', { signal }));
}
