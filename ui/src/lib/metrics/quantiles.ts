/**
 * Percentiles of execution times from Chancy's metrics. The Metrics plugin keeps, per time
 * bucket, the count, average, minimum and maximum of the observations, not the observations:
 * a percentile is taken over the buckets' averages, each weighted by its number of
 * observations. That is exact when the jobs of a bucket took about the same time, and an
 * estimate otherwise (the page says so).
 */
import type { Point } from './keys';

export function weightedQuantile(points: readonly Point[], q: number): number | null {
	const observed = points.filter((p) => (p.n ?? 0) > 0).sort((a, b) => a.v - b.v);
	const total = observed.reduce((sum, p) => sum + (p.n ?? 0), 0);
	if (!total) return null;
	const rank = q * total;
	let seen = 0;
	for (const p of observed) {
		seen += p.n ?? 0;
		if (seen >= rank) return p.v;
	}
	return observed.at(-1)?.v ?? null;
}
