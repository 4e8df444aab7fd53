/**
 * What bulk actions say about operations: the query of a job list, a progress fraction, and
 * the words for each action and state.
 */
import type { BulkAction, BulkOperation } from './api';

export interface ListFilters {
	state: string | null;
	queue: string | null;
	func: string | null;
	/** A search of the query language, if the list has one. */
	q?: string | null;
}

/** A value as the query language writes it: bare when it is one plain word, else quoted. */
export function quoted(value: string): string {
	return /^[\w.\-~]+$/.test(value) ? value : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The query that selects what a job list shows: its filters and its search, ANDed. */
export function listToQuery(filters: ListFilters): string {
	const terms: string[] = [];
	if (filters.state) terms.push(`state:${filters.state}`);
	if (filters.queue) terms.push(`queue:${quoted(filters.queue)}`);
	if (filters.func) terms.push(`func:~${quoted(filters.func)}`);
	const q = filters.q?.trim();
	if (q) terms.push(terms.length ? `(${q})` : q);
	return terms.join(' ');
}

export const UNFINISHED = ['queued', 'running'];
export const isFinished = (op: Pick<BulkOperation, 'state'>) => !UNFINISHED.includes(op.state);

/** Done so far, from 0 to 1 (an estimated count may be passed or never reached). */
export function progress(op: Pick<BulkOperation, 'state' | 'processed' | 'matched'>): number {
	if (op.state === 'done') return 1;
	if (op.matched <= 0) return 0;
	return Math.min(1, op.processed / op.matched);
}

export const ACTION_TEXT: Record<BulkAction, { label: string; done: string; explain: string }> = {
	retry: {
		label: 'Retry',
		done: 'retried',
		explain: 'They run again as soon as workers are free. Running jobs are skipped.'
	},
	cancel: {
		label: 'Cancel',
		done: 'cancelled',
		explain:
			'Pending and retrying jobs will not run, running ones are asked to stop; all end as failed. Finished jobs are skipped.'
	},
	purge: {
		label: 'Purge',
		done: 'purged',
		explain: 'The jobs and their history are deleted for good. Running ones are asked to stop.'
	}
};

/** "1,200 of 5,000 jobs retried · 3 skipped". */
export function describe(op: BulkOperation): string {
	const text = ACTION_TEXT[op.action as BulkAction]?.done ?? op.action;
	const of =
		op.state === 'done' ? '' : ` of ${op.estimated ? '≈' : ''}${op.matched.toLocaleString('en')}`;
	const parts = [`${op.succeeded.toLocaleString('en')}${of} jobs ${text}`];
	if (op.skipped) parts.push(`${op.skipped.toLocaleString('en')} skipped`);
	if (op.failed) parts.push(`${op.failed.toLocaleString('en')} failed`);
	return parts.join(' · ');
}
