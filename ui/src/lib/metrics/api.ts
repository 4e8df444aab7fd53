import { api, unwrap } from '$lib/api';
import type { Schemas } from '$lib/api/client';

export type MetricCatalog = Schemas['MetricCatalog'];
export type MetricData = Schemas['MetricData'];
export type MetricSeries = Schemas['MetricSeries'];
export type MetricPoint = Schemas['MetricPoint'];
export type HistogramValue = Schemas['HistogramValue'];
export type Resolution = MetricData['resolution'];
export type SlowestJobs = Schemas['SlowestJobs'];
export type SlowJob = Schemas['SlowJob'];

export async function listMetrics(signal?: AbortSignal): Promise<MetricCatalog> {
	return unwrap(await api.GET('/api/v1/metrics', { signal }));
}

export interface MetricWindow {
	resolution: Resolution;
	/** Seconds, ending now. */
	range: number;
	workerId: string | null;
}

/** Every series whose key is `prefix` or starts with `prefix:`. */
export async function getMetrics(
	prefix: string,
	window: MetricWindow,
	signal?: AbortSignal
): Promise<MetricData> {
	return unwrap(
		await api.GET('/api/v1/metrics/{prefix}', {
			params: {
				path: { prefix },
				query: {
					resolution: window.resolution,
					range: window.range,
					worker_id: window.workerId ?? undefined
				}
			},
			signal
		})
	);
}

export interface SlowestFilter {
	/** Seconds, ending now. */
	range: number;
	func: string | null;
	queue: string | null;
	workerId: string | null;
	limit: number;
}

/** The finished jobs of the window that ran longest, slowest first. */
export async function getSlowestJobs(
	filter: SlowestFilter,
	signal?: AbortSignal
): Promise<SlowestJobs> {
	return unwrap(
		await api.GET('/api/v1/metrics/slowest-jobs', {
			params: {
				query: {
					range: filter.range,
					func: filter.func ?? undefined,
					queue: filter.queue ?? undefined,
					worker_id: filter.workerId ?? undefined,
					limit: filter.limit
				}
			},
			signal
		})
	);
}
