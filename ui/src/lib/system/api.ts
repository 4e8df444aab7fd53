import { api, unwrap, ApiError } from '$lib/api';
import type { Schemas } from '$lib/api/client';
import type { PluginInfo, SystemInfo } from '$lib/api/types';

export type ListenerStatus = Schemas['ListenerStatus'];
export type MigrationState = Schemas['MigrationState'];
export type PoolStats = Schemas['PoolStats'];
export type Readiness = Schemas['Readiness'];

export async function getSystem(signal?: AbortSignal): Promise<SystemInfo> {
	return unwrap(await api.GET('/api/v1/system', { signal }));
}

export async function listPlugins(signal?: AbortSignal): Promise<PluginInfo[]> {
	return unwrap(await api.GET('/api/v1/plugins', { signal }));
}

/** The readiness probe, as a value: a 503 is an answer ("not ready"), not a failure. */
export async function getReadiness(
	signal?: AbortSignal
): Promise<{ ready: boolean; detail: string | null }> {
	try {
		const body = unwrap(await api.GET('/health/ready', { signal }));
		return { ready: body.status === 'ready', detail: body.detail ?? null };
	} catch (error) {
		if (error instanceof ApiError && error.status === 503) {
			return { ready: false, detail: error.detail };
		}
		throw error;
	}
}

/** "PostgreSQL 16.4 (Debian 16.4-1) on x86_64-pc-linux-gnu, compiled by …" → "PostgreSQL 16.4". */
export function shortPostgres(version: string | null): string | null {
	if (!version) return null;
	const match = /^PostgreSQL\s+([\d.]+\w*)/.exec(version);
	return match ? `PostgreSQL ${match[1]}` : version.split(' on ')[0]!;
}
