import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KEY_STEP, WHEEL_ZOOM, panzoom, type PanzoomHandlers } from './panzoom';

function handlers() {
	return {
		pan: vi.fn<PanzoomHandlers['pan']>(),
		zoom: vi.fn<PanzoomHandlers['zoom']>(),
		fit: vi.fn<PanzoomHandlers['fit']>(),
		dragging: vi.fn<NonNullable<PanzoomHandlers['dragging']>>()
	};
}

const pointer = (type: string, x: number, y: number, over: PointerEventInit = {}) =>
	new PointerEvent(type, {
		bubbles: true,
		button: 0,
		pointerId: 1,
		clientX: x,
		clientY: y,
		...over
	});
const key = (name: string, over: KeyboardEventInit = {}) =>
	new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true, ...over });

describe('use:panzoom', () => {
	let node: HTMLDivElement;
	let button: HTMLButtonElement;
	let on: ReturnType<typeof handlers>;
	let action: ReturnType<typeof panzoom>;

	beforeEach(() => {
		node = document.createElement('div');
		node.tabIndex = 0;
		button = document.createElement('button');
		node.append(button);
		document.body.append(node);
		Object.defineProperty(node, 'clientWidth', { value: 400 });
		Object.defineProperty(node, 'clientHeight', { value: 200 });
		node.getBoundingClientRect = () => new DOMRect(100, 50, 400, 200);
		on = handlers();
		action = panzoom(node, on);
	});
	afterEach(() => {
		action.destroy?.();
		node.remove();
	});

	it('pans by what the pointer moved while dragging, and says when a drag starts and ends', () => {
		node.dispatchEvent(pointer('pointerdown', 10, 10));
		expect(on.dragging).toHaveBeenLastCalledWith(true);
		node.dispatchEvent(pointer('pointermove', 40, 30));
		node.dispatchEvent(pointer('pointermove', 45, 20));
		expect(on.pan.mock.calls).toEqual([
			[30, 20],
			[5, -10]
		]);
		node.dispatchEvent(pointer('pointerup', 45, 20));
		expect(on.dragging).toHaveBeenLastCalledWith(false);
		node.dispatchEvent(pointer('pointermove', 90, 90));
		expect(on.pan).toHaveBeenCalledTimes(2);
	});

	it('follows only the pointer that started the drag', () => {
		node.dispatchEvent(pointer('pointerdown', 0, 0));
		node.dispatchEvent(pointer('pointermove', 50, 50, { pointerId: 2 }));
		node.dispatchEvent(pointer('pointerup', 50, 50, { pointerId: 2 }));
		expect(on.pan).not.toHaveBeenCalled();
		node.dispatchEvent(pointer('pointercancel', 0, 0));
		expect(on.dragging).toHaveBeenLastCalledWith(false);
	});

	it('leaves presses on a button and other buttons of the mouse alone', () => {
		button.dispatchEvent(pointer('pointerdown', 0, 0));
		node.dispatchEvent(pointer('pointerdown', 0, 0, { button: 2 }));
		node.dispatchEvent(pointer('pointermove', 50, 50));
		expect(on.pan).not.toHaveBeenCalled();
		expect(on.dragging).not.toHaveBeenCalled();
	});

	it('zooms at the pointer on Ctrl/⌘ + wheel, and lets a plain wheel scroll the page', () => {
		const plain = new WheelEvent('wheel', { deltaY: 100, cancelable: true });
		node.dispatchEvent(plain);
		expect(on.zoom).not.toHaveBeenCalled();
		expect(plain.defaultPrevented).toBe(false);

		const pinch = new WheelEvent('wheel', {
			deltaY: 100,
			ctrlKey: true,
			clientX: 150,
			clientY: 80,
			cancelable: true
		});
		node.dispatchEvent(pinch);
		expect(pinch.defaultPrevented).toBe(true);
		// At the pointer, in the element's own coordinates.
		expect(on.zoom).toHaveBeenCalledExactlyOnceWith(Math.exp(-100 * WHEEL_ZOOM), 50, 30);
		node.dispatchEvent(new WheelEvent('wheel', { deltaY: -100, metaKey: true }));
		expect(on.zoom.mock.calls[1]![0]).toBeGreaterThan(1);
	});

	it('pans with the arrow keys when the element itself has focus', () => {
		const left = key('ArrowLeft');
		node.dispatchEvent(left);
		node.dispatchEvent(key('ArrowDown'));
		expect(on.pan.mock.calls).toEqual([
			[KEY_STEP, 0],
			[0, -KEY_STEP]
		]);
		expect(left.defaultPrevented).toBe(true);
		// On a step (a button inside), arrows are the step's own.
		const onStep = key('ArrowLeft');
		button.dispatchEvent(onStep);
		expect(on.pan).toHaveBeenCalledTimes(2);
		expect(onStep.defaultPrevented).toBe(false);
	});

	it('zooms at the centre with + and −, and fits with 0, from anywhere inside', () => {
		node.dispatchEvent(key('+'));
		button.dispatchEvent(key('-'));
		expect(on.zoom.mock.calls).toEqual([
			[1.25, 200, 100],
			[0.8, 200, 100]
		]);
		button.dispatchEvent(key('0'));
		expect(on.fit).toHaveBeenCalledOnce();
	});

	it('ignores shortcuts with modifiers and keys it does not know', () => {
		const other = key('x');
		node.dispatchEvent(other);
		node.dispatchEvent(key('+', { ctrlKey: true }));
		node.dispatchEvent(key('0', { metaKey: true }));
		expect(on.zoom).not.toHaveBeenCalled();
		expect(on.fit).not.toHaveBeenCalled();
		expect(other.defaultPrevented).toBe(false);
	});

	it('uses the handlers it was last given, and stops listening when destroyed', () => {
		const next = handlers();
		action.update?.(next);
		node.dispatchEvent(key('0'));
		expect(on.fit).not.toHaveBeenCalled();
		expect(next.fit).toHaveBeenCalledOnce();
		action.destroy?.();
		node.dispatchEvent(key('0'));
		node.dispatchEvent(new WheelEvent('wheel', { deltaY: 1, ctrlKey: true }));
		expect(next.fit).toHaveBeenCalledOnce();
		expect(next.zoom).not.toHaveBeenCalled();
	});
});
