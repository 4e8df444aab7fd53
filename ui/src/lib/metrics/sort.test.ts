import { describe, expect, it } from 'vitest';
import type { SubjectSummary } from './keys';
import { nextSort, sortRows, withPercentiles } from './sort';

const row = (subject: string, times: [number, number][], failed = 0): SubjectSummary => ({
	subject,
	throughput: [],
	outcomes: { succeeded: 1, failed, retrying: 0 },
	failureRate: failed ? failed / (1 + failed) : 0,
	duration: times.length
		? { avg: 0, min: 0, sum: 0, count: 1, max: Math.max(...times.map(([v]) => v)) }
		: null,
	durations: times.map(([v, n], t) => ({ t, v, n }))
});

describe('sorting the functions table', () => {
	const rows = withPercentiles([
		row('app.fast', [[0.1, 10]]),
		row('app.slow', [
			[0.5, 50],
			[8, 50]
		]),
		row('app.idle', []),
		row('app.flaky', [[1, 10]], 3)
	]);

	it('finds the slowest function by p95, rows without times last', () => {
		expect(rows.find((r) => r.subject === 'app.slow')).toMatchObject({ p50: 0.5, p95: 8 });
		const slowest = sortRows(rows, 'p95', 'descending').map((r) => r.subject);
		expect(slowest).toEqual(['app.slow', 'app.flaky', 'app.fast', 'app.idle']);
		expect(sortRows(rows, 'p95', 'ascending').at(-1)?.subject).toBe('app.idle');
		expect(sortRows(rows, 'failed', 'descending')[0]?.subject).toBe('app.flaky');
		expect(sortRows(rows, 'subject', 'ascending')[0]?.subject).toBe('app.fast');
	});

	it('flips a column, and starts a new one with the biggest numbers', () => {
		expect(nextSort({ key: 'subject', direction: 'ascending' }, 'p95')).toEqual({
			key: 'p95',
			direction: 'descending'
		});
		expect(nextSort({ key: 'p95', direction: 'descending' }, 'p95').direction).toBe('ascending');
	});
});
