/** Steps of a workflow: counts for the progress bar, and what each step is waiting for. */
import type { WorkflowDetail, WorkflowStep, WorkflowSummary } from './api';

/** A step's state for display: its job's state, `waiting` before it is queued, `blocked` when
 * it never will be (a dependency failed, or the workflow did), `missing` when its job was
 * deleted. */
export type StepState =
	'succeeded' | 'running' | 'retrying' | 'failed' | 'pending' | 'waiting' | 'blocked' | 'missing';

export const STEP_STATES: readonly StepState[] = [
	'succeeded',
	'running',
	'retrying',
	'failed',
	'pending',
	'waiting',
	'blocked',
	'missing'
];

export const STEP_LABELS: Record<StepState, string> = {
	succeeded: 'succeeded',
	running: 'running',
	retrying: 'retrying',
	failed: 'failed',
	pending: 'queued',
	waiting: 'waiting',
	blocked: 'blocked',
	missing: 'job missing'
};

/** With its `workflow`, a step not queued is told apart: `blocked` rather than `waiting`. */
export function stepState(
	step: Pick<WorkflowStep, 'state' | 'job_id' | 'step_id'>,
	workflow?: Pick<WorkflowDetail, 'state' | 'steps'>
): StepState {
	if (step.state === null) {
		if (step.job_id) return 'missing';
		if (
			workflow &&
			(workflow.state === 'failed' || failedAncestors(workflow.steps, step.step_id).length)
		)
			return 'blocked';
		return 'waiting';
	}
	return (STEP_STATES as readonly string[]).includes(step.state)
		? (step.state as StepState)
		: 'pending';
}

export interface Segment {
	state: StepState;
	count: number;
}

/** The list row's step counts as bar segments, in a fixed order, empty ones left out. */
export function segments(w: WorkflowSummary): Segment[] {
	const counts: [StepState, number][] = [
		['succeeded', w.succeeded_steps],
		['running', w.running_steps],
		['retrying', w.retrying_steps],
		['failed', w.failed_steps],
		['pending', w.pending_steps],
		['waiting', w.waiting_steps]
	];
	return counts.filter(([, n]) => n > 0).map(([state, count]) => ({ state, count }));
}

/** "3/4 succeeded · 1 waiting" */
export function progressText(w: WorkflowSummary): string {
	const parts = [`${w.succeeded_steps}/${w.total_steps} succeeded`];
	for (const s of segments(w)) {
		if (s.state !== 'succeeded') parts.push(`${s.count} ${STEP_LABELS[s.state]}`);
	}
	return parts.join(' · ');
}

/** How many steps are in each state, in display order, empty states left out. */
export function countByState(
	steps: readonly WorkflowStep[],
	workflow?: Pick<WorkflowDetail, 'state' | 'steps'>
): Segment[] {
	const counts = new Map<StepState, number>();
	for (const step of steps) {
		const state = stepState(step, workflow);
		counts.set(state, (counts.get(state) ?? 0) + 1);
	}
	return STEP_STATES.filter((s) => counts.has(s)).map((state) => ({
		state,
		count: counts.get(state)!
	}));
}

/** Dependencies (transitively) that failed: why a waiting step will never run. */
export function failedAncestors(steps: WorkflowDetail['steps'], stepId: string): string[] {
	const found = new Set<string>();
	const seen = new Set<string>();
	const visit = (id: string) => {
		for (const dep of steps[id]?.dependencies ?? []) {
			if (seen.has(dep)) continue;
			seen.add(dep);
			const s = steps[dep];
			if (s && stepState(s) === 'failed') found.add(dep);
			visit(dep);
		}
	};
	visit(stepId);
	return [...found].sort();
}

/** Dependencies that have not succeeded yet. */
export function unresolved(steps: WorkflowDetail['steps'], step: WorkflowStep): string[] {
	return step.dependencies.filter((d) => steps[d]?.state !== 'succeeded');
}

/** One sentence on where the step stands and what it waits for. */
export function explain(workflow: WorkflowDetail, step: WorkflowStep): string {
	const state = stepState(step, workflow);
	const open = unresolved(workflow.steps, step);
	switch (state) {
		case 'blocked': {
			const failed = failedAncestors(workflow.steps, step.step_id).join(', ');
			if (workflow.state === 'failed')
				return failed
					? `Blocked: ${failed} failed, and so the workflow failed; no more of its steps will be scheduled.`
					: 'Blocked: the workflow failed, so no more of its steps will be scheduled.';
			return `Blocked: ${failed} failed, so it will never run.`;
		}
		case 'waiting':
			if (workflow.state === 'failed')
				return 'Not queued: the workflow failed, so no more of its steps will be scheduled.';
			if (open.length) return `Not queued: waiting for ${open.join(', ')} to succeed.`;
			return 'Dependencies met: the workflow scheduler queues it on its next pass.';
		case 'missing':
			return 'Its job no longer exists (pruned or purged).';
		case 'pending':
			return 'Queued: waiting for a worker to pick it up.';
		case 'running':
			return 'Running on a worker.';
		case 'retrying':
			return 'Failed an attempt; it will be retried.';
		case 'failed':
			return workflow.state === 'failed'
				? 'Failed after its last attempt: this failed the workflow.'
				: 'Failed after its last attempt.';
		case 'succeeded':
			return 'Succeeded.';
	}
}

export const isFinished = (state: string | null | undefined) =>
	state === 'completed' || state === 'failed';
