/** Scales and ticks for the dashboard's small SVG charts (metrics, the step timeline). */
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

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
	SECOND,
	5 * SECOND,
	15 * SECOND,
	30 * SECOND,
	MINUTE,
	5 * MINUTE,
	15 * MINUTE,
	30 * MINUTE,
	HOUR,
	3 * HOUR,
	6 * HOUR,
	12 * HOUR,
	DAY,
	2 * DAY,
	7 * DAY,
	14 * DAY,
	30 * DAY
];

export interface TimeTick {
	at: number;
	label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Local-time ticks between `start` and `end` (ms), at most `max` of them, on round times. */
export function timeTicks(start: number, end: number, max = 6): TimeTick[] {
	if (!(end > start) || max < 1) return [];
	const step = TIME_STEPS.find((s) => (end - start) / s <= max) ?? 30 * DAY;
	const ticks: TimeTick[] = [];
	// Align to local time: midnights for days, the local hour grid otherwise.
	const offset = new Date(start).getTimezoneOffset() * MINUTE;
	let at = Math.ceil((start - offset) / Math.min(step, DAY)) * Math.min(step, DAY) + offset;
	if (step > DAY) {
		const d = new Date(start);
		d.setHours(0, 0, 0, 0);
		at = d.getTime() < start ? d.getTime() + DAY : d.getTime();
	}
	for (; at <= end && ticks.length < 100; at += step) {
		const d = new Date(at);
		const label =
			step >= DAY
				? `${MONTHS[d.getMonth()]} ${d.getDate()}`
				: step < MINUTE
					? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
					: `${pad(d.getHours())}:${pad(d.getMinutes())}`;
		ticks.push({ at, label });
	}
	return ticks;
}

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
