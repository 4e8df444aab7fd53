import { describe, expect, it } from 'vitest';
import type { WorkflowDetail, WorkflowStep, WorkflowSummary } from './api';
import {
	countByState,
	explain,
	failedAncestors,
	progressText,
	segments,
	stepState,
	unresolved
} from './steps';

function step(
	id: string,
	deps: string[],
	state: string | null,
	jobId: string | null = null
): WorkflowStep {
	return {
		step_id: id,
		job: {
			func: 'app.f',
			queue: 'q',
			kwargs: null,
			priority: 0,
			max_attempts: 1,
			scheduled_at: '2025-11-27T13:00:00Z',
			limits: [],
			unique_key: null,
			meta: {}
		},
		dependencies: deps,
		state,
		job_id: state ? '0190f4b2-7c1e-7a3b-9d2e-111111111111' : jobId,
		level: deps.length ? 1 : 0,
		run: null
	};
}

function workflow(state: string, steps: WorkflowStep[]): WorkflowDetail {
	return {
		id: '0190f4b2-7c1e-7a3b-9d2e-000000000000',
		name: 'etl',
		state,
		created_at: null,
		updated_at: null,
		steps: Object.fromEntries(steps.map((s) => [s.step_id, s])),
		edges: []
	};
}

const summary = (over: Partial<WorkflowSummary>): WorkflowSummary => ({
	id: 'x',
	name: 'etl',
	state: 'running',
	created_at: null,
	updated_at: null,
	total_steps: 0,
	waiting_steps: 0,
	pending_steps: 0,
	running_steps: 0,
	succeeded_steps: 0,
	failed_steps: 0,
	retrying_steps: 0,
	...over
});

describe('workflow steps', () => {
	it('names a step’s state: its job’s, waiting before it is queued, missing without its job', () => {
		expect(stepState(step('a', [], 'running'))).toBe('running');
		expect(stepState(step('a', [], null))).toBe('waiting');
		expect(stepState(step('a', [], null, 'gone'))).toBe('missing');
	});

	it('counts the list row’s steps as bar segments and words', () => {
		const w = summary({ total_steps: 6, succeeded_steps: 3, running_steps: 1, waiting_steps: 2 });
		expect(segments(w)).toEqual([
			{ state: 'succeeded', count: 3 },
			{ state: 'running', count: 1 },
			{ state: 'waiting', count: 2 }
		]);
		expect(progressText(w)).toBe('3/6 succeeded · 1 running · 2 waiting');
		expect(progressText(summary({ total_steps: 0 }))).toBe('0/0 succeeded');
	});

	it('counts the detail’s steps by state', () => {
		expect(
			countByState([
				step('a', [], 'succeeded'),
				step('b', ['a'], 'succeeded'),
				step('c', ['b'], null)
			])
		).toEqual([
			{ state: 'succeeded', count: 2 },
			{ state: 'waiting', count: 1 }
		]);
	});

	it('explains what a step waits for', () => {
		const w = workflow('running', [
			step('fetch', [], 'succeeded'),
			step('resize', ['fetch'], 'running'),
			step('tag', ['fetch'], null),
			step('publish', ['resize', 'tag'], null)
		]);
		expect(unresolved(w.steps, w.steps['publish']!)).toEqual(['resize', 'tag']);
		expect(explain(w, w.steps['publish']!)).toBe('Not queued: waiting for resize, tag to succeed.');
		expect(explain(w, w.steps['tag']!)).toMatch(/scheduler queues it/);
		expect(explain(w, w.steps['resize']!)).toBe('Running on a worker.');
	});

	it('finds failed ancestors, and says a failed workflow queues nothing more', () => {
		const w = workflow('failed', [
			step('a', [], 'failed'),
			step('b', ['a'], null),
			step('c', ['b'], null)
		]);
		expect(failedAncestors(w.steps, 'c')).toEqual(['a']);
		expect(failedAncestors(w.steps, 'a')).toEqual([]);
		expect(explain(w, w.steps['c']!)).toMatch(/workflow failed/);
	});
});

describe('blocked steps', () => {
	it('calls a step blocked, not waiting, after a failed step or in a failed workflow', () => {
		const w = workflow('running', [
			step('fetch', [], 'failed'),
			step('resize', ['fetch'], null),
			step('publish', ['resize'], null),
			step('other', [], null)
		]);
		expect(stepState(w.steps['resize']!, w)).toBe('blocked');
		expect(stepState(w.steps['publish']!, w)).toBe('blocked');
		expect(stepState(w.steps['other']!, w)).toBe('waiting');
		expect(explain(w, w.steps['publish']!)).toBe('Blocked: fetch failed, so it will never run.');
		expect(countByState(Object.values(w.steps), w)).toEqual([
			{ state: 'failed', count: 1 },
			{ state: 'waiting', count: 1 },
			{ state: 'blocked', count: 2 }
		]);
		const failed = workflow('failed', [step('a', [], 'succeeded'), step('b', ['a'], null)]);
		expect(stepState(failed.steps['b']!, failed)).toBe('blocked');
	});
});
