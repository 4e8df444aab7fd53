import { afterEach, describe, expect, it, vi } from 'vitest';
import { navigationKeys } from './shortcuts';

const press = (
	handler: (e: KeyboardEvent) => void,
	key: string,
	target: EventTarget = document.body
) => {
	const event = new KeyboardEvent('keydown', { key, cancelable: true });
	Object.defineProperty(event, 'target', { value: target });
	handler(event);
	return event;
};

afterEach(() => {
	document.body.innerHTML = '';
	vi.useRealTimers();
});

describe('navigationKeys', () => {
	it('goes to a section with "g" then a letter', () => {
		const go = vi.fn();
		const keys = navigationKeys(go);
		press(keys, 'g');
		expect(press(keys, 'j').defaultPrevented).toBe(true);
		expect(go).toHaveBeenCalledWith('/jobs');
		press(keys, 'w');
		expect(go).toHaveBeenCalledTimes(1);
		press(keys, 'g');
		press(keys, 'f');
		expect(go).toHaveBeenLastCalledWith('/failures');
	});

	it('forgets a lone "g" after a pause', () => {
		vi.useFakeTimers();
		const go = vi.fn();
		const keys = navigationKeys(go, 1000);
		press(keys, 'g');
		vi.advanceTimersByTime(1001);
		press(keys, 'q');
		expect(go).not.toHaveBeenCalled();
	});

	it('ignores keys typed into fields and focuses search with "/"', () => {
		document.body.innerHTML = '<input id="other"><input data-shortcut="search">';
		const go = vi.fn();
		const keys = navigationKeys(go);
		const field = document.getElementById('other')!;
		press(keys, 'g', field);
		press(keys, 'j', field);
		expect(go).not.toHaveBeenCalled();
		press(keys, '/');
		expect(document.activeElement?.getAttribute('data-shortcut')).toBe('search');
	});
});

describe('more shortcuts', () => {
	it('goes to crons, workflows and metrics with "g c", "g r" and "g m"', () => {
		const go = vi.fn();
		const keys = navigationKeys(go);
		for (const key of ['c', 'r', 'm']) {
			press(keys, 'g');
			press(keys, key);
		}
		expect(go.mock.calls.map(([to]) => to)).toEqual(['/crons', '/workflows', '/stats']);
	});

	it('opens the help with "?", but not while typing', () => {
		document.body.innerHTML = '<input id="field">';
		const help = vi.fn();
		const keys = navigationKeys(vi.fn(), 1200, help);
		press(keys, '?', document.getElementById('field')!);
		expect(help).not.toHaveBeenCalled();
		expect(press(keys, '?').defaultPrevented).toBe(true);
		expect(help).toHaveBeenCalledTimes(1);
	});
});
