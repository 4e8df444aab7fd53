import { api, unwrap } from '$lib/api';
import type { Schemas } from '$lib/api/client';
import type { paths } from '$lib/api/schema';

export type WorkflowSummary = Schemas['WorkflowSummary'];
export type WorkflowPage = Schemas['WorkflowPage'];
export type WorkflowDetail = Schemas['WorkflowDetail'];
export type WorkflowStep = Schemas['WorkflowStep'];
export type WorkflowEdge = Schemas['WorkflowEdge'];
export type ListWorkflowsQuery = NonNullable<
	paths['/api/v1/workflows']['get']['parameters']['query']
>;
export type WorkflowState = NonNullable<ListWorkflowsQuery['state']>;

/** One page of workflows; a bare array (no envelope) is narrowed to one page. */
export async function listWorkflows(
	query: ListWorkflowsQuery,
	signal?: AbortSignal
): Promise<WorkflowPage> {
	const body = unwrap(
		await api.GET('/api/v1/workflows', {
			params: { query: { ...query, pagination: 'true' } },
			signal
		})
	);
	return Array.isArray(body)
		? { items: body, has_more: false, next_cursor: null, prev_cursor: null }
		: body;
}

export async function getWorkflow(id: string, signal?: AbortSignal): Promise<WorkflowDetail> {
	return unwrap(
		await api.GET('/api/v1/workflows/{workflow_id}', {
			params: { path: { workflow_id: id } },
			signal
		})
	);
}
