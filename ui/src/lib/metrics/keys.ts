/**
 * Chancy's metric keys, grouped for the charts:
 *
 * - `global:status:<state>`: job updates by state, all queues;
 * - `queue:<queue>:<state>`, `queue:<queue>:throughput`, `queue:<queue>:execution_time`;
 * - `job:<func>:<state>`, `job:<func>:execution_time`;
 * - `table:<table>:{total,table,index}_size_bytes`; `workflows:…`, `workflow:<name>:…`.
 *
 * Counters and gauges become points `{t, v}`; histograms `{t, v: avg, lo: min, hi: max, n}`.
 */
import { toMs } from '$lib/format';
import type { HistogramValue, MetricData, MetricSeries } from './api';

export interface Point {
	/** Bucket start, ms. */
	t: number;
	v: number;
	lo?: number;
	hi?: number;
	/** Observations in the bucket (histograms). */
	n?: number;
}

export interface MetricKey {
	category: string;
	/** The queue, function, table... (everything between category and name). */
	subject: string;
	/** The last segment: a state, `throughput`, `execution_time`... */
	name: string;
}

/** Job states whose counters mean an outcome, in stacking order. */
export const OUTCOMES = ['succeeded', 'failed', 'retrying'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Split a key: the category is the first segment, the name the last (a queue or function
 * name may itself contain colons). */
export function parseKey(key: string): MetricKey {
	const first = key.indexOf(':');
	if (first < 0) return { category: key, subject: '', name: '' };
	const last = key.lastIndexOf(':');
	return {
		category: key.slice(0, first),
		subject: last > first ? key.slice(first + 1, last) : '',
		name: key.slice(last + 1)
	};
}

const isHistogram = (v: unknown): v is HistogramValue => typeof v === 'object' && v !== null;

export function points(series: MetricSeries | undefined): Point[] {
	if (!series) return [];
	const out: Point[] = [];
	for (const p of series.data) {
		const t = toMs(p.timestamp);
		if (t === null) continue;
		out.push(
			isHistogram(p.value)
				? { t, v: p.value.avg, lo: p.value.min, hi: p.value.max, n: p.value.count }
				: { t, v: p.value }
		);
	}
	return out;
}

/** The total of a counter over the window (its summary), or of the points. */
export function total(series: MetricSeries | undefined): number {
	if (!series) return 0;
	if (typeof series.summary === 'number') return series.summary;
	return points(series).reduce((sum, p) => sum + p.v, 0);
}

/** A histogram's statistics over the window, or null. */
export function histogram(series: MetricSeries | undefined): HistogramValue | null {
	return series && isHistogram(series.summary) ? series.summary : null;
}

/** Failed over finished (succeeded + failed); null when nothing finished. */
export function failureRate(succeeded: number, failed: number): number | null {
	const finished = succeeded + failed;
	return finished ? failed / finished : null;
}

export interface SubjectSummary {
	subject: string;
	throughput: Point[];
	outcomes: Record<Outcome, number>;
	failureRate: number | null;
	duration: HistogramValue | null;
	/** The execution time per bucket (avg, with its count): for percentiles. */
	durations: Point[];
}

/**
 * One row per subject (queue or function) of a category's series, sorted by subject: its
 * throughput (or, for functions, all its outcome updates), outcome totals and durations.
 */
export function bySubject(data: MetricData, category: string): SubjectSummary[] {
	const groups = new Map<string, Map<string, MetricSeries>>();
	for (const [key, series] of Object.entries(data.series)) {
		const k = parseKey(key);
		if (k.category !== category || !k.subject) continue;
		if (!groups.has(k.subject)) groups.set(k.subject, new Map());
		groups.get(k.subject)!.set(k.name, series);
	}
	return [...groups.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([subject, named]) => {
			const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, total(named.get(o))])) as Record<
				Outcome,
				number
			>;
			const throughput = named.has('throughput')
				? points(named.get('throughput'))
				: sumPoints(OUTCOMES.map((o) => points(named.get(o))));
			return {
				subject,
				throughput,
				outcomes,
				failureRate: failureRate(outcomes.succeeded, outcomes.failed),
				duration: histogram(named.get('execution_time')),
				durations: points(named.get('execution_time'))
			};
		});
}

/** Point-wise sum of several series over the same buckets. */
export function sumPoints(lists: Point[][]): Point[] {
	const sums = new Map<number, number>();
	for (const list of lists) for (const p of list) sums.set(p.t, (sums.get(p.t) ?? 0) + p.v);
	return [...sums.entries()].sort(([a], [b]) => a - b).map(([t, v]) => ({ t, v }));
}

/** The series of `data` named `<prefix>:<name>`. */
export const seriesAt = (data: MetricData | undefined, prefix: string, name: string) =>
	data?.series[`${prefix}:${name}`];

/**
 * Whether a series has gone quiet: its latest observation is older than two buckets (at least
 * two minutes) before the data was generated.
 */
export function stale(series: MetricSeries, generatedAt: string, bucketSeconds: number): boolean {
	const sampled = toMs(series.sampled_at);
	const generated = toMs(generatedAt);
	if (sampled === null || generated === null) return true;
	return generated - sampled > Math.max(120, 2 * bucketSeconds) * 1000;
}
