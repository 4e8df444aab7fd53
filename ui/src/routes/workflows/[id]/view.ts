/** Pan and zoom of the workflow graph: a translation (x, y) then a scale k, as in SVG/CSS
 * `translate(x, y) scale(k)`. Pure functions; the component keeps the state. */

export interface View {
	x: number;
	y: number;
	k: number;
}

export const MIN_SCALE = 0.2;
export const MAX_SCALE = 2.5;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The view that shows the whole content, centred, never enlarged beyond `maxScale`. */
export function fit(
	content: { width: number; height: number },
	viewport: { width: number; height: number },
	padding = 24,
	maxScale = 1
): View {
	const w = Math.max(1, content.width);
	const h = Math.max(1, content.height);
	const k = clamp(
		Math.min((viewport.width - 2 * padding) / w, (viewport.height - 2 * padding) / h, maxScale),
		MIN_SCALE,
		MAX_SCALE
	);
	return { k, x: (viewport.width - w * k) / 2, y: (viewport.height - h * k) / 2 };
}

/** Zoom by `factor` keeping the point (px, py) of the viewport where it is. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
	const k = clamp(view.k * factor, MIN_SCALE, MAX_SCALE);
	const ratio = k / view.k;
	return { k, x: px - (px - view.x) * ratio, y: py - (py - view.y) * ratio };
}

export function pan(view: View, dx: number, dy: number): View {
	return { ...view, x: view.x + dx, y: view.y + dy };
}

/** The view that brings a content rectangle into the viewport, moving as little as possible. */
export function reveal(
	view: View,
	box: { x: number; y: number; width: number; height: number },
	viewport: { width: number; height: number },
	margin = 24
): View {
	const left = view.x + box.x * view.k;
	const top = view.y + box.y * view.k;
	const right = left + box.width * view.k;
	const bottom = top + box.height * view.k;
	let dx = 0;
	let dy = 0;
	if (left < margin) dx = margin - left;
	else if (right > viewport.width - margin) dx = viewport.width - margin - right;
	if (top < margin) dy = margin - top;
	else if (bottom > viewport.height - margin) dy = viewport.height - margin - bottom;
	return pan(view, dx, dy);
}

/** `translate(…) scale(…)` for CSS. */
export const transform = (v: View) => `translate(${v.x}px, ${v.y}px) scale(${v.k})`;
