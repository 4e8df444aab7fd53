/**
 * `use:panzoom`: turns the pointer, the wheel and the keyboard on an element into pan and zoom
 * requests; the component keeps the view and applies them (see view.ts).
 *
 * - Drag with the main button to pan; a press on a button inside is a click, not a drag.
 * - Ctrl/⌘ + wheel (or a pinch, which browsers report so) zooms at the pointer; a plain wheel
 *   scrolls the page as usual.
 * - With the element itself focused, the arrow keys pan; anywhere inside it, + and − zoom at
 *   its centre and 0 fits the content.
 */
import type { ActionReturn } from 'svelte/action';

export interface PanzoomHandlers {
	/** Move the view by (dx, dy) screen pixels. */
	pan: (dx: number, dy: number) => void;
	/** Zoom by `factor`, keeping the point (x, y) of the element where it is. */
	zoom: (factor: number, x: number, y: number) => void;
	/** Show the whole content again. */
	fit: () => void;
	/** A drag started (true) or ended (false). */
	dragging?: (on: boolean) => void;
}

/** Pixels an arrow key pans by. */
export const KEY_STEP = 48;
/** Zoom per wheel pixel: exp(-deltaY × this). */
export const WHEEL_ZOOM = 0.0025;

const ARROWS: Record<string, [number, number]> = {
	ArrowLeft: [KEY_STEP, 0],
	ArrowRight: [-KEY_STEP, 0],
	ArrowUp: [0, KEY_STEP],
	ArrowDown: [0, -KEY_STEP]
};
const ZOOM_KEYS: Record<string, number> = { '+': 1.25, '=': 1.25, '-': 0.8, _: 0.8 };

export function panzoom(
	node: HTMLElement,
	initial: PanzoomHandlers
): ActionReturn<PanzoomHandlers> {
	let handlers = initial;
	let drag: { id: number; x: number; y: number } | null = null;

	function endDrag() {
		drag = null;
		handlers.dragging?.(false);
	}

	const onPointerDown = (e: PointerEvent) => {
		if (e.button !== 0 || (e.target as Element).closest('button')) return;
		drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
		// Keep the drag when the pointer leaves the element (jsdom has no pointer capture).
		node.setPointerCapture?.(e.pointerId);
		handlers.dragging?.(true);
	};
	const onPointerMove = (e: PointerEvent) => {
		if (!drag || drag.id !== e.pointerId) return;
		handlers.pan(e.clientX - drag.x, e.clientY - drag.y);
		drag = { ...drag, x: e.clientX, y: e.clientY };
	};
	const onPointerUp = (e: PointerEvent) => {
		if (drag?.id === e.pointerId) endDrag();
	};
	const onWheel = (e: WheelEvent) => {
		if (!e.ctrlKey && !e.metaKey) return;
		e.preventDefault();
		const box = node.getBoundingClientRect();
		handlers.zoom(Math.exp(-e.deltaY * WHEEL_ZOOM), e.clientX - box.left, e.clientY - box.top);
	};
	const onKeyDown = (e: KeyboardEvent) => {
		if (e.metaKey || e.ctrlKey || e.altKey) return;
		const arrow = ARROWS[e.key];
		const factor = ZOOM_KEYS[e.key];
		if (arrow && e.target === node) {
			handlers.pan(arrow[0], arrow[1]);
		} else if (factor) {
			handlers.zoom(factor, node.clientWidth / 2, node.clientHeight / 2);
		} else if (e.key === '0') {
			handlers.fit();
		} else {
			return;
		}
		e.preventDefault();
	};

	const listen = <K extends keyof HTMLElementEventMap>(
		type: K,
		listener: (e: HTMLElementEventMap[K]) => void,
		options?: AddEventListenerOptions
	) => {
		node.addEventListener(type, listener, options);
		return () => node.removeEventListener(type, listener, options);
	};
	const stop = [
		listen('pointerdown', onPointerDown),
		listen('pointermove', onPointerMove),
		listen('pointerup', onPointerUp),
		listen('pointercancel', onPointerUp),
		listen('keydown', onKeyDown),
		// Not passive: a zoom must keep the page from scrolling.
		listen('wheel', onWheel, { passive: false })
	];

	return {
		update(next) {
			handlers = next;
		},
		destroy() {
			for (const off of stop) off();
		}
	};
}
