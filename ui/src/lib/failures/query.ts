/**
 * The failure inbox's state in the URL: `?status=resolved&q=timeout&cursor=<opaque>`. Open is
 * the default tab and is left out. These functions are the only way between the two, so links,
 * the back button and reloads give the same list. Imported by the boot script (through
 * $lib/requests): nothing here may import the app's client or `$app/*`.
 */

export const FAILURE_STATUSES = ['open', 'resolved', 'ignored'] as const;
export type FailureStatus = (typeof FAILURE_STATUSES)[number];
export const PAGE_SIZE = 25;
/** The overview's "Top failures": the open groups seen last, a few of them. */
export const TOP_OPEN = 6;

export interface FailureListQuery {
	status: FailureStatus;
	/** Text the API searches for in the exception, message and functions. */
	q: string | null;
	/** An opaque cursor from the API; null is the first page. */
	cursor: string | null;
}

export const EMPTY_FAILURE_QUERY: FailureListQuery = { status: 'open', q: null, cursor: null };

export function isFailureStatus(value: unknown): value is FailureStatus {
	return typeof value === 'string' && (FAILURE_STATUSES as readonly string[]).includes(value);
}

const text = (params: URLSearchParams, key: string) => params.get(key)?.trim() || null;

/** Read the inbox's state from a URL; anything malformed falls back to the default. */
export function parseFailureQuery(params: URLSearchParams): FailureListQuery {
	const status = params.get('status');
	return {
		status: isFailureStatus(status) ? status : 'open',
		q: text(params, 'q'),
		cursor: text(params, 'cursor')
	};
}

/** `?status=…&q=…&cursor=…` (defaults left out, stable order), or '' for the open inbox. */
export function failureSearch(query: FailureListQuery): string {
	const params = new URLSearchParams();
	if (query.status !== 'open') params.set('status', query.status);
	if (query.q) params.set('q', query.q);
	if (query.cursor) params.set('cursor', query.cursor);
	const search = params.toString();
	return search ? `?${search}` : '';
}

/** A change of tab or search starts again from the first page; a change of cursor keeps them. */
export function withChanges(
	query: FailureListQuery,
	changes: Partial<FailureListQuery>
): FailureListQuery {
	const next = { ...query, ...changes };
	if (!('cursor' in changes)) next.cursor = null;
	return next;
}

/** The API's parameters for the list (its `status` is explicit: the API's default may move). */
export function toApiQuery(query: FailureListQuery, limit = PAGE_SIZE) {
	return {
		status: query.status,
		limit,
		...(query.q ? { q: query.q } : {}),
		...(query.cursor ? { cursor: query.cursor } : {})
	};
}

/** The jobs-list query of a group's jobs (the query language's `failure:` qualifier). */
export const groupJobsQuery = (fingerprint: string, state: string | null = null) =>
	`failure:${fingerprint}` + (state ? ` state:${state}` : '');
