import { api, unwrap } from '$lib/api';
import type { Schemas } from '$lib/api/client';

export type BulkOperation = Schemas['BulkOperation'];
export type BulkPreview = Schemas['BulkPreview'];
export type BulkAction = Schemas['BulkRequest']['action'];

/** How many jobs `q` matches now; nothing changes. */
export async function previewBulk(action: BulkAction, q: string): Promise<BulkPreview> {
	const { data, error } = await api.POST('/api/v1/jobs/bulk', {
		body: { action, q, dry_run: true }
	});
	if (error !== undefined || data === undefined) throw new Error('Empty response');
	return data as BulkPreview;
}

/** Start the operation, guarded by the count the user confirmed (a 409 if it moved). */
export async function createBulk(
	action: BulkAction,
	q: string,
	expected: number
): Promise<BulkOperation> {
	const { data } = await api.POST('/api/v1/jobs/bulk', {
		body: { action, q, expected, dry_run: false }
	});
	if (data === undefined) throw new Error('Empty response');
	return data as BulkOperation;
}

export async function listBulk(signal?: AbortSignal): Promise<BulkOperation[]> {
	return unwrap(await api.GET('/api/v1/jobs/bulk', { signal })).items;
}

export async function getBulk(id: string, signal?: AbortSignal): Promise<BulkOperation> {
	return unwrap(
		await api.GET('/api/v1/jobs/bulk/{op_id}', { params: { path: { op_id: id } }, signal })
	);
}

export async function cancelBulk(id: string): Promise<BulkOperation> {
	return unwrap(
		await api.POST('/api/v1/jobs/bulk/{op_id}/cancel', { params: { path: { op_id: id } } })
	);
}
