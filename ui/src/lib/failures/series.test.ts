import { describe, expect, it } from 'vitest';
import { foldNotice, hourPoints, hourWindow, marks, sparkBars, sparkText } from './series';

describe('sparkline', () => {
	it('scales bars to their own peak, oldest hour first, and leaves empty hours out', () => {
		const bars = sparkBars([0, 2, 0, 4], 40, 20);
		expect(bars.map((b) => [b.x, b.height, b.ago, b.count])).toEqual([
			[10, 10, 2, 2],
			[30, 20, 0, 4]
		]);
		expect(bars.every((b) => b.y + b.height === 20)).toBe(true);
		expect(bars[0]!.width).toBe(9);
	});

	it('keeps one failure visible beside a thousand', () => {
		const [small] = sparkBars([1, 1000], 48, 16);
		expect(small!.height).toBe(1);
	});

	it('draws nothing for no failures', () => {
		expect(sparkBars([0, 0, 0], 30, 10)).toEqual([]);
		expect(sparkBars([], 30, 10)).toEqual([]);
	});

	it('says what it shows', () => {
		expect(sparkText([0, 0])).toBe('No failures in the last 2 hours');
		expect(sparkText([1, 0, 1500, 3])).toBe(
			'1,504 failures in the last 4 hours, at most 1500 in an hour'
		);
		expect(sparkText([0, 1])).toBe('1 failure in the last 2 hours, at most 1 in an hour');
	});
});

describe('hourly chart', () => {
	it('turns hours into sorted points, skipping what does not parse', () => {
		expect(
			hourPoints([
				{ hour: '2026-12-02T01:00:00Z', count: 3 },
				{ hour: 'nonsense', count: 9 },
				{ hour: '2026-12-01T23:00:00Z', count: 1 }
			])
		).toEqual([
			{ t: Date.parse('2026-12-01T23:00:00Z'), v: 1 },
			{ t: Date.parse('2026-12-02T01:00:00Z'), v: 3 }
		]);
	});

	it('covers whole hours up to the end of the current one', () => {
		const now = Date.parse('2026-12-02T01:59:30Z');
		const w = hourWindow(now, 14);
		expect(new Date(w.end).toISOString()).toBe('2026-12-02T02:00:00.000Z');
		expect(new Date(w.start).toISOString()).toBe('2026-11-18T02:00:00.000Z');
		expect(w.step).toBe(3_600_000);
	});
});

describe('marks', () => {
	it('marks new and regressed groups', () => {
		expect(marks({ new: false, regressed: false })).toEqual([]);
		expect(marks({ new: true, regressed: true }).map((m) => m.kind)).toEqual(['new', 'regressed']);
	});
});

describe('fold notice', () => {
	const fold = { started: true, backfill_done: 0, backfill_total: null, backfill_finished: true };
	it('says nothing once past failures are counted', () => {
		expect(foldNotice(fold)).toBeNull();
	});
	it('says how far the backfill has got', () => {
		expect(
			foldNotice({ ...fold, backfill_finished: false, backfill_done: 2500, backfill_total: 10_000 })
		).toBe(
			'Counting past failures: 2,500 of 10,000 failed jobs so far (25%). Older counts are still rising.'
		);
		expect(foldNotice({ ...fold, backfill_finished: false, backfill_done: 7 })).toMatch(
			/^Counting past failures: 7 failed jobs so far/
		);
		expect(foldNotice({ ...fold, started: false })).toMatch(/not counted yet/);
	});
});
