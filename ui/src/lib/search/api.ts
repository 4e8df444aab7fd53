/**
 * The search's own routes: suggestions and saved views.
 *
 * Written to the search contract while the server's routes land in parallel: these types are
 * the contract's shapes, and the requests go through the one client (its CSRF, error and 401
 * middlewares) untyped. Once the routes are in the OpenAPI schema, the types become aliases of
 * the generated ones and the calls typed ones.
 */
import { api, unwrap } from '$lib/api';

export interface Suggestion {
	/** Replaces `replace.from`..`replace.to` of the query. */
	insert: string;
	label: string;
	detail: string;
}

export interface SuggestResponse {
	suggestions: Suggestion[];
	replace: { from: number; to: number };
}

export interface SavedView {
	id: number;
	name: string;
	q: string;
	shared: boolean;
	owner: string;
}

/** What a bounded search covered, from a list page's `searched`. */
export interface Searched {
	from: string | null;
	to: string | null;
	bounded: boolean;
	timed_out: boolean;
	/** How many of the newest jobs a bounded search covers. */
	size?: number | null;
}

/** Where a 400 for a query points: the character offset and what was expected there. */
export interface QueryErrorExtra {
	position: number;
	expected?: string[];
}

export function queryError(extra: unknown): QueryErrorExtra | null {
	const e = extra as Partial<QueryErrorExtra> | null;
	return e && typeof e.position === 'number'
		? { position: e.position, expected: e.expected }
		: null;
}

type Init = { params?: { query?: object; path?: object }; body?: unknown; signal?: AbortSignal };
type Call = (path: string, init?: Init) => Promise<{ data?: unknown; error?: unknown }>;
const untyped = api as unknown as { GET: Call; POST: Call; DELETE: Call };

export async function suggest(
	q: string,
	cursor: number,
	signal?: AbortSignal
): Promise<SuggestResponse> {
	const result = await untyped.GET('/api/v1/jobs/suggest', {
		params: { query: { q, cursor } },
		signal
	});
	return unwrap(result as { data: SuggestResponse });
}

export async function listViews(signal?: AbortSignal): Promise<SavedView[]> {
	const result = await untyped.GET('/api/v1/views', { signal });
	return unwrap(result as { data: { items: SavedView[] } }).items;
}

export async function createView(
	view: Pick<SavedView, 'name' | 'q' | 'shared'>
): Promise<SavedView> {
	const result = await untyped.POST('/api/v1/views', { body: view });
	return unwrap(result as { data: SavedView });
}

export async function deleteView(id: number): Promise<void> {
	await untyped.DELETE(`/api/v1/views/${id}`);
}
