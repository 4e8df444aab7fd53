/** Chart series out of the API's metric data. */
import type { MetricData, MetricSeries } from '$lib/metrics/api';
import { OUTCOMES, parseKey, points, seriesAt } from '$lib/metrics/keys';
import { RESOLUTION_SECONDS } from '$lib/metrics/query';
import type { ChartSeries } from './chart';

const TONES: Record<string, string> = {
	succeeded: 'succeeded',
	failed: 'failed',
	retrying: 'retrying',
	running: 'running',
	pending: 'pending'
};

/** A key's tone: the state it counts, else the accent. */
export const toneOf = (key: string) => TONES[parseKey(key).name] ?? 'accent';

/** Succeeded, failed and retrying updates under `prefix`, to stack. */
export function outcomeSeries(data: MetricData | undefined, prefix: string): ChartSeries[] {
	return OUTCOMES.map((o) => ({
		key: o,
		label: o,
		tone: TONES[o]!,
		points: points(seriesAt(data, prefix, o))
	})).filter((s) => s.points.length > 0 || s.key !== 'retrying');
}

export function oneSeries(
	data: MetricData | undefined,
	prefix: string,
	name: string,
	label = name
): ChartSeries[] {
	const series = seriesAt(data, prefix, name);
	return [{ key: name, label, tone: toneOf(name), points: points(series) }];
}

/** Counters as bars, gauges and histograms as lines. */
export const kindOf = (series: MetricSeries): 'bars' | 'line' =>
	series.type === 'counter' ? 'bars' : 'line';

/** The window of a response and its bucket size, in ms: the response's own, which may still
 * be the previous window's while a new one loads. */
export function windowMs(data: MetricData) {
	return {
		start: Date.parse(data.start),
		end: Date.parse(data.end),
		step: RESOLUTION_SECONDS[data.resolution] * 1000
	};
}
