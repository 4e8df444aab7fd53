import { api, unwrap } from '$lib/api';
import type { QueueInfo } from '$lib/api/types';
import { take, warm } from '$lib/prefetch';

async function fetchQueues(signal?: AbortSignal): Promise<QueueInfo[]> {
	return unwrap(await api.GET('/api/v1/queues', { signal }));
}

async function fetchQueue(name: string, signal?: AbortSignal): Promise<QueueInfo> {
	return unwrap(await api.GET('/api/v1/queues/{name}', { params: { path: { name } }, signal }));
}

export const listQueues = (signal?: AbortSignal) => take('queues', () => fetchQueues(signal));
export const warmQueues = () => warm('queues', () => fetchQueues());
export const getQueue = (name: string, signal?: AbortSignal) =>
	take(`queue ${name}`, () => fetchQueue(name, signal));
export const warmQueue = (name: string) => warm(`queue ${name}`, () => fetchQueue(name));

/** "chancy.executors.asyncex.AsyncExecutor" → "AsyncExecutor". */
export function executorName(path: string): string {
	return path.split('.').at(-1) ?? path;
}
