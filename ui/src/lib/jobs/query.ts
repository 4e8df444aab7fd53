/**
 * The jobs list's state lives in the URL: `?q=<search>&limit=50&cursor=<opaque>`. The search
 * (`q`) is the one truth for what is listed: the state tabs and the filters write into it (see
 * $lib/search/edit). Older links (`?state=failed&queue=emails&func=report`) are read as the
 * same search. Selected rows are not in the URL: a shared link must not carry someone else's
 * selection. These functions are the only way between the URL and the list, so every link,
 * back button and reload gives the same list.
 */
import type { JobState, ListJobsQuery } from '$lib/api/types';
// Relative, not $lib: the boot script (see requests.ts) is bundled without the app's aliases.
import { asLegacyFilters, fromLegacy, qualifierValue, withQualifier } from '../search/edit';

export const JOB_STATES: readonly JobState[] = [
	'pending',
	'running',
	'retrying',
	'failed',
	'succeeded'
] as const;
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_LIMIT = 50;

export interface JobListQuery {
	/** The search, trimmed; '' lists every job. */
	q: string;
	limit: number;
	/** An opaque cursor from the API; null is the newest page. */
	cursor: string | null;
	/** Search every job (`search=all`), not only the newest, when no index serves a term. */
	all: boolean;
}

export const EMPTY_QUERY: JobListQuery = { q: '', limit: DEFAULT_LIMIT, cursor: null, all: false };

function text(params: URLSearchParams, key: string): string | null {
	const value = params.get(key)?.trim();
	return value ? value : null;
}

export function isJobState(value: unknown): value is JobState {
	return typeof value === 'string' && (JOB_STATES as readonly string[]).includes(value);
}

/** Read the list's state from a URL; anything malformed falls back to the default. */
export function parseJobQuery(params: URLSearchParams): JobListQuery {
	const limit = Number(params.get('limit'));
	const state = params.get('state');
	const q = params.has('q')
		? (params.get('q') ?? '').trim()
		: fromLegacy(isJobState(state) ? state : null, text(params, 'queue'), text(params, 'func'));
	return {
		q,
		limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : DEFAULT_LIMIT,
		cursor: text(params, 'cursor'),
		all: params.get('search') === 'all'
	};
}

/** Write the list's state as URL parameters, leaving defaults out, in a stable order. */
export function toSearchParams(query: JobListQuery): URLSearchParams {
	const params = new URLSearchParams();
	if (query.q) params.set('q', query.q);
	if (query.limit !== DEFAULT_LIMIT) params.set('limit', String(query.limit));
	if (query.cursor) params.set('cursor', query.cursor);
	if (query.all) params.set('search', 'all');
	return params;
}

export function toSearch(query: JobListQuery): string {
	const search = toSearchParams(query).toString();
	return search ? `?${search}` : '';
}

/**
 * Change the list. A different search or page size goes back to the newest page; a different
 * search is bounded again.
 */
export function withChanges(query: JobListQuery, changes: Partial<JobListQuery>): JobListQuery {
	const next = { ...query, ...changes };
	if (typeof next.q === 'string') next.q = next.q.trim();
	if (next.q !== query.q && !('all' in changes)) next.all = false;
	const refilters = (['q', 'limit'] as const).some(
		(key) => key in changes && next[key] !== query[key]
	);
	if (refilters && !('cursor' in changes)) next.cursor = null;
	return next;
}

/** The state the search selects, when it names exactly one (the tab to mark). */
export function stateOf(q: string): JobState | null {
	const state = qualifierValue(q, 'state');
	return isJobState(state) ? state : null;
}

/** The search with its state tab changed (null: all states). */
export const withState = (q: string, state: JobState | null) => withQualifier(q, 'state', state);

/**
 * How the dashboard asks for every job list: the paginated envelope of summary rows (the
 * default full rows carry kwargs and every traceback, which no list shows).
 */
export const SUMMARY_PAGE = {
	pagination: 'true',
	view: 'summary'
} as const satisfies ListJobsQuery;

/** The list request's parameters, with the search (`q`) the server's language reads. */
export type SearchJobsQuery = ListJobsQuery & { q?: string; search?: 'window' | 'all' };

/**
 * The API request for the list. A search that says no more than the older parameters can
 * (one state, one queue, a function name contained) is sent as those: the shared counts break
 * the same selection down, and the request is the one the boot script starts early.
 */
export function toApiQuery(query: JobListQuery): SearchJobsQuery {
	const api: SearchJobsQuery = { ...SUMMARY_PAGE, limit: query.limit };
	const legacy = asLegacyFilters(query.q);
	if (legacy && (!legacy.state || isJobState(legacy.state))) {
		if (legacy.state) api.state = legacy.state as JobState;
		if (legacy.queue) api.queue = legacy.queue;
		if (legacy.func) api.func = legacy.func;
	} else if (query.q) {
		api.q = query.q;
		if (query.all) api.search = 'all';
	}
	if (query.cursor) api.cursor = query.cursor;
	return api;
}

export function toggleSelected(selected: string[], id: string): string[] {
	return selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id];
}
