import { send } from '$lib/api';
import type { JobDetail, JobSummaryPage, ListJobsQuery } from '$lib/api/types';
import { jobRequest, jobsRequest } from '$lib/requests';

/** One page of summary rows. We always ask for the envelope; a bare array is narrowed to one page. */
export async function listJobs(
	query: ListJobsQuery,
	signal?: AbortSignal
): Promise<JobSummaryPage> {
	const body = await send(jobsRequest(query), signal);
	return Array.isArray(body)
		? { items: body, has_more: false, next_cursor: null, prev_cursor: null }
		: body;
}

export async function getJob(id: string, signal?: AbortSignal): Promise<JobDetail> {
	return send(jobRequest(id), signal);
}
