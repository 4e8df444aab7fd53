import { send } from '$lib/api';
import type { JobDetail, JobPage, ListJobsQuery } from '$lib/api/types';
import { jobRequest, jobsRequest } from '$lib/requests';

/** One page of jobs. We always ask for the envelope; a bare array is narrowed to one page. */
export async function listJobs(query: ListJobsQuery, signal?: AbortSignal): Promise<JobPage> {
	const body = await send(jobsRequest(query), signal);
	return Array.isArray(body)
		? { items: body, has_more: false, next_cursor: null, prev_cursor: null }
		: body;
}

export async function getJob(id: string, signal?: AbortSignal): Promise<JobDetail> {
	return send(jobRequest(id), signal);
}
