import { api, unwrap } from '$lib/api';
import type { QueueInfo } from '$lib/api/types';

export async function listQueues(signal?: AbortSignal): Promise<QueueInfo[]> {
	return unwrap(await api.GET('/api/v1/queues', { signal }));
}

export async function getQueue(name: string, signal?: AbortSignal): Promise<QueueInfo> {
	return unwrap(await api.GET('/api/v1/queues/{name}', { params: { path: { name } }, signal }));
}

/** "chancy.executors.asyncex.AsyncExecutor" → "AsyncExecutor". */
export function executorName(path: string): string {
	return path.split('.').at(-1) ?? path;
}
