import { describe, expect, it } from 'vitest';
import type { WorkflowStep } from '$lib/workflows/api';
import { gantt } from './gantt';

const T0 = Date.parse('2025-11-27T14:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

function step(
	id: string,
	level: number,
	run: [number, number | null, number | null] | null,
	state: string | null = null
): WorkflowStep {
	return {
		step_id: id,
		job: {
			func: 'app.f',
			queue: 'q',
			kwargs: null,
			priority: 0,
			max_attempts: 1,
			scheduled_at: iso(0),
			limits: [],
			unique_key: null,
			meta: {}
		},
		dependencies: [],
		state,
		job_id: run ? `00000000-0000-7000-8000-00000000000${level}` : null,
		level,
		run: run && {
			created_at: iso(run[0]),
			scheduled_at: iso(run[0]),
			started_at: run[1] === null ? null : iso(run[1]),
			completed_at: run[2] === null ? null : iso(run[2]),
			attempts: 1,
			max_attempts: 1,
			error: null
		}
	};
}

describe('step timeline', () => {
	it('draws queued steps in the order they were queued, and lists the others', () => {
		const chart = gantt(
			[
				step('publish', 2, [10, 11, 12], 'succeeded'),
				step('fetch', 0, [0, 1, 5], 'succeeded'),
				step('tag', 1, [6, 7, 9], 'succeeded'),
				step('resize', 1, [6, 6.5, 8], 'failed'),
				step('later', 3, null)
			],
			T0 + 60_000
		);
		expect(chart.rows.map((r) => r.id)).toEqual(['fetch', 'resize', 'tag', 'publish']);
		expect(chart.waiting).toEqual(['later']);
		expect(chart.from).toBe(T0);
		expect(chart.to).toBe(T0 + 12_000);
		expect(chart.rows[1]).toMatchObject({ state: 'failed', start: T0 + 6500, end: T0 + 8000 });
	});

	it('lets running and waiting steps reach now', () => {
		const now = T0 + 30_000;
		const chart = gantt(
			[step('a', 0, [0, 2, null], 'running'), step('b', 0, [5, null, null], 'pending')],
			now
		);
		expect(chart.rows[0]).toMatchObject({ running: true, end: now });
		expect(chart.rows[1]).toMatchObject({ start: null, end: now, running: true });
		expect(chart.to).toBe(now);
	});

	it('spans at least a second', () => {
		const chart = gantt([step('a', 0, [0, 0, 0], 'succeeded')], T0);
		expect(chart.to - chart.from).toBe(1000);
	});
});
