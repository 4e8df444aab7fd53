/**
 * Job actions (retry, cancel, delete one job; retry, cancel, purge many) and which of them a
 * job's state allows. The server decides in the end (409 with a reason); the dashboard only
 * avoids offering what would be refused.
 */
import { api, unwrap } from '$lib/api';
import type { Schemas } from '$lib/api/client';

export type JobActionResult = Schemas['JobActionResult'];
export type BatchItemResult = Schemas['BatchItemResult'];
export type BatchAction = 'retry' | 'cancel' | 'purge';

export type JobAction = 'retry' | 'cancel' | 'delete';

/** An action as offered for a job: allowed, or disabled with the reason. */
export interface Offer {
	action: JobAction;
	allowed: boolean;
	reason: string | null;
}

const CANCELLABLE = ['pending', 'retrying', 'running'];

export function jobOffers(state: string): Offer[] {
	const retry = state === 'running' ? 'Running jobs cannot be retried; cancel it first' : null;
	const cancel = CANCELLABLE.includes(state) ? null : `The job has already ${state}`;
	return [
		{ action: 'retry', allowed: retry === null, reason: retry },
		{ action: 'cancel', allowed: cancel === null, reason: cancel },
		{ action: 'delete', allowed: true, reason: null }
	];
}

const path = (id: string) => ({ params: { path: { job_id: id } } });

export async function runJobAction(action: JobAction, id: string): Promise<JobActionResult> {
	if (action === 'retry') return unwrap(await api.POST('/api/v1/jobs/{job_id}/retry', path(id)));
	if (action === 'cancel') return unwrap(await api.POST('/api/v1/jobs/{job_id}/cancel', path(id)));
	return unwrap(await api.DELETE('/api/v1/jobs/{job_id}', path(id)));
}

export async function runBatch(action: BatchAction, ids: string[]): Promise<BatchItemResult[]> {
	return unwrap(await api.POST('/api/v1/jobs', { body: { action, ids } })).results;
}

/** What happened to a batch, for a result message. */
export interface BatchSummary {
	completed: number;
	skipped: number;
	failed: number;
	/** "3 skipped: Job is already succeeded", one line per distinct reason, most common first. */
	reasons: string[];
	/** Ids that were not completed (to keep them selected). */
	leftOver: string[];
	title: string;
	tone: 'success' | 'error' | 'info';
}

const DONE: Record<BatchAction, string> = {
	retry: 'queued to run again',
	cancel: 'cancelled',
	purge: 'deleted'
};

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summariseBatch(action: BatchAction, results: BatchItemResult[]): BatchSummary {
	const by = (status: BatchItemResult['status']) => results.filter((r) => r.status === status);
	const completed = by('completed').length;
	const skipped = by('skipped');
	const failed = by('failed');
	const reasons: string[] = [];
	for (const [status, items] of [
		['skipped', skipped],
		['failed', failed]
	] as const) {
		const counts = new Map<string, number>();
		for (const item of items) {
			const why = item.message || 'no reason given';
			counts.set(why, (counts.get(why) ?? 0) + 1);
		}
		const sorted = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
		for (const [why, n] of sorted) reasons.push(`${n} ${status}: ${why}`);
	}
	const title =
		completed === results.length
			? `${plural(completed, 'job')} ${DONE[action]}`
			: `${completed} of ${plural(results.length, 'job')} ${DONE[action]}`;
	return {
		completed,
		skipped: skipped.length,
		failed: failed.length,
		reasons,
		leftOver: [...skipped, ...failed].map((r) => r.id),
		title,
		tone: failed.length ? 'error' : completed === 0 ? 'info' : 'success'
	};
}
