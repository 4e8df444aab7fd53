import { describe, expect, it } from 'vitest';
import {
	allowed,
	metricHref,
	metricsHref,
	metricsSearch,
	parseMetricsQuery,
	retentionOf,
	windowOf,
	withChanges,
	fittingRange
} from './query';

const parse = (search: string) => parseMetricsQuery(new URLSearchParams(search));

describe('metrics URL state', () => {
	it('defaults to the last 24 hours in 5-minute buckets, for every worker', () => {
		expect(parse('')).toEqual({
			range: '24h',
			resolution: '5min',
			worker: null,
			queue: null,
			func: null,
			slow: 'all'
		});
		expect(windowOf(parse(''))).toEqual({ resolution: '5min', range: 86400, workerId: null });
	});

	it('allows only the resolutions Chancy keeps for the range', () => {
		expect(allowed('1min', 3600)).toBe(true);
		expect(allowed('1min', 86400)).toBe(false); // kept one hour; 1,440 buckets
		expect(allowed('5min', 7 * 86400)).toBe(false);
		expect(allowed('1hour', 7 * 86400)).toBe(true);
		expect(allowed('1hour', 30 * 86400)).toBe(false);
		expect(allowed('1day', 86400)).toBe(false); // a single bucket
		expect(parse('range=1h&resolution=1day').resolution).toBe('1min');
		expect(parse('range=7d&resolution=1day').resolution).toBe('1day');
		expect(parse('range=nope').range).toBe('24h');
	});

	it('follows the retention the server reports', () => {
		// 5-minute buckets kept 12 hours (Metrics(max_points_per_resolution={"5min": 144})).
		const retention = retentionOf({ '5min': 144 * 300 });
		expect(retention['1hour']).toBe(168 * 3600); // the rest keep Chancy's defaults
		expect(allowed('5min', 86400, retention)).toBe(false);
		expect(allowed('5min', 6 * 3600, retention)).toBe(true);
		// The last 24 hours then come in hourly buckets, whatever the URL asks.
		const q = parseMetricsQuery(new URLSearchParams('resolution=5min'), retention);
		expect(q.resolution).toBe('1hour');
		expect(withChanges(parse('range=6h'), { range: '24h' }, retention).resolution).toBe('1hour');
		// One-minute buckets kept a day make them a choice for the last 6 hours.
		const longer = retentionOf({ '1min': 86400 });
		expect(
			parseMetricsQuery(new URLSearchParams('range=6h&resolution=1min'), longer)
		).toMatchObject({ range: '6h', resolution: '1min' });
		expect(parse('range=6h&resolution=1min').resolution).toBe('5min');
	});

	it('switches to the new range’s own resolution', () => {
		const q = parse('range=1h&resolution=5min');
		expect(withChanges(q, { range: '24h' }).resolution).toBe('5min');
		// "Last hour" from the 24-hour view gets 1-minute steps, not the day's 5-minute ones.
		expect(withChanges(parse(''), { range: '1h' }).resolution).toBe('1min');
		expect(withChanges(parse(''), { range: '1h', resolution: '5min' }).resolution).toBe('5min');
		expect(withChanges(q, { worker: 'w' }).resolution).toBe('5min');
		expect(withChanges(q, { range: '30d' }).resolution).toBe('1day');
		expect(withChanges(parse('range=1h'), { range: '7d' }).resolution).toBe('1hour');
	});

	it('round-trips through the URL, leaving defaults out', () => {
		const q = parse('range=7d&resolution=1day&worker=w-1&queue=emails&func=app.send&slow=func');
		expect(metricsSearch(q)).toBe(
			'?range=7d&resolution=1day&worker=w-1&queue=emails&func=app.send&slow=func'
		);
		expect(parse(metricsSearch(q).slice(1))).toEqual(q);
		expect(metricsSearch(parse('range=24h&resolution=5min&slow=all'))).toBe('');
		expect(parse('slow=everything').slow).toBe('all');
	});

	it('links to the pages under /stats (the server answers /metrics for Prometheus)', () => {
		const q = parse('range=1h&queue=emails&slow=queue');
		expect(metricsHref(q)).toBe('/stats?range=1h&queue=emails&slow=queue');
		expect(metricHref('queue:emails', q)).toBe('/stats/queue%3Aemails?range=1h');
		expect(metricHref('global')).toBe('/stats/global');
	});
});

describe('the range the page opens on', () => {
	const now = Date.parse('2026-12-01T12:00:00Z');
	it('is the shortest that holds the data of the last day', () => {
		expect(fittingRange(now - 20 * 60_000, now)).toBe('1h');
		expect(fittingRange(now - 3 * 3600_000, now)).toBe('6h');
		expect(fittingRange(now - 20 * 3600_000, now)).toBeNull();
		expect(fittingRange(null, now)).toBeNull();
	});
});
