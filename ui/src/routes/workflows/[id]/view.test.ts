import { describe, expect, it } from 'vitest';
import { fit, MAX_SCALE, MIN_SCALE, pan, reveal, transform, zoomAt } from './view';

describe('graph pan and zoom', () => {
	it('fits the content, centred, without enlarging it past 100%', () => {
		expect(fit({ width: 200, height: 100 }, { width: 1000, height: 500 })).toEqual({
			k: 1,
			x: 400,
			y: 200
		});
		const big = fit({ width: 2000, height: 400 }, { width: 1048, height: 500 }, 24);
		expect(big.k).toBe(0.5);
		expect(big.x).toBe(24);
	});

	it('zooms around the pointer: the point under it stays put', () => {
		const view = { x: 10, y: 20, k: 1 };
		const zoomed = zoomAt(view, 2, 110, 120);
		// Content point (100, 100) was at (110, 120) and still is.
		expect(zoomed).toEqual({ k: 2, x: -90, y: -80 });
		expect(zoomAt(view, 100, 0, 0).k).toBe(MAX_SCALE);
		expect(zoomAt(view, 0.001, 0, 0).k).toBe(MIN_SCALE);
	});

	it('pans, and reveals a node that is off screen with the least move', () => {
		expect(pan({ x: 1, y: 2, k: 1 }, 10, -5)).toEqual({ x: 11, y: -3, k: 1 });
		const viewport = { width: 400, height: 300 };
		const box = { x: 500, y: 10, width: 100, height: 50 };
		const moved = reveal({ x: 0, y: 0, k: 1 }, box, viewport, 20);
		expect(moved).toEqual({ x: -220, y: 10, k: 1 });
		expect(reveal(moved, box, viewport, 20)).toEqual(moved);
	});

	it('writes the CSS transform', () => {
		expect(transform({ x: 5, y: -3, k: 0.5 })).toBe('translate(5px, -3px) scale(0.5)');
	});
});
