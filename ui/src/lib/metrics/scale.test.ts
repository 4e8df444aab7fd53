import { describe, expect, it } from 'vitest';
import { compact, formatValue, linear, niceStep, niceTicks } from './scale';

describe('chart scales', () => {
	it('maps linearly, and a flat domain to the start', () => {
		const s = linear([0, 10], [100, 0]);
		expect(s(0)).toBe(100);
		expect(s(5)).toBe(50);
		expect(linear([3, 3], [7, 9])(3)).toBe(7);
	});

	it('picks nice steps and ticks that cover the maximum', () => {
		expect(niceStep(10, 4)).toBe(5);
		expect(niceStep(0.9, 3)).toBe(0.5);
		expect(niceTicks(0, 37, 4)).toEqual([0, 10, 20, 30, 40]);
		expect(niceTicks(0, 0.9, 3)).toEqual([0, 0.5, 1]);
		expect(niceTicks(0, 0)).toEqual([0, 0.5, 1]);
		expect(niceTicks(0, 5, 1)).toEqual([0, 5]);
	});

	it('formats values in their unit', () => {
		expect(compact(12)).toBe('12');
		expect(compact(1234)).toBe('1234');
		expect(compact(12_345)).toBe('12.3k');
		expect(compact(2_500_000)).toBe('2.5M');
		expect(compact(0.3456)).toBe('0.346');
		expect(formatValue(0.25, 'seconds')).toBe('250 ms');
		expect(formatValue(2048, 'bytes')).toBe('2.0 KB');
		expect(formatValue(3, 'count')).toBe('3');
	});
});
