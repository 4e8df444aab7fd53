/**
 * The metrics pages (`/stats` and `/stats/<prefix>`: the server keeps `/metrics` for
 * Prometheus) keep their window and picks in the URL:
 * `?range=24h&resolution=5min&worker=<id>&queue=<name>&func=<name>&slow=queue`.
 */
import { resolve } from '$app/paths';
import type { MetricWindow, Resolution } from './api';

export const RESOLUTION_SECONDS: Record<Resolution, number> = {
	'1min': 60,
	'5min': 300,
	'1hour': 3600,
	'1day': 86400
};
export const RESOLUTIONS = Object.keys(RESOLUTION_SECONDS) as Resolution[];

/** How long each resolution is kept, in seconds: the server's `MetricCatalog.retention`. */
export type Retention = Record<Resolution, number>;
/** Chancy's defaults (its buckets × size), until the server has said. */
export const DEFAULT_RETENTION: Retention = {
	'1min': 60 * 60,
	'5min': 288 * 300,
	'1hour': 168 * 3600,
	'1day': 90 * 86400
};
/** The retention a server reported, with Chancy's defaults for any it did not name. */
export function retentionOf(reported: Record<string, number> | undefined): Retention {
	return { ...DEFAULT_RETENTION, ...reported };
}
/** Chancy refuses windows of more buckets. */
const MAX_BUCKETS = 1000;

export const RANGES = [
	{ key: '1h', seconds: 3600, label: 'Last hour', resolution: '1min' },
	{ key: '6h', seconds: 6 * 3600, label: 'Last 6 hours', resolution: '5min' },
	{ key: '24h', seconds: 86400, label: 'Last 24 hours', resolution: '5min' },
	{ key: '7d', seconds: 7 * 86400, label: 'Last 7 days', resolution: '1hour' },
	{ key: '30d', seconds: 30 * 86400, label: 'Last 30 days', resolution: '1day' }
] as const satisfies readonly {
	key: string;
	seconds: number;
	label: string;
	resolution: Resolution;
}[];
export type RangeKey = (typeof RANGES)[number]['key'];
export const DEFAULT_RANGE: RangeKey = '24h';

/**
 * Whether Chancy serves `resolution` over `seconds`: within its retention, at most 1,000
 * buckets, and at least two buckets (one bar is not a chart).
 */
export function allowed(
	resolution: Resolution,
	seconds: number,
	retention: Retention = DEFAULT_RETENTION
): boolean {
	const size = RESOLUTION_SECONDS[resolution];
	return (
		seconds <= retention[resolution] &&
		seconds % size === 0 &&
		seconds / size <= MAX_BUCKETS &&
		seconds / size >= 2
	);
}

/** Whose slowest jobs the page lists: every job's, or the picked queue's or function's. */
export type SlowScope = 'all' | 'queue' | 'func';
const SLOW_SCOPES: readonly SlowScope[] = ['all', 'queue', 'func'];

export interface MetricsQuery {
	range: RangeKey;
	resolution: Resolution;
	worker: string | null;
	queue: string | null;
	func: string | null;
	slow: SlowScope;
}

const text = (params: URLSearchParams, key: string) => params.get(key)?.trim() || null;
const rangeOf = (key: string) => RANGES.find((r) => r.key === key) ?? null;

/** The range's own resolution, or the finest one kept long enough for it. */
function resolutionFor(range: (typeof RANGES)[number], retention: Retention): Resolution {
	if (allowed(range.resolution, range.seconds, retention)) return range.resolution;
	return RESOLUTIONS.find((r) => allowed(r, range.seconds, retention)) ?? range.resolution;
}

export function parseMetricsQuery(
	params: URLSearchParams,
	retention: Retention = DEFAULT_RETENTION
): MetricsQuery {
	const range = rangeOf(params.get('range') ?? '') ?? rangeOf(DEFAULT_RANGE)!;
	const asked = params.get('resolution') as Resolution | null;
	const resolution =
		asked && RESOLUTIONS.includes(asked) && allowed(asked, range.seconds, retention)
			? asked
			: resolutionFor(range, retention);
	return {
		range: range.key,
		resolution,
		worker: text(params, 'worker'),
		queue: text(params, 'queue'),
		func: text(params, 'func'),
		slow: SLOW_SCOPES.find((s) => s === params.get('slow')) ?? 'all'
	};
}

/**
 * Changing the range picks that range's own resolution (the last hour in 1-minute steps, not
 * the 5-minute steps of the day it came from), unless a resolution is given with it; a
 * resolution that no longer fits is replaced the same way.
 */
export function withChanges(
	query: MetricsQuery,
	changes: Partial<MetricsQuery>,
	retention: Retention = DEFAULT_RETENTION
): MetricsQuery {
	const next = { ...query, ...changes };
	const range = rangeOf(next.range)!;
	const newRange = changes.range !== undefined && changes.range !== query.range;
	if ((newRange && !changes.resolution) || !allowed(next.resolution, range.seconds, retention)) {
		next.resolution = resolutionFor(range, retention);
	}
	return next;
}

/**
 * The range to open on when the URL names none: the shortest of the last hour, 6 hours and
 * 24 hours that holds everything recorded in the last 24 hours (`earliest`, ms), so a young
 * installation's data is not a sliver at the right edge. Null: keep the default.
 */
export function fittingRange(earliest: number | null, now: number): RangeKey | null {
	if (earliest === null) return null;
	const span = (now - earliest) / 1000;
	// A bucket's start is up to one bucket before its first observation: leave room.
	if (span <= 3600 - 300) return '1h';
	if (span <= 6 * 3600 - 300) return '6h';
	return null;
}

export function metricsSearch(query: MetricsQuery): string {
	const params = new URLSearchParams();
	if (query.range !== DEFAULT_RANGE) params.set('range', query.range);
	if (query.resolution !== rangeOf(query.range)!.resolution)
		params.set('resolution', query.resolution);
	if (query.worker) params.set('worker', query.worker);
	if (query.queue) params.set('queue', query.queue);
	if (query.func) params.set('func', query.func);
	if (query.slow !== 'all') params.set('slow', query.slow);
	const search = params.toString();
	return search ? `?${search}` : '';
}

export const rangeSeconds = (key: RangeKey) => rangeOf(key)!.seconds;

export function windowOf(query: MetricsQuery): MetricWindow {
	return {
		resolution: query.resolution,
		range: rangeOf(query.range)!.seconds,
		workerId: query.worker
	};
}

export const metricsHref = (query: MetricsQuery | null = null) =>
	resolve('/stats') + (query ? metricsSearch(query) : '');

/** The explorer page of every series under `prefix`, keeping the window and worker. */
export const metricHref = (prefix: string, query: MetricsQuery | null = null) =>
	resolve('/stats/[prefix]', { prefix: encodeURIComponent(prefix) }) +
	(query ? metricsSearch({ ...query, queue: null, func: null, slow: 'all' }) : '');
