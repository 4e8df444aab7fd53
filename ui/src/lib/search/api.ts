/**
 * The search's own routes: suggestions and saved views, through the one typed client.
 */
import { api, unwrap } from '$lib/api';
import type { SavedView, Searched, Suggestion, Suggestions } from '$lib/api/types';

export type { SavedView, Searched, Suggestion };
export type SuggestResponse = Suggestions;

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

export async function suggest(
	q: string,
	cursor: number,
	signal?: AbortSignal
): Promise<SuggestResponse> {
	return unwrap(
		await api.GET('/api/v1/jobs/suggest', { params: { query: { q, cursor } }, signal })
	);
}

export async function listViews(signal?: AbortSignal): Promise<SavedView[]> {
	return unwrap(await api.GET('/api/v1/views', { signal })).items;
}

export async function createView(
	view: Pick<SavedView, 'name' | 'q' | 'shared'>
): Promise<SavedView> {
	return unwrap(await api.POST('/api/v1/views', { body: view }));
}

export async function deleteView(id: number): Promise<void> {
	await api.DELETE('/api/v1/views/{view_id}', { params: { path: { view_id: id } } });
}
