/**
 * The workflow list's state in the URL: `?state=running&name=etl&cursor=<opaque>`. These are
 * the only way between the two, so links, the back button and reloads give the same list.
 */
import { resolve } from '$app/paths';
import type { ListWorkflowsQuery, WorkflowState } from './api';

export const WORKFLOW_STATES: readonly WorkflowState[] = [
	'pending',
	'running',
	'completed',
	'failed'
] as const;
export const PAGE_SIZE = 50;

export interface WorkflowListQuery {
	state: WorkflowState | null;
	/** Names containing this. */
	name: string | null;
	/** An opaque cursor from the API; null is the newest page. */
	cursor: string | null;
}

export const EMPTY_WORKFLOW_QUERY: WorkflowListQuery = { state: null, name: null, cursor: null };

const text = (params: URLSearchParams, key: string) => params.get(key)?.trim() || null;

export function isWorkflowState(value: unknown): value is WorkflowState {
	return typeof value === 'string' && (WORKFLOW_STATES as readonly string[]).includes(value);
}

export function parseWorkflowQuery(params: URLSearchParams): WorkflowListQuery {
	const state = params.get('state');
	return {
		state: isWorkflowState(state) ? state : null,
		name: text(params, 'name'),
		cursor: text(params, 'cursor')
	};
}

/** `?state=…&name=…&cursor=…` (defaults left out, stable order), or '' for the default list. */
export function workflowSearch(query: WorkflowListQuery): string {
	const params = new URLSearchParams();
	if (query.state) params.set('state', query.state);
	if (query.name) params.set('name', query.name);
	if (query.cursor) params.set('cursor', query.cursor);
	const search = params.toString();
	return search ? `?${search}` : '';
}

/** A change of filter starts again from the newest page; a change of cursor keeps filters. */
export function withChanges(
	query: WorkflowListQuery,
	changes: Partial<WorkflowListQuery>
): WorkflowListQuery {
	const next = { ...query, ...changes };
	if (!('cursor' in changes)) next.cursor = null;
	return next;
}

export function toApiQuery(query: WorkflowListQuery): ListWorkflowsQuery {
	return {
		state: query.state ?? undefined,
		name: query.name ?? undefined,
		cursor: query.cursor ?? undefined,
		limit: PAGE_SIZE
	};
}

export const workflowsHref = (query: Partial<WorkflowListQuery> = {}) =>
	resolve('/workflows') + workflowSearch({ ...EMPTY_WORKFLOW_QUERY, ...query });

export const workflowHref = (id: string, step: string | null = null) =>
	resolve('/workflows/[id]', { id: encodeURIComponent(id) }) +
	(step ? `?step=${encodeURIComponent(step)}` : '');
