import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeTicks, type TimeTick } from './ticks';

describe('time ticks', () => {
	it('ticks time on round local times (UTC in tests)', () => {
		const start = Date.parse('2025-11-27T13:07:00Z');
		const hour = timeTicks(start, start + 3600_000, 6);
		expect(hour.map((t) => t.label)).toEqual(['13:15', '13:30', '13:45', '14:00']);
		const days = timeTicks(start, start + 7 * 86400_000, 8);
		expect(days[0]).toEqual({ at: Date.parse('2025-11-28T00:00:00Z'), label: 'Nov 28' });
		expect(days).toHaveLength(7);
		const seconds = timeTicks(start, start + 20_000, 4);
		expect(seconds.map((t) => t.label)).toEqual([
			'13:07:00',
			'13:07:05',
			'13:07:10',
			'13:07:15',
			'13:07:20'
		]);
		expect(timeTicks(start, start)).toEqual([]);
	});
});

describe('time ticks across a daylight-saving change (Europe/Berlin)', () => {
	beforeAll(() => {
		process.env.TZ = 'Europe/Berlin';
	});
	afterAll(() => {
		process.env.TZ = 'UTC';
	});
	const local = (t: TimeTick) => {
		const d = new Date(t.at);
		return `${d.getDate()} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
	};

	it('steps days from midnight to midnight, 23 and 25 hours long', () => {
		// The clocks go forward on 2026-03-29 and back on 2026-10-25.
		for (const [from, expected] of [
			['2026-03-26T10:00:00+01:00', ['Mar 27', 'Mar 28', 'Mar 29', 'Mar 30', 'Mar 31', 'Apr 1']],
			['2026-10-22T10:00:00+02:00', ['Oct 23', 'Oct 24', 'Oct 25', 'Oct 26', 'Oct 27', 'Oct 28']]
		] as const) {
			const start = Date.parse(from);
			const ticks = timeTicks(start, start + 6 * 86400_000, 6);
			expect(ticks.map((t) => t.label)).toEqual(expected);
			expect(ticks.map((t) => new Date(t.at).getHours())).toEqual([0, 0, 0, 0, 0, 0]);
		}
	});

	it('keeps hour ticks on the local clock grid after the change', () => {
		// Three local days less an hour: 70 real hours, the clocks skipping one.
		const start = Date.parse('2026-03-28T00:00:00+01:00');
		const ticks = timeTicks(start, Date.parse('2026-03-30T23:00:00+02:00'), 6);
		expect(ticks.map(local)).toEqual([
			'28 00:00',
			'28 12:00',
			'29 00:00',
			'29 12:00',
			'30 00:00',
			'30 12:00'
		]);
		// Three-hour ticks around 02:00 that does not exist: 00:00 CET, then 03:00 CEST.
		const night = timeTicks(
			Date.parse('2026-03-29T00:00:00+01:00'),
			Date.parse('2026-03-29T09:00:00+02:00'),
			4
		);
		expect(night.map(local)).toEqual(['29 00:00', '29 03:00', '29 06:00', '29 09:00']);
	});

	it('gives the hour that happens twice a tick each when the clocks go back', () => {
		const start = Date.parse('2026-10-25T01:00:00+02:00');
		const ticks = timeTicks(start, start + 3 * 3600_000, 4);
		expect(ticks.map((t) => t.label)).toEqual(['01:00', '02:00', '02:00', '03:00']);
		expect(ticks[2]!.at - ticks[1]!.at).toBe(3600_000);
	});
});
