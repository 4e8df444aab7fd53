import { send } from '$lib/api';
import type { JobCounts } from '$lib/api/types';
import { count } from '$lib/format';
import { countsRequest } from '$lib/requests';

/** Job counts by state and queue, computed by the server at most once per interval. */
export async function getCounts(signal?: AbortSignal): Promise<JobCounts> {
	return send(countsRequest(), signal);
}

/** Whether the count of `state` is exact; large states are planner estimates. */
export function isExact(counts: JobCounts | null | undefined, state: string): boolean {
	return !counts || !counts.estimated_states.includes(state);
}

/** A state's count for display: "1,234", or "≈1.2M" when estimated. */
export function stateCount(
	counts: JobCounts | null | undefined,
	state: string,
	value: number | undefined
): string {
	return count(value ?? 0, isExact(counts, state));
}
