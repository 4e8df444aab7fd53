/**
 * Time axes of the dashboard's charts (metrics, the step timeline, the crons' timeline): ticks
 * on round local times, stepping in local calendar units through d3-time.
 *
 * Only the chart pages load this module and d3-time (see the 'charts' chunk in vite.config.ts):
 * keep it free of imports from the rest of $lib, which would drag it into every page's chunk.
 */
import { timeDay, timeHour, timeMinute, timeMonth, timeSecond, type TimeInterval } from 'd3-time';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Tick steps, finest first: their nominal length (to pick one), and how they fall on the local
 * calendar. Sub-day steps sit on the local clock's grid (3-hourly ticks at 00:00, 03:00, ...);
 * days go from midnight to midnight, counted from the first one (`timeDay.every(n)` would
 * restart each month), so a day is 23 or 25 hours long across a daylight-saving change.
 */
const TIME_STEPS: [ms: number, interval: TimeInterval, nth: number][] = [
	[SECOND, timeSecond, 1],
	[5 * SECOND, timeSecond.every(5)!, 1],
	[15 * SECOND, timeSecond.every(15)!, 1],
	[30 * SECOND, timeSecond.every(30)!, 1],
	[MINUTE, timeMinute, 1],
	[5 * MINUTE, timeMinute.every(5)!, 1],
	[15 * MINUTE, timeMinute.every(15)!, 1],
	[30 * MINUTE, timeMinute.every(30)!, 1],
	[HOUR, timeHour, 1],
	[3 * HOUR, timeHour.every(3)!, 1],
	[6 * HOUR, timeHour.every(6)!, 1],
	[12 * HOUR, timeHour.every(12)!, 1],
	[DAY, timeDay, 1],
	[2 * DAY, timeDay, 2],
	[7 * DAY, timeDay, 7],
	[14 * DAY, timeDay, 14],
	[30 * DAY, timeMonth, 1]
];

export interface TimeTick {
	at: number;
	label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Local-time ticks between `start` and `end` (ms, both included), at most `max` of them (or
 * 100 for the longest step), on round local times. */
export function timeTicks(start: number, end: number, max = 6): TimeTick[] {
	if (!(end > start) || max < 1) return [];
	const [ms, interval, nth] =
		TIME_STEPS.find(([step]) => (end - start) / step <= max) ?? TIME_STEPS.at(-1)!;
	return interval
		.range(new Date(start), new Date(end + 1), nth)
		.slice(0, 100)
		.map((d) => ({
			at: d.getTime(),
			label:
				ms >= DAY
					? `${MONTHS[d.getMonth()]} ${d.getDate()}`
					: ms < MINUTE
						? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
						: `${pad(d.getHours())}:${pad(d.getMinutes())}`
		}));
}
