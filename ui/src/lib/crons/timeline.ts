/** The crons page's timeline: past runs (the schedule's latest jobs) and the next ones. */
import { toMs } from '$lib/format';
import type { CronSchedule } from './api';

export const TIMELINE_WINDOWS = [
	{ key: '12h', label: '12 hours', before: 3 * 3600_000, after: 9 * 3600_000 },
	{ key: '2d', label: '2 days', before: 6 * 3600_000, after: 42 * 3600_000 },
	{ key: '7d', label: '7 days', before: 24 * 3600_000, after: 6 * 24 * 3600_000 }
] as const;
export type TimelineWindow = (typeof TIMELINE_WINDOWS)[number];

export interface TimelineRow {
	key: string;
	/** Jobs already pushed, by creation time, with their state. */
	past: { at: number; state: string; id: string }[];
	/** Upcoming run times inside the window. */
	next: number[];
	/** Only the first runs are computed: the schedule goes on after the last one shown. */
	truncated: boolean;
	/** The next run when it falls after the window (none inside it): said at the edge, so a
	 * weekly schedule's row is not blank. */
	later: number | null;
}

/** Each schedule's marks inside [from, to]. `computed` is how many run times the server sent. */
export function timelineRows(
	crons: readonly CronSchedule[],
	from: number,
	to: number,
	computed: number
): TimelineRow[] {
	return crons.map((c) => {
		const runs = c.next_runs.map((t) => toMs(t)).filter((t): t is number => t !== null);
		const last = runs[runs.length - 1];
		const next = runs.filter((t) => t >= from && t <= to);
		return {
			key: c.unique_key,
			past: c.recent_jobs
				.map((j) => ({ at: toMs(j.created_at) ?? 0, state: j.state, id: j.id }))
				.filter((j) => j.at >= from && j.at <= to),
			next,
			truncated: runs.length >= computed && last !== undefined && last < to,
			later: next.length ? null : (runs.find((t) => t > to) ?? null)
		};
	});
}
