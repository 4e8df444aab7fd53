/** Formatting of times, durations and counts. Pure functions: `now` is always passed in. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function toMs(value: string | number | Date | null | undefined): number | null {
	if (value === null || value === undefined) return null;
	const ms = typeof value === 'number' ? value : new Date(value).getTime();
	return Number.isNaN(ms) ? null : ms;
}

/** "850 ms", "12.3 s", "4m 05s", "2h 03m", "3d 4h". */
export function duration(ms: number): string {
	const abs = Math.abs(ms);
	const sign = ms < 0 ? '-' : '';
	if (abs < SECOND) return `${sign}${Math.round(abs)} ms`;
	if (abs < 10 * SECOND) return `${sign}${(Math.floor(abs / 100) / 10).toFixed(1)} s`;
	if (abs < MINUTE) return `${sign}${Math.floor(abs / SECOND)} s`;
	const pad = (n: number) => String(n).padStart(2, '0');
	if (abs < HOUR) {
		return `${sign}${Math.floor(abs / MINUTE)}m ${pad(Math.floor((abs % MINUTE) / SECOND))}s`;
	}
	if (abs < DAY)
		return `${sign}${Math.floor(abs / HOUR)}h ${pad(Math.floor((abs % HOUR) / MINUTE))}m`;
	return `${sign}${Math.floor(abs / DAY)}d ${Math.floor((abs % DAY) / HOUR)}h`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago", or "in 5 min" for the future. */
export function relativeTime(value: string | number | Date, now: number): string {
	const at = toMs(value);
	if (at === null) return '—';
	const diff = now - at;
	const abs = Math.abs(diff);
	if (abs < 5 * SECOND) return 'just now';
	let text: string;
	if (abs < MINUTE) text = `${Math.floor(abs / SECOND)} s`;
	else if (abs < HOUR) text = `${Math.floor(abs / MINUTE)} min`;
	else if (abs < DAY) text = `${Math.floor(abs / HOUR)} h`;
	else if (abs < 60 * DAY) text = `${Math.floor(abs / DAY)} d`;
	else text = `${Math.floor(abs / (30 * DAY))} mo`;
	return diff >= 0 ? `${text} ago` : `in ${text}`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Short local time: "14:03:21" today, "Nov 27 14:03" this year, else "2024-11-27 14:03". */
export function shortTime(value: string | number | Date, now: number): string {
	const ms = toMs(value);
	if (ms === null) return '—';
	const d = new Date(ms);
	const n = new Date(now);
	const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
	if (d.toDateString() === n.toDateString()) return `${hm}:${pad2(d.getSeconds())}`;
	if (d.getFullYear() === n.getFullYear()) return `${MONTHS[d.getMonth()]} ${d.getDate()} ${hm}`;
	return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${hm}`;
}

/** Full local time with milliseconds and the offset: "2025-11-27 14:03:21.123 UTC+01:00". */
export function fullTime(value: string | number | Date): string {
	const ms = toMs(value);
	if (ms === null) return '—';
	const d = new Date(ms);
	const offset = -d.getTimezoneOffset();
	const sign = offset >= 0 ? '+' : '-';
	const off = `UTC${sign}${pad2(Math.floor(Math.abs(offset) / 60))}:${pad2(Math.abs(offset) % 60)}`;
	return (
		`${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
		`${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.` +
		`${String(d.getMilliseconds()).padStart(3, '0')} ${off}`
	);
}

/** 1234 → "1,234"; above 100k compact ("1.2M"). Estimates get a "≈" in front. */
export function count(n: number | null | undefined, exact = true): string {
	if (n === null || n === undefined) return '—';
	let text: string;
	// Not toLocaleString: its first call loads the locale data, 10-20 ms on a cold page load.
	if (n < 100_000) text = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
	else if (n < 1_000_000) text = `${Math.round(n / 1000)}k`;
	else if (n < 1_000_000_000) text = `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)}M`;
	else text = `${(n / 1_000_000_000).toFixed(1)}B`;
	return exact || n === 0 ? text : `≈${text}`;
}

/** The last 8 hex digits of a UUID: Chancy's ids are time-ordered (UUIDv7), so jobs made
 * close together share their first digits but not their random tail. */
export function shortId(id: string): string {
	return id.slice(-8);
}

/** "app.tasks.send_email" → ["app.tasks.", "send_email"], to show the module muted. */
export function splitFunc(func: string): [string, string] {
	const cut = Math.max(func.lastIndexOf('.'), func.lastIndexOf(':'));
	return cut < 0 ? ['', func] : [func.slice(0, cut + 1), func.slice(cut + 1)];
}

export function bytes(n: number): string {
	const units = ['B', 'KB', 'MB', 'GB', 'TB'];
	let value = n;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
