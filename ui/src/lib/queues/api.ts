import { api, send, unwrap } from '$lib/api';
import type { Schemas } from '$lib/api/client';
import type { QueueInfo } from '$lib/api/types';
import { queueRequest, queuesRequest } from '$lib/requests';
import type { QueueCreate, QueueUpdate } from './form';

export async function listQueues(signal?: AbortSignal): Promise<QueueInfo[]> {
	return send(queuesRequest(), signal);
}

export async function getQueue(name: string, signal?: AbortSignal): Promise<QueueInfo> {
	return send(queueRequest(name), signal);
}

/** "chancy.executors.asyncex.AsyncExecutor" → "AsyncExecutor". */
export function executorName(path: string): string {
	return path.split('.').at(-1) ?? path;
}

export type QueueDeleted = Schemas['QueueDeleted'];
const path = (name: string) => ({ path: { name } });

export async function createQueue(body: QueueCreate): Promise<QueueInfo> {
	return unwrap(await api.POST('/api/v1/queues', { body }));
}

export async function updateQueue(name: string, body: QueueUpdate): Promise<QueueInfo> {
	return unwrap(await api.PATCH('/api/v1/queues/{name}', { params: path(name), body }));
}

/** Pause until resumed by hand, or until `resumeAt` (ISO time) when a worker resumes it. */
export async function pauseQueue(name: string, resumeAt: string | null): Promise<QueueInfo> {
	const body = resumeAt ? { resume_at: resumeAt } : {};
	return unwrap(await api.POST('/api/v1/queues/{name}/pause', { params: path(name), body })).queue;
}

export async function resumeQueue(name: string): Promise<QueueInfo> {
	return unwrap(await api.POST('/api/v1/queues/{name}/resume', { params: path(name) })).queue;
}

export async function deleteQueue(name: string, purgeJobs: boolean): Promise<QueueDeleted> {
	return unwrap(
		await api.DELETE('/api/v1/queues/{name}', {
			params: { ...path(name), query: { purge_jobs: purgeJobs } }
		})
	);
}
