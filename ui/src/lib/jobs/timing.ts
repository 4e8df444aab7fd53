/** Which moment a job's row shows, and how long it waited and ran. */
import type { JobSummary } from '$lib/api/types';
import { toMs } from '$lib/format';

export interface RowTime {
	label: 'scheduled' | 'started' | 'completed' | 'retry at';
	at: string;
}

export function rowTime(job: JobSummary): RowTime {
	switch (job.state) {
		case 'running':
			return { label: 'started', at: job.started_at ?? job.scheduled_at };
		case 'succeeded':
		case 'failed':
			return { label: 'completed', at: job.completed_at ?? job.created_at };
		case 'retrying':
			return { label: 'retry at', at: job.scheduled_at };
		default:
			return { label: 'scheduled', at: job.scheduled_at };
	}
}

/**
 * Time spent waiting to start (from when it was due, or created if later) and running, in ms;
 * null where it does not apply yet. A running or waiting span is measured up to `now`.
 */
export function spans(
	job: Pick<JobSummary, 'state' | 'created_at' | 'scheduled_at' | 'started_at' | 'completed_at'>,
	now: number
): { wait: number | null; run: number | null } {
	const created = toMs(job.created_at) ?? now;
	const due = Math.max(created, toMs(job.scheduled_at) ?? created);
	const started = toMs(job.started_at);
	const completed = toMs(job.completed_at);
	const waiting = job.state === 'pending' || job.state === 'retrying';
	let wait: number | null = null;
	if (started !== null) wait = Math.max(0, started - due);
	else if (waiting && now > due) wait = now - due;
	let run: number | null = null;
	if (started !== null) {
		if (completed !== null) run = Math.max(0, completed - started);
		else if (job.state === 'running') run = Math.max(0, now - started);
	}
	return { wait, run };
}
