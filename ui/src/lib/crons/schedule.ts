/** What a schedule's list row and page show, derived from the API's `CronSchedule`. */
import { resolve } from '$app/paths';
import { toMs } from '$lib/format';
import type { CronJob, CronSchedule } from './api';

export const cronHref = (key: string) => resolve('/crons/[key]', { key: encodeURIComponent(key) });

const FINISHED = new Set(['succeeded', 'failed']);

export interface Outcome {
	/** The newest job that finished: its state is the schedule's last outcome. */
	finished: CronJob | null;
	/** A job still pending, running or retrying (Chancy keeps at most one per unique_key). */
	active: CronJob | null;
}

/** The last outcome and the job in flight, from the recent jobs (newest first). */
export function outcome(jobs: readonly CronJob[]): Outcome {
	return {
		finished: jobs.find((j) => FINISHED.has(j.state)) ?? null,
		active: jobs.find((j) => !FINISHED.has(j.state)) ?? null
	};
}

/** How late a schedule may be before we say so: the Cron plugin polls every 60 s by default. */
export const LATE_AFTER_MS = 3 * 60_000;

/**
 * Whether the stored next run is well in the past: no worker has run the Cron plugin since,
 * so the schedule is not firing.
 */
export function isLate(schedule: Pick<CronSchedule, 'next_run'>, now: number): boolean {
	const next = toMs(schedule.next_run);
	return next !== null && now - next > LATE_AFTER_MS;
}

/** The wall-clock time of `value` in `timeZone`: "Mon 09:00"; null for an unknown zone. */
export function zonedTime(value: string, timeZone: string): string | null {
	const ms = toMs(value);
	if (ms === null) return null;
	try {
		const parts = new Intl.DateTimeFormat('en-GB', {
			timeZone,
			weekday: 'short',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		}).formatToParts(ms);
		const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
		return `${get('weekday')} ${get('hour')}:${get('minute')}`;
	} catch {
		return null;
	}
}

/** Whether the browser's own zone differs from the schedule's (then both times are shown). */
export function sameZone(timeZone: string, at: number): boolean {
	try {
		const offset = (zone: string | undefined) =>
			new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
				.formatToParts(at)
				.find((p) => p.type === 'timeZoneName')?.value;
		return offset(timeZone) === offset(undefined);
	} catch {
		return false;
	}
}
