import { api, unwrap } from '$lib/api';
import { toAuditApiQuery, type AuditPage, type AuditQuery } from './query';

export async function listAudit(query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
	return unwrap(
		await api.GET('/api/v1/audit', { params: { query: toAuditApiQuery(query) }, signal })
	);
}

/** The entry's detail as one short line: `reason: Job is already succeeded · requested: 3`. */
export function detailText(detail: Record<string, unknown>): string {
	return Object.entries(detail)
		.filter(([, v]) => v !== null && v !== undefined)
		.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
		.join(' · ');
}
