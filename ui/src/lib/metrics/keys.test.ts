import { describe, expect, it } from 'vitest';
import type { MetricData, MetricSeries } from './api';
import { bySubject, failureRate, parseKey, points, stale, sumPoints, total } from './keys';

const T0 = '2025-11-27T13:00:00+00:00';
const at = (min: number) => new Date(Date.parse(T0) + min * 60_000).toISOString();

function counter(values: [number, number][]): MetricSeries {
	return {
		type: 'counter',
		unit: 'count',
		aggregation: 'sum',
		data: values.map(([m, v]) => ({ timestamp: at(m), value: v, sampled_at: at(m) })),
		sampled_at: values.length ? at(values[values.length - 1]![0]) : null,
		summary: values.length ? values.reduce((s, [, v]) => s + v, 0) : null
	};
}

function durations(avg: number, max: number): MetricSeries {
	const value = { count: 2, sum: avg * 2, avg, min: 0.1, max };
	return {
		type: 'histogram',
		unit: 'seconds',
		aggregation: 'summary',
		data: [{ timestamp: at(0), value, sampled_at: at(0) }],
		sampled_at: at(0),
		summary: value
	};
}

const data = (series: Record<string, MetricSeries>): MetricData => ({
	start: T0,
	end: at(60),
	resolution: '1min',
	generated_at: at(60),
	series
});

describe('metric keys', () => {
	it('splits category, subject and name (subjects may hold colons)', () => {
		expect(parseKey('queue:default:throughput')).toEqual({
			category: 'queue',
			subject: 'default',
			name: 'throughput'
		});
		expect(parseKey('job:app:tasks.send:failed')).toEqual({
			category: 'job',
			subject: 'app:tasks.send',
			name: 'failed'
		});
		expect(parseKey('workflows:poll_runs')).toEqual({
			category: 'workflows',
			subject: '',
			name: 'poll_runs'
		});
		expect(parseKey('global')).toEqual({ category: 'global', subject: '', name: '' });
	});

	it('turns counters into points and histograms into avg with a min–max band', () => {
		expect(
			points(
				counter([
					[0, 2],
					[2, 5]
				])
			)
		).toEqual([
			{ t: Date.parse(at(0)), v: 2 },
			{ t: Date.parse(at(2)), v: 5 }
		]);
		expect(points(durations(0.5, 2))).toEqual([
			{ t: Date.parse(at(0)), v: 0.5, lo: 0.1, hi: 2, n: 2 }
		]);
		expect(points(undefined)).toEqual([]);
		expect(
			total(
				counter([
					[0, 2],
					[2, 5]
				])
			)
		).toBe(7);
	});

	it('summarises each queue: updates, outcomes, failure rate, durations', () => {
		const rows = bySubject(
			data({
				'queue:b:succeeded': counter([[0, 3]]),
				'queue:b:failed': counter([[0, 1]]),
				'queue:b:throughput': counter([[0, 8]]),
				'queue:b:execution_time': durations(0.25, 1),
				'queue:a:succeeded': counter([[1, 2]]),
				'global:status:succeeded': counter([[0, 99]])
			}),
			'queue'
		);
		expect(rows.map((r) => r.subject)).toEqual(['a', 'b']);
		expect(rows[1]).toMatchObject({
			outcomes: { succeeded: 3, failed: 1, retrying: 0 },
			failureRate: 0.25,
			duration: { avg: 0.25, max: 1 }
		});
		expect(rows[1]!.throughput.map((p) => p.v)).toEqual([8]);
		// Without a throughput counter (functions), the outcomes are summed per bucket.
		expect(rows[0]!.throughput).toEqual([{ t: Date.parse(at(1)), v: 2 }]);
		expect(rows[0]!.failureRate).toBe(0);
	});

	it('computes failure rates only when something finished', () => {
		expect(failureRate(0, 0)).toBeNull();
		expect(failureRate(1, 3)).toBe(0.75);
	});

	it('sums series bucket by bucket', () => {
		expect(
			sumPoints([
				[{ t: 1, v: 1 }],
				[
					{ t: 1, v: 2 },
					{ t: 0, v: 5 }
				]
			])
		).toEqual([
			{ t: 0, v: 5 },
			{ t: 1, v: 3 }
		]);
	});

	it('calls a series stale past two buckets (at least two minutes) without observation', () => {
		const s = counter([[50, 1]]);
		expect(stale(s, at(51), 60)).toBe(false);
		expect(stale(s, at(53), 60)).toBe(true);
		expect(stale(s, at(58), 300)).toBe(false);
		expect(stale(counter([]), at(0), 60)).toBe(true);
	});
});
