/** The failure groups API: the inbox, one group, and its status changes. */
import { api, send, unwrap } from '$lib/api';
import type { Schemas } from '$lib/api/client';
import { failureRequest, failuresRequest } from '$lib/requests';
import type { ListFailuresQuery } from '$lib/api/types';

export type FailureGroup = Schemas['FailureGroup'];
export type FailureGroupDetail = Schemas['FailureGroupDetail'];
export type FailurePage = Schemas['FailurePage'];
export type StatusAction = 'resolve' | 'ignore' | 'reopen';

/** One page of groups; `query` from the inbox's URL (`toApiQuery`) or the overview's. */
export async function listFailures(
	query: ListFailuresQuery,
	signal?: AbortSignal
): Promise<FailurePage> {
	return send(failuresRequest(query), signal);
}

export async function getFailure(
	fingerprint: string,
	signal?: AbortSignal
): Promise<FailureGroupDetail> {
	return send(failureRequest(fingerprint), signal);
}

/** Resolve, ignore or reopen a group; the server answers with the group as it now is. */
export async function setFailureStatus(
	action: StatusAction,
	fingerprint: string
): Promise<FailureGroup> {
	const init = { params: { path: { fingerprint } } };
	if (action === 'resolve')
		return unwrap(await api.POST('/api/v1/failures/{fingerprint}/resolve', init));
	if (action === 'ignore')
		return unwrap(await api.POST('/api/v1/failures/{fingerprint}/ignore', init));
	return unwrap(await api.POST('/api/v1/failures/{fingerprint}/reopen', init));
}
