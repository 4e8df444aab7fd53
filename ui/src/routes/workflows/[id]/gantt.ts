/** The step timeline: one bar per queued step, from its job's timings. */
import { toMs } from '$lib/format';
import type { WorkflowStep } from '$lib/workflows/api';
import { stepState, type StepState } from '$lib/workflows/steps';

export interface GanttRow {
	id: string;
	state: StepState;
	/** When the step's job was created (queued). */
	queued: number;
	/** When it started running; null while it waits. */
	start: number | null;
	/** When it finished, or `now` while it runs or waits. */
	end: number;
	running: boolean;
}

export interface Gantt {
	rows: GanttRow[];
	/** The time window the bars span. */
	from: number;
	to: number;
	/** Steps not queued yet, listed but not drawn. */
	waiting: string[];
}

/** Rows in the order steps were queued (ties by level, then id); `now` ends unfinished bars. */
export function gantt(steps: readonly WorkflowStep[], now: number): Gantt {
	const rows: (GanttRow & { level: number })[] = [];
	const waiting: string[] = [];
	for (const step of steps) {
		const run = step.run;
		const queued = toMs(run?.created_at);
		if (!run || queued === null) {
			waiting.push(step.step_id);
			continue;
		}
		const start = toMs(run.started_at);
		const done = toMs(run.completed_at);
		rows.push({
			id: step.step_id,
			state: stepState(step),
			queued,
			start,
			end: done ?? Math.max(now, start ?? queued),
			running: done === null,
			level: step.level
		});
	}
	rows.sort(
		(a, b) => a.queued - b.queued || a.level - b.level || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
	const from = rows.length ? Math.min(...rows.map((r) => r.queued)) : now;
	const to = rows.length ? Math.max(...rows.map((r) => r.end)) : now;
	return {
		rows: rows.map(({ level: _level, ...row }) => row),
		from,
		// A window of at least a second, so instant steps still get a visible bar.
		to: Math.max(to, from + 1000),
		waiting: waiting.sort()
	};
}
