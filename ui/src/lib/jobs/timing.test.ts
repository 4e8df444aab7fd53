import { describe, expect, it } from 'vitest';
import type { JobSummary } from '$lib/api/types';
import { rowTime, spans } from './timing';

const NOW = Date.parse('2025-11-27T14:00:00Z');
const job = (over: Partial<JobSummary>): JobSummary => ({
	id: '0190f4b2-7c1e-7a3b-9d2e-111111111111',
	queue: 'default',
	func: 'app.tasks.work',
	state: 'pending',
	priority: 0,
	attempts: 0,
	max_attempts: 1,
	taken_by: null,
	created_at: '2025-11-27T13:59:00Z',
	scheduled_at: '2025-11-27T13:59:00Z',
	started_at: null,
	completed_at: null,
	unique_key: null,
	error: null,
	kwargs_preview: null,
	...over
});

describe('spans', () => {
	it('measures a finished job from due time to start to end', () => {
		const done = job({
			state: 'succeeded',
			started_at: '2025-11-27T13:59:02Z',
			completed_at: '2025-11-27T13:59:02.500Z'
		});
		expect(spans(done, NOW)).toEqual({ wait: 2000, run: 500 });
	});

	it('ticks while waiting or running', () => {
		expect(spans(job({}), NOW)).toEqual({ wait: 60_000, run: null });
		expect(spans(job({ state: 'running', started_at: '2025-11-27T13:59:30Z' }), NOW)).toEqual({
			wait: 30_000,
			run: 30_000
		});
	});

	it('does not count waiting before a job is due', () => {
		expect(spans(job({ scheduled_at: '2025-11-27T15:00:00Z' }), NOW)).toEqual({
			wait: null,
			run: null
		});
	});
});

describe('rowTime', () => {
	it('picks the moment that matters for the state', () => {
		expect(rowTime(job({})).label).toBe('scheduled');
		expect(rowTime(job({ state: 'running', started_at: 'x' }))).toEqual({
			label: 'started',
			at: 'x'
		});
		expect(rowTime(job({ state: 'failed', completed_at: 'y' }))).toEqual({
			label: 'completed',
			at: 'y'
		});
		expect(rowTime(job({ state: 'retrying' })).label).toBe('retry at');
	});
});
