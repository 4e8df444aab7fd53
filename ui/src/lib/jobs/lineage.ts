/**
 * Re-run with edits: reading the edited arguments, and how a clone's arguments differ from
 * its original's.
 */
import { api, unwrap } from '$lib/api';
import type { Schemas } from '$lib/api/client';
import type { JobDetail } from '$lib/api/types';

export type JobClone = Schemas['JobClone'];
export type JobClones = Schemas['JobClones'];

/** The kwargs typed in the editor, or why they cannot be sent. */
export function parseKwargs(
	text: string
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (e) {
		return { ok: false, error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		return { ok: false, error: 'The arguments must be a JSON object, like {"user_id": 42}' };
	}
	return { ok: true, value: value as Record<string, unknown> };
}

export interface KwargChange {
	key: string;
	kind: 'added' | 'removed' | 'changed';
	before?: string;
	after?: string;
}

const show = (value: unknown) => JSON.stringify(value);

/** Top-level argument changes from `before` to `after`, by key. */
export function diffKwargs(
	before: Record<string, unknown>,
	after: Record<string, unknown>
): KwargChange[] {
	const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
	const changes: KwargChange[] = [];
	for (const key of keys) {
		const inBefore = Object.hasOwn(before, key);
		const inAfter = Object.hasOwn(after, key);
		if (inBefore && !inAfter) changes.push({ key, kind: 'removed', before: show(before[key]) });
		else if (!inBefore && inAfter) changes.push({ key, kind: 'added', after: show(after[key]) });
		else if (show(before[key]) !== show(after[key]))
			changes.push({ key, kind: 'changed', before: show(before[key]), after: show(after[key]) });
	}
	return changes;
}

/** The original's id, if this job was cloned from another. */
export function clonedFrom(job: Pick<JobDetail, 'meta'>): string | null {
	const from = (job.meta as Record<string, unknown> | null)?.cloned_from;
	return typeof from === 'string' ? from : null;
}

export async function cloneJob(id: string, body: JobClone): Promise<JobDetail> {
	return unwrap(
		await api.POST('/api/v1/jobs/{job_id}/clone', { params: { path: { job_id: id } }, body })
	);
}

export async function listClones(id: string, signal?: AbortSignal): Promise<JobClones> {
	return unwrap(
		await api.GET('/api/v1/jobs/{job_id}/clones', { params: { path: { job_id: id } }, signal })
	);
}
