/**
 * The jobs list's state lives in the URL: `?state=failed&queue=emails&func=report&limit=50
 * &cursor=<opaque>&selected=<id>,<id>`. These functions are the only way between the two, so
 * every link, back button and reload gives the same list.
 */
import type { JobState, ListJobsQuery } from '$lib/api/types';

export const JOB_STATES: readonly JobState[] = [
	'pending',
	'running',
	'retrying',
	'failed',
	'succeeded'
] as const;
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_LIMIT = 50;
const MAX_SELECTED = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface JobListQuery {
	state: JobState | null;
	queue: string | null;
	/** Matches function names containing it. */
	func: string | null;
	limit: number;
	/** An opaque cursor from the API; null is the newest page. */
	cursor: string | null;
	/** Selected job ids, in selection order. */
	selected: string[];
}

export const EMPTY_QUERY: JobListQuery = {
	state: null,
	queue: null,
	func: null,
	limit: DEFAULT_LIMIT,
	cursor: null,
	selected: []
};

function text(params: URLSearchParams, key: string): string | null {
	const value = params.get(key)?.trim();
	return value ? value : null;
}

export function isJobState(value: unknown): value is JobState {
	return typeof value === 'string' && (JOB_STATES as readonly string[]).includes(value);
}

/** Read the list's state from a URL; anything malformed falls back to the default. */
export function parseJobQuery(params: URLSearchParams): JobListQuery {
	const state = params.get('state');
	const limit = Number(params.get('limit'));
	const selected = (params.get('selected') ?? '')
		.split(',')
		.map((id) => id.trim().toLowerCase())
		.filter((id, i, all) => UUID.test(id) && all.indexOf(id) === i)
		.slice(0, MAX_SELECTED);
	return {
		state: isJobState(state) ? state : null,
		queue: text(params, 'queue'),
		func: text(params, 'func'),
		limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : DEFAULT_LIMIT,
		cursor: text(params, 'cursor'),
		selected
	};
}

/** Write the list's state as URL parameters, leaving defaults out, in a stable order. */
export function toSearchParams(query: JobListQuery): URLSearchParams {
	const params = new URLSearchParams();
	if (query.state) params.set('state', query.state);
	if (query.queue) params.set('queue', query.queue);
	if (query.func) params.set('func', query.func);
	if (query.limit !== DEFAULT_LIMIT) params.set('limit', String(query.limit));
	if (query.cursor) params.set('cursor', query.cursor);
	if (query.selected.length) params.set('selected', query.selected.join(','));
	return params;
}

export function toSearch(query: JobListQuery): string {
	const search = toSearchParams(query).toString();
	return search ? `?${search}` : '';
}

/** Change the list. A different filter or page size goes back to the newest page. */
export function withChanges(query: JobListQuery, changes: Partial<JobListQuery>): JobListQuery {
	const next = { ...query, ...changes };
	const refilters = (['state', 'queue', 'func', 'limit'] as const).some(
		(key) => key in changes && changes[key] !== query[key]
	);
	if (refilters && !('cursor' in changes)) next.cursor = null;
	return next;
}

/**
 * How the dashboard asks for every job list: the paginated envelope of summary rows (the
 * default full rows carry kwargs and every traceback, which no list shows).
 */
export const SUMMARY_PAGE = {
	pagination: 'true',
	view: 'summary'
} as const satisfies ListJobsQuery;

/** The API request for the list. */
export function toApiQuery(query: JobListQuery): ListJobsQuery {
	const api: ListJobsQuery = { ...SUMMARY_PAGE, limit: query.limit };
	if (query.state) api.state = query.state;
	if (query.queue) api.queue = query.queue;
	if (query.func) api.func = query.func;
	if (query.cursor) api.cursor = query.cursor;
	return api;
}

export function toggleSelected(selected: string[], id: string): string[] {
	return selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id];
}
