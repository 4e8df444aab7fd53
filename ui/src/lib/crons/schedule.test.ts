import { describe, expect, it } from 'vitest';
import type { CronJob } from './api';
import { isLate, outcome, sameZone, zonedTime } from './schedule';

const job = (id: string, state: string): CronJob => ({
	id,
	state,
	created_at: '2025-11-27T13:00:00Z',
	scheduled_at: '2025-11-27T13:00:00Z',
	started_at: null,
	completed_at: null,
	attempts: 0,
	error: null
});

describe('cron schedules', () => {
	it('takes the last outcome from the newest finished job, and the job in flight apart', () => {
		const jobs = [job('c', 'running'), job('b', 'failed'), job('a', 'succeeded')];
		expect(outcome(jobs)).toEqual({ finished: jobs[1], active: jobs[0] });
		expect(outcome([job('a', 'succeeded')]).active).toBeNull();
		expect(outcome([])).toEqual({ finished: null, active: null });
	});

	it('calls a schedule late when its stored next run is minutes in the past', () => {
		const now = Date.parse('2025-11-27T14:00:00Z');
		expect(isLate({ next_run: '2025-11-27T13:59:00Z' }, now)).toBe(false);
		expect(isLate({ next_run: '2025-11-27T13:50:00Z' }, now)).toBe(true);
		expect(isLate({ next_run: '2025-11-27T14:05:00Z' }, now)).toBe(false);
	});

	it('shows run times on the schedule’s own clock', () => {
		expect(zonedTime('2025-11-27T08:00:00Z', 'Europe/Paris')).toBe('Thu 09:00');
		expect(zonedTime('2025-11-27T08:00:00Z', 'America/New_York')).toBe('Thu 03:00');
		expect(zonedTime('2025-11-27T08:00:00Z', 'Not/AZone')).toBeNull();
	});

	it('compares the schedule’s zone with the browser’s (UTC in tests)', () => {
		const at = Date.parse('2025-11-27T08:00:00Z');
		expect(sameZone('Etc/UTC', at)).toBe(true);
		expect(sameZone('UTC', at)).toBe(true);
		expect(sameZone('Europe/Paris', at)).toBe(false);
		expect(sameZone('Not/AZone', at)).toBe(false);
	});
});

describe('cron timeline', () => {
	it('keeps the marks inside the window and says when runs go on past the last computed', async () => {
		const { timelineRows } = await import('./timeline');
		const at = (min: number) =>
			new Date(Date.parse('2025-11-27T14:00:00Z') + min * 60_000).toISOString();
		const from = Date.parse(at(-60));
		const to = Date.parse(at(60));
		const base = {
			cron: '* * * * *',
			timezone: 'Etc/UTC',
			last_run: null,
			next_run: at(1),
			job: {} as never,
			description: 'every minute',
			error: null
		};
		const [dense, rare, weekly] = timelineRows(
			[
				{
					...base,
					unique_key: 'dense',
					next_runs: [at(1), at(2), at(3)],
					recent_jobs: [job('a', 'succeeded'), { ...job('old', 'failed'), created_at: at(-120) }]
				},
				{ ...base, unique_key: 'rare', next_runs: [at(30), at(600)], recent_jobs: [] },
				{ ...base, unique_key: 'weekly', next_runs: [at(4000), at(14000)], recent_jobs: [] }
			],
			from,
			to,
			3
		);
		expect(dense!.next).toHaveLength(3);
		expect(dense!.truncated).toBe(true);
		expect(dense!.past.map((p) => p.id)).toEqual(['a']);
		expect(rare!.next).toEqual([Date.parse(at(30))]);
		expect(rare!.truncated).toBe(false);
		expect(rare!.later).toBeNull();
		// Due only after the window: its row says when, instead of staying blank.
		expect(weekly!.next).toEqual([]);
		expect(weekly!.later).toBe(Date.parse(at(4000)));
	});
});
