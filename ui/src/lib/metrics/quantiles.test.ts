import { describe, expect, it } from 'vitest';
import { weightedQuantile } from './quantiles';

describe('weightedQuantile', () => {
	it('weights each bucket’s average by its observations', () => {
		const points = [
			{ t: 0, v: 0.1, n: 90 },
			{ t: 1, v: 2.0, n: 8 },
			{ t: 2, v: 9.0, n: 2 },
			{ t: 3, v: 50, n: 0 }
		];
		expect(weightedQuantile(points, 0.5)).toBe(0.1);
		expect(weightedQuantile(points, 0.95)).toBe(2.0);
		expect(weightedQuantile(points, 0.99)).toBe(9.0);
		expect(weightedQuantile([], 0.5)).toBeNull();
	});
});
