/** Health signals of queues: how long work has waited, and how much of it is due. */
import type { JobCounts, QueueInfo } from '$lib/api/types';
import { toMs } from '$lib/format';

/**
 * When the longest-waiting due job of any active queue became due (ms), or null. Paused
 * queues are left out: their jobs wait because someone paused them, not because workers lag.
 */
export function longestWait(
	queues: readonly Pick<QueueInfo, 'name' | 'state'>[],
	counts: Pick<JobCounts, 'oldest_pending_at'> | null | undefined
): number | null {
	let min: number | null = null;
	for (const q of queues) {
		if (q.state === 'paused') continue;
		const at = toMs(counts?.oldest_pending_at[q.name] ?? null);
		if (at !== null && (min === null || at < min)) min = at;
	}
	return min;
}

/** A queue's pending jobs split into those due now and those scheduled for later. */
export function pendingSplit(
	counts: Pick<JobCounts, 'by_queue' | 'scheduled_pending'> | null | undefined,
	queue: string
): { due: number; scheduled: number } | null {
	const pending = counts?.by_queue[queue]?.pending;
	if (pending === undefined || !counts) return null;
	const scheduled = Math.min(pending, counts.scheduled_pending?.[queue] ?? 0);
	return { due: pending - scheduled, scheduled };
}
