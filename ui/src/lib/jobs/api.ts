import { api, unwrap } from '$lib/api';
import type { JobDetail, JobSummaryPage, ListJobsQuery } from '$lib/api/types';
import { SUMMARY_PAGE } from './query';

/** One page of summary rows. We always ask for the envelope; a bare array is one page. */
export async function listJobs(
	query: ListJobsQuery,
	signal?: AbortSignal
): Promise<JobSummaryPage> {
	const body = unwrap(
		await api.GET('/api/v1/jobs', { params: { query: { ...query, ...SUMMARY_PAGE } }, signal })
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
