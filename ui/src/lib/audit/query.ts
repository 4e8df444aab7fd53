/**
 * The audit page's filters live in the URL: `?username=ada&action=job.retry&outcome=denied
 * &target=<job id or queue>&since=<ISO time>&cursor=<opaque>`. These functions are the only way
 * between the two.
 */
import type { Schemas } from '$lib/api/client';

export type AuditEntry = Schemas['AuditEntry'];
export type AuditPage = Schemas['AuditPage'];
export type Outcome = AuditEntry['outcome'];

export const OUTCOMES: readonly Outcome[] = ['allowed', 'denied', 'failed'];
/** The mutations the server records (a filter may name any other too). */
export const ACTIONS = [
	'job.retry',
	'job.cancel',
	'job.delete',
	'job.batch',
	'job.bulk',
	'job.bulk.cancel',
	'job.bulk.finished',
	'job.clone',
	'queue.create',
	'queue.update',
	'queue.pause',
	'queue.resume',
	'queue.delete',
	'cron.run',
	'cron.delete'
] as const;
export const PAGE_SIZE = 50;

export interface AuditQuery {
	username: string | null;
	action: string | null;
	outcome: Outcome | null;
	target: string | null;
	/** An ISO 8601 time. */
	since: string | null;
	cursor: string | null;
}

export const EMPTY_AUDIT_QUERY: AuditQuery = {
	username: null,
	action: null,
	outcome: null,
	target: null,
	since: null,
	cursor: null
};

const KEYS = ['username', 'action', 'outcome', 'target', 'since', 'cursor'] as const;

function text(params: URLSearchParams, key: string): string | null {
	const value = params.get(key)?.trim();
	return value ? value : null;
}

export function parseAuditQuery(params: URLSearchParams): AuditQuery {
	const outcome = text(params, 'outcome');
	const since = text(params, 'since');
	return {
		username: text(params, 'username'),
		action: text(params, 'action'),
		outcome: OUTCOMES.includes(outcome as Outcome) ? (outcome as Outcome) : null,
		target: text(params, 'target'),
		since: since && !Number.isNaN(Date.parse(since)) ? since : null,
		// Opaque, as the job list's: the API refuses one it did not make.
		cursor: text(params, 'cursor')
	};
}

export function toAuditSearch(query: AuditQuery): string {
	const params = new URLSearchParams();
	for (const key of KEYS) {
		const value = query[key];
		if (value) params.set(key, value);
	}
	const search = params.toString();
	return search ? `?${search}` : '';
}

/** Change the filters; any filter change goes back to the newest entries. */
export function withAuditChanges(query: AuditQuery, changes: Partial<AuditQuery>): AuditQuery {
	const next = { ...query, ...changes };
	if (!('cursor' in changes)) next.cursor = null;
	return next;
}

/** The API's query for a page of entries. */
export function toAuditApiQuery(query: AuditQuery) {
	return {
		limit: PAGE_SIZE,
		...(query.username ? { username: query.username } : {}),
		...(query.action ? { action: query.action } : {}),
		...(query.outcome ? { outcome: query.outcome } : {}),
		...(query.target ? { target: query.target } : {}),
		...(query.since ? { since: query.since } : {}),
		...(query.cursor ? { cursor: query.cursor } : {})
	};
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO time as a datetime-local input's value, in local time. */
export function toLocalInput(iso: string | null): string {
	if (!iso) return '';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return '';
	return (
		`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
		`T${pad(d.getHours())}:${pad(d.getMinutes())}`
	);
}

/** A datetime-local input's value (local time) as an ISO time; null when empty or invalid. */
export function fromLocalInput(local: string): string | null {
	if (!local) return null;
	const d = new Date(local);
	return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
