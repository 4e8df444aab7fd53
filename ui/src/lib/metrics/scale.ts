/** Scales and value ticks for the dashboard's small SVG charts (time ticks: ticks.ts). */
import { bytes, duration } from '$lib/format';

/** A linear map from `domain` to `range`; a flat domain maps everything to range[0]. */
export function linear(
	[d0, d1]: readonly [number, number],
	[r0, r1]: readonly [number, number]
): (v: number) => number {
	const span = d1 - d0;
	return span === 0 ? () => r0 : (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** A "nice" step (1, 2 or 5 times a power of ten) giving about `count` intervals. */
export function niceStep(span: number, count: number): number {
	if (!(span > 0) || count < 1) return 1;
	const raw = span / count;
	const power = 10 ** Math.floor(Math.log10(raw));
	const unit = raw / power;
	return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

/** Ticks from 0 (or `min` if below 0) up to a nice value at least `max`. */
export function niceTicks(min: number, max: number, count = 4): number[] {
	const lo = Math.min(0, min);
	const hi = max > lo ? max : lo + 1;
	const step = niceStep(hi - lo, count);
	const first = Math.floor(lo / step) * step;
	const ticks: number[] = [];
	for (let v = first; v < hi + step * 1e-9; v += step) ticks.push(round(v, step));
	if (ticks[ticks.length - 1]! < hi) ticks.push(round(ticks[ticks.length - 1]! + step, step));
	return ticks;
}

const round = (v: number, step: number) => {
	const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
	return Number(v.toFixed(Math.min(digits, 12)));
};

/** A number as it reads on an axis or in a tooltip: "1.2k", "0.35", "12". */
export function compact(v: number): string {
	const abs = Math.abs(v);
	if (abs >= 1e9) return `${trim(v / 1e9)}B`;
	if (abs >= 1e6) return `${trim(v / 1e6)}M`;
	if (abs >= 1e4) return `${trim(v / 1e3)}k`;
	if (abs >= 100 || Number.isInteger(v)) return String(Math.round(v));
	return trim(v, abs < 1 ? 3 : 2);
}

const trim = (v: number, digits = 1) => String(Number(v.toFixed(digits)));

/** A metric value in its unit: seconds as a duration, bytes in KB/MB, else a number. */
export function formatValue(v: number, unit: string): string {
	if (unit === 'seconds') return duration(v * 1000);
	if (unit === 'bytes') return bytes(v);
	return compact(v);
}
