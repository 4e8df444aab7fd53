import { describe, expect, it } from 'vitest';
import type { SlowJob } from './api';
import { parseMetricsQuery } from './query';
import { durationValue, slowJobsQuery, slowestFilter } from './slowest';

const query = (search: string) => parseMetricsQuery(new URLSearchParams(search));

const job = (duration: number): SlowJob => ({
	id: '0190f4b2-7c1e-7a3b-9d2e-111111111111',
	func: 'app.tasks.build_report',
	queue: 'reports',
	state: 'succeeded',
	started_at: '2025-11-27T13:58:00Z',
	completed_at: '2025-11-27T13:58:02Z',
	duration
});

describe('slowestFilter', () => {
	it("asks for every job's slowest, over the page's range and worker", () => {
		expect(slowestFilter(query('range=1h&worker=w-1'), 'emails', 'app.send')).toEqual({
			range: 3600,
			queue: null,
			func: null,
			workerId: 'w-1',
			limit: 10
		});
	});

	it("or the picked queue's or function's", () => {
		expect(slowestFilter(query('slow=queue'), 'emails', 'app.send')).toMatchObject({
			range: 86400,
			queue: 'emails',
			func: null
		});
		expect(slowestFilter(query('slow=func'), 'emails', 'app.send')).toMatchObject({
			queue: null,
			func: 'app.send'
		});
		expect(slowestFilter(query('slow=func'), 'emails', null).func).toBeNull();
	});
});

describe('durationValue', () => {
	it('rounds down to whole milliseconds, so the job itself matches >=', () => {
		expect(durationValue(2)).toBe('2000ms');
		expect(durationValue(0.6004)).toBe('600ms');
		expect(durationValue(1.0019)).toBe('1001ms');
		expect(durationValue(0.0004)).toBe('0ms');
	});
});

describe('slowJobsQuery', () => {
	it("searches the range's finished jobs at least as slow as the last one listed", () => {
		const filter = slowestFilter(query('range=7d&slow=func'), null, 'app.tasks.build_report');
		expect(slowJobsQuery(filter, '7d', [job(12.5), job(3.25)])).toBe(
			'state:succeeded,failed completed:>-7d duration:>=3250ms func:app.tasks.build_report'
		);
	});

	it('keeps the queue and worker, quoting what needs it', () => {
		const filter = slowestFilter(query('slow=queue&worker=web 1'), 'my queue', null);
		expect(slowJobsQuery(filter, '24h', [job(1)])).toBe(
			'state:succeeded,failed completed:>-24h duration:>=1000ms queue:"my queue" worker:"web 1"'
		);
	});

	it('is null without jobs', () => {
		expect(slowJobsQuery(slowestFilter(query(''), null, null), '24h', [])).toBeNull();
	});
});
