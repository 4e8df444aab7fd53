import { send } from '$lib/api';
import type { WorkerInfo } from '$lib/api/types';
import { toMs } from '$lib/format';
import { workerRequest, workersRequest } from '$lib/requests';

export async function listWorkers(signal?: AbortSignal): Promise<WorkerInfo[]> {
	return send(workersRequest(), signal);
}

export async function getWorker(id: string, signal?: AbortSignal): Promise<WorkerInfo> {
	return send(workerRequest(id), signal);
}

/**
 * How healthy a worker's heartbeat looks: `ok` when seen recently, `late` past half its
 * expiry window, `expired` when past `expires_at` (or flagged so by the server).
 */
export function heartbeat(worker: WorkerInfo, now: number): 'ok' | 'late' | 'expired' {
	const seen = toMs(worker.last_seen) ?? 0;
	const expires = toMs(worker.expires_at) ?? 0;
	if (worker.expired || now >= expires) return 'expired';
	return now - seen > (expires - seen) / 2 ? 'late' : 'ok';
}

/** Workers serving `queue`: listed by name. */
export function servesQueue(worker: WorkerInfo, queue: string): boolean {
	return worker.queues.includes(queue);
}
