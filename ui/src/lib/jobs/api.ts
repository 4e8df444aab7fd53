import { api, unwrap } from '$lib/api';
import type { JobDetail, JobPage, ListJobsQuery } from '$lib/api/types';

/** One page of jobs. We always ask for the envelope; a bare array is narrowed to one page. */
export async function listJobs(query: ListJobsQuery, signal?: AbortSignal): Promise<JobPage> {
	const body = unwrap(
		await api.GET('/api/v1/jobs', { params: { query: { ...query, pagination: 'true' } }, signal })
	);
	return Array.isArray(body)
		? { items: body, has_more: false, next_cursor: null, prev_cursor: null }
		: body;
}

export async function getJob(id: string, signal?: AbortSignal): Promise<JobDetail> {
	return unwrap(
		await api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: id } }, signal })
	);
}
