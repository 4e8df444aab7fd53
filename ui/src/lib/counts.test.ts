import { describe, expect, it } from 'vitest';
import type { JobCounts } from '$lib/api/types';
import { isExact, stateCount } from './counts';

const COUNTS: JobCounts = {
	by_state: { succeeded: 12_345_678, failed: 42 },
	by_queue: { emails: { succeeded: 9_000_000, failed: 40 } },
	oldest_pending_at: {},
	estimated_states: ['succeeded'],
	exact: false,
	computed_at: '2025-11-27T14:00:00Z'
};

describe('counts', () => {
	it('marks only the estimated states', () => {
		expect(isExact(COUNTS, 'succeeded')).toBe(false);
		expect(isExact(COUNTS, 'failed')).toBe(true);
		expect(isExact(null, 'succeeded')).toBe(true);
		expect(stateCount(COUNTS, 'succeeded', COUNTS.by_state.succeeded)).toBe('≈12M');
		expect(stateCount(COUNTS, 'failed', COUNTS.by_state.failed)).toBe('42');
		expect(stateCount(COUNTS, 'pending', undefined)).toBe('0');
	});
});
