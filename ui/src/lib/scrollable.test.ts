import { describe, expect, it, vi } from 'vitest';
import { scrollable } from './scrollable';

describe('scrollable', () => {
	it('is focusable only while its content overflows', () => {
		const observers: (() => void)[] = [];
		vi.stubGlobal(
			'ResizeObserver',
			class {
				constructor(callback: () => void) {
					observers.push(callback);
				}
				observe() {}
				disconnect() {}
			}
		);
		const box = document.createElement('div');
		let scroll = 800;
		Object.defineProperty(box, 'scrollWidth', { get: () => scroll });
		Object.defineProperty(box, 'clientWidth', { get: () => 400 });
		const action = scrollable(box);
		expect(box.getAttribute('tabindex')).toBe('0');
		scroll = 400;
		observers.forEach((update) => update());
		expect(box.hasAttribute('tabindex')).toBe(false);
		action.destroy();
		vi.unstubAllGlobals();
	});
});
