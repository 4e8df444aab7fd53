/**
 * Geometry of the metric charts: bucketed time on x, values on y. Missing buckets are gaps
 * (Chancy leaves unobserved buckets out rather than reporting zeros), never drawn as zero.
 */
import type { Point } from '$lib/metrics/keys';

export interface ChartSeries {
	key: string;
	label: string;
	/** A state colour name (`succeeded`, `failed`...) or `accent`. */
	tone: string;
	points: Point[];
}

/** Bucket index of time `t` in a window starting at `start` with buckets of `step` ms. */
export const bucketOf = (t: number, start: number, step: number) => Math.floor((t - start) / step);

export const bucketCount = (start: number, end: number, step: number) =>
	Math.max(1, Math.ceil((end - start) / step));

export interface Stack {
	/** Bucket index. */
	i: number;
	t: number;
	/** Each series' slice [y0, y1) of the stack, in series order; absent series are skipped. */
	parts: { key: string; tone: string; y0: number; y1: number }[];
	total: number;
}

/** Stacked values per bucket, for bars; buckets with no observation at all are left out. */
export function stacks(series: readonly ChartSeries[], start: number, step: number): Stack[] {
	const byBucket = new Map<number, Stack>();
	for (const s of series) {
		for (const p of s.points) {
			const i = bucketOf(p.t, start, step);
			let stack = byBucket.get(i);
			if (!stack) {
				stack = { i, t: start + i * step, parts: [], total: 0 };
				byBucket.set(i, stack);
			}
			// Points finer than the bucket (data of another resolution) add up in one part.
			const last = stack.parts[stack.parts.length - 1];
			if (last?.key === s.key) last.y1 += p.v;
			else stack.parts.push({ key: s.key, tone: s.tone, y0: stack.total, y1: stack.total + p.v });
			stack.total += p.v;
		}
	}
	return [...byBucket.values()].sort((a, b) => a.i - b.i);
}

/** Runs of consecutive buckets: a line is broken where a bucket is missing. */
export function runs(points: readonly Point[], step: number): Point[][] {
	const sorted = [...points].sort((a, b) => a.t - b.t);
	const out: Point[][] = [];
	let run: Point[] = [];
	for (const p of sorted) {
		const prev = run[run.length - 1];
		if (prev && p.t - prev.t > step * 1.5) {
			out.push(run);
			run = [];
		}
		run.push(p);
	}
	if (run.length) out.push(run);
	return out;
}

const f = (n: number) => String(Math.round(n * 10) / 10);

/**
 * A line through the bucket centres, broken at gaps; a lone bucket is a short flat dash so
 * that it stays visible.
 */
export function linePath(
	points: readonly Point[],
	step: number,
	x: (t: number) => number,
	y: (v: number) => number,
	value: (p: Point) => number = (p) => p.v
): string {
	return runs(points, step)
		.map((run) => {
			if (run.length === 1) {
				const p = run[0]!;
				const cx = x(p.t + step / 2);
				const w = Math.max(2, (x(p.t + step) - x(p.t)) / 3);
				return `M${f(cx - w)},${f(y(value(p)))}H${f(cx + w)}`;
			}
			return run
				.map((p, i) => `${i ? 'L' : 'M'}${f(x(p.t + step / 2))},${f(y(value(p)))}`)
				.join('');
		})
		.join('');
}

/** The area between `lo` and `hi` (a histogram's min and max), broken at gaps. */
export function bandPath(
	points: readonly Point[],
	step: number,
	x: (t: number) => number,
	y: (v: number) => number
): string {
	return runs(
		points.filter((p) => p.lo !== undefined && p.hi !== undefined),
		step
	)
		.map((run) => {
			const edge = (p: Point, half: number) => x(p.t + step / 2 + half);
			const half = run.length === 1 ? step / 3 : 0;
			const top = run.map((p) => `${f(edge(p, -half))},${f(y(p.hi!))}`);
			if (half) top.push(`${f(edge(run[0]!, half))},${f(y(run[0]!.hi!))}`);
			const bottom = [...run].reverse().map((p) => `${f(edge(p, half))},${f(y(p.lo!))}`);
			if (half) bottom.push(`${f(edge(run[0]!, -half))},${f(y(run[0]!.lo!))}`);
			return `M${top.join('L')}L${bottom.join('L')}Z`;
		})
		.join('');
}

/** The largest value drawn: stacked totals for bars, the band's top for lines. */
export function maxValue(
	series: readonly ChartSeries[],
	stacked: boolean,
	start: number,
	step: number
) {
	if (stacked) return Math.max(0, ...stacks(series, start, step).map((s) => s.total));
	return Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.hi ?? p.v)));
}
