/**
 * The Metrics page's "Slowest jobs" panel: what it asks the server for (the page's range and
 * worker, and the queue or function it is scoped to), and the jobs-list search for every job
 * at least as slow as those it lists.
 */
import { quoteValue } from '$lib/search/edit';
import type { SlowestFilter, SlowJob } from './api';
import { rangeSeconds, type MetricsQuery } from './query';

export const SLOWEST_LIMIT = 10;

/**
 * The panel's request. `queue` and `func` are the names the page has picked (its queue and
 * function sections'); a scope without one (nothing recorded yet) asks for every job.
 */
export function slowestFilter(
	query: MetricsQuery,
	queue: string | null,
	func: string | null
): SlowestFilter {
	return {
		range: rangeSeconds(query.range),
		queue: query.slow === 'queue' ? queue : null,
		func: query.slow === 'func' ? func : null,
		workerId: query.worker,
		limit: SLOWEST_LIMIT
	};
}

/**
 * A run time as `duration:` takes it: whole milliseconds, rounded down, so that the job it
 * was read from matches `duration:>=` it.
 */
export function durationValue(seconds: number): string {
	return `${Math.floor(seconds * 1000)}ms`;
}

/**
 * The search for the jobs of the panel's filter that finished in its range and ran at least as
 * long as the last (the fastest) of `jobs`, which are listed slowest first; null without jobs.
 */
export function slowJobsQuery(
	filter: SlowestFilter,
	range: MetricsQuery['range'],
	jobs: SlowJob[]
): string | null {
	const last = jobs.at(-1);
	if (!last) return null;
	const terms = [
		'state:succeeded,failed',
		`completed:>-${range}`,
		`duration:>=${durationValue(last.duration)}`
	];
	if (filter.func) terms.push(`func:${quoteValue(filter.func)}`);
	if (filter.queue) terms.push(`queue:${quoteValue(filter.queue)}`);
	if (filter.workerId) terms.push(`worker:${quoteValue(filter.workerId)}`);
	return terms.join(' ');
}
