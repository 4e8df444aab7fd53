import { api, unwrap } from '$lib/api';
import type { JobDetail, JobPage, ListJobsQuery } from '$lib/api/types';
import { take, warm } from '$lib/prefetch';

const listKey = (query: ListJobsQuery) => `jobs ${JSON.stringify(query)}`;
const jobKey = (id: string) => `job ${id}`;

async function fetchJobs(query: ListJobsQuery, signal?: AbortSignal): Promise<JobPage> {
	const body = unwrap(
		await api.GET('/api/v1/jobs', { params: { query: { ...query, pagination: 'true' } }, signal })
	);
	// We always ask for the envelope; a bare array (the reference's shape) is one page.
	return Array.isArray(body)
		? { items: body, has_more: false, next_cursor: null, prev_cursor: null }
		: body;
}

async function fetchJob(id: string, signal?: AbortSignal): Promise<JobDetail> {
	return unwrap(await api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: id } }, signal }));
}

/** One page of jobs. */
export const listJobs = (query: ListJobsQuery, signal?: AbortSignal) =>
	take(listKey(query), () => fetchJobs(query, signal));
export const warmJobs = (query: ListJobsQuery) => warm(listKey(query), () => fetchJobs(query));

export const getJob = (id: string, signal?: AbortSignal) =>
	take(jobKey(id), () => fetchJob(id, signal));
export const warmJob = (id: string) => warm(jobKey(id), () => fetchJob(id));
