import { describe, expect, it } from 'vitest';
import {
	bandPath,
	bucketCount,
	bucketOf,
	linePath,
	maxValue,
	runs,
	stacks,
	type ChartSeries
} from './chart';

const MIN = 60_000;
const identity = (v: number) => v;

describe('metric chart geometry', () => {
	it('puts times in buckets', () => {
		expect(bucketOf(0, 0, MIN)).toBe(0);
		expect(bucketOf(MIN * 2.5, 0, MIN)).toBe(2);
		expect(bucketCount(0, 60 * MIN, MIN)).toBe(60);
		expect(bucketCount(0, 0, MIN)).toBe(1);
	});

	it('stacks series per bucket in series order, skipping empty buckets', () => {
		const series: ChartSeries[] = [
			{
				key: 'ok',
				label: 'ok',
				tone: 'succeeded',
				points: [
					{ t: 0, v: 3 },
					{ t: 2 * MIN, v: 1 }
				]
			},
			{ key: 'bad', label: 'bad', tone: 'failed', points: [{ t: 0, v: 2 }] }
		];
		const s = stacks(series, 0, MIN);
		expect(s.map((b) => b.i)).toEqual([0, 2]);
		expect(s[0]!.parts).toEqual([
			{ key: 'ok', tone: 'succeeded', y0: 0, y1: 3 },
			{ key: 'bad', tone: 'failed', y0: 3, y1: 5 }
		]);
		expect(maxValue(series, true, 0, MIN)).toBe(5);
		expect(maxValue(series, false, 0, MIN)).toBe(3);
		expect(
			maxValue([{ ...series[0]!, points: [{ t: 0, v: 1, hi: 9, lo: 0 }] }], false, 0, MIN)
		).toBe(9);
	});

	it('adds up points that fall in the same bucket', () => {
		const s = stacks(
			[
				{
					key: 'ok',
					label: 'ok',
					tone: 'succeeded',
					points: [
						{ t: 0, v: 1 },
						{ t: 10_000, v: 2 }
					]
				}
			],
			0,
			MIN
		);
		expect(s).toEqual([
			{ i: 0, t: 0, total: 3, parts: [{ key: 'ok', tone: 'succeeded', y0: 0, y1: 3 }] }
		]);
	});

	it('breaks lines where a bucket is missing', () => {
		const points = [0, 1, 2, 5, 6].map((i) => ({ t: i * MIN, v: i }));
		expect(runs(points, MIN).map((r) => r.map((p) => p.v))).toEqual([
			[0, 1, 2],
			[5, 6]
		]);
		const x = (t: number) => t / MIN;
		const d = linePath(points, MIN, x, identity);
		expect(d).toBe('M0.5,0L1.5,1L2.5,2M5.5,5L6.5,6');
	});

	it('draws a lone bucket as a short dash, not an invisible point', () => {
		const x = (t: number) => (t / MIN) * 30;
		expect(linePath([{ t: 0, v: 4 }], MIN, x, identity)).toBe('M5,4H25');
	});

	it('draws the min–max band of histograms', () => {
		const x = (t: number) => t / MIN;
		const points = [
			{ t: 0, v: 2, lo: 1, hi: 3 },
			{ t: MIN, v: 2, lo: 0, hi: 4 }
		];
		expect(bandPath(points, MIN, x, identity)).toBe('M0.5,3L1.5,4L1.5,0L0.5,1Z');
		expect(bandPath([{ t: 0, v: 1 }], MIN, x, identity)).toBe('');
	});
});
