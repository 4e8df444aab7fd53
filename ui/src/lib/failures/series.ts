/**
 * Numbers of a failure group as the inbox draws them: the 24-hour sparkline (one bar per hour,
 * oldest first, as the API sends it), the 14-day hourly chart, and the marks beside its name.
 * Pure functions: `now` is always passed in.
 */
import { count } from '$lib/format';
import type { Point } from '$lib/metrics/keys';

const HOUR = 3_600_000;

export interface Bar {
	x: number;
	y: number;
	width: number;
	height: number;
	/** The bar's hour, counted back from the newest (0: the current hour). */
	ago: number;
	count: number;
}

/**
 * Bars of a sparkline `width` × `height` px, scaled to its own peak. Empty hours get no bar,
 * and any failure at all gets at least 1 px, so one failure beside a thousand still shows.
 */
export function sparkBars(counts: readonly number[], width: number, height: number): Bar[] {
	const peak = Math.max(0, ...counts);
	if (peak === 0 || counts.length === 0) return [];
	const slot = width / counts.length;
	const gap = slot > 3 ? 1 : 0;
	return counts.flatMap((count, i) => {
		if (!(count > 0)) return [];
		const h = Math.max(1, Math.round((count / peak) * height));
		return [
			{
				x: Math.round(i * slot * 10) / 10,
				y: height - h,
				width: Math.max(1, Math.round((slot - gap) * 10) / 10),
				height: h,
				ago: counts.length - 1 - i,
				count
			}
		];
	});
}

const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** What a sparkline shows, in words (its accessible name). */
export function sparkText(counts: readonly number[]): string {
	const total = counts.reduce((a, b) => a + Math.max(0, b), 0);
	if (total === 0) return `No failures in the last ${counts.length} hours`;
	const peak = Math.max(...counts);
	return `${plural(total, 'failure')} in the last ${counts.length} hours, at most ${peak} in an hour`;
}

/** The hourly counts as chart points (hours with no failure are not sent, and not drawn). */
export function hourPoints(hours: readonly { hour: string; count: number }[]): Point[] {
	return hours
		.map((h) => ({ t: Date.parse(h.hour), v: h.count }))
		.filter((p) => Number.isFinite(p.t))
		.sort((a, b) => a.t - b.t);
}

/** The chart's window: `days` days of whole hours, up to the end of the current hour. */
export function hourWindow(now: number, days = 14) {
	const end = Math.floor(now / HOUR) * HOUR + HOUR;
	return { start: end - days * 24 * HOUR, end, step: HOUR };
}

export interface Mark {
	kind: 'new' | 'regressed';
	label: string;
	title: string;
}

/** The marks beside a group's name: new (first seen in the last day), regressed (it came back
 * after it was resolved). */
export function marks(group: { new: boolean; regressed: boolean }): Mark[] {
	const out: Mark[] = [];
	if (group.new) out.push({ kind: 'new', label: 'new', title: 'First seen in the last 24 hours' });
	if (group.regressed)
		out.push({
			kind: 'regressed',
			label: 'regressed',
			title: 'Failed again after it was resolved, so it was reopened'
		});
	return out;
}

export interface FoldState {
	started: boolean;
	backfill_done: number;
	backfill_total: number | null;
	backfill_finished: boolean;
}

/** What the inbox says while the server is still counting past failures, or null once the
 * counts are complete. */
export function foldNotice(fold: FoldState): string | null {
	if (!fold.started) return 'Failures are not counted yet: the first fold has not run.';
	if (fold.backfill_finished) return null;
	const total = fold.backfill_total;
	const done = count(fold.backfill_done);
	return total
		? `Counting past failures: ${done} of ${count(total)} failed jobs so far (${Math.min(99, Math.floor((fold.backfill_done / total) * 100))}%). Older counts are still rising.`
		: `Counting past failures: ${done} failed jobs so far. Older counts are still rising.`;
}
