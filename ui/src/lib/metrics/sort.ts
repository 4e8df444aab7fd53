/** Sorting the metrics tables' rows: by name, outcomes, failure rate or execution times. */
import type { SubjectSummary } from './keys';
import { weightedQuantile } from './quantiles';

export type SortKey = 'subject' | 'succeeded' | 'failed' | 'rate' | 'p50' | 'p95' | 'max';
export type Direction = 'ascending' | 'descending';

export interface Row extends SubjectSummary {
	p50: number | null;
	p95: number | null;
}

export function withPercentiles(rows: readonly SubjectSummary[]): Row[] {
	return rows.map((r) => ({
		...r,
		p50: weightedQuantile(r.durations, 0.5),
		p95: weightedQuantile(r.durations, 0.95)
	}));
}

function valueOf(row: Row, key: SortKey): number | string | null {
	switch (key) {
		case 'subject':
			return row.subject;
		case 'succeeded':
			return row.outcomes.succeeded;
		case 'failed':
			return row.outcomes.failed;
		case 'rate':
			return row.failureRate;
		case 'p50':
			return row.p50;
		case 'p95':
			return row.p95;
		case 'max':
			return row.duration?.max ?? null;
	}
}

/** Rows sorted by `key`; rows without a value go last either way, ties by name. */
export function sortRows(rows: readonly Row[], key: SortKey, direction: Direction): Row[] {
	const sign = direction === 'ascending' ? 1 : -1;
	return [...rows].sort((a, b) => {
		const x = valueOf(a, key);
		const y = valueOf(b, key);
		if (x === null || y === null) {
			if (x !== y) return x === null ? 1 : -1;
		} else if (x !== y) return (x < y ? -1 : 1) * sign;
		return a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0;
	});
}

/** A click on a column: the same one flips its order; a new one starts with the biggest
 * numbers (the slowest, the most failed) or, for names, A to Z. */
export function nextSort(
	current: { key: SortKey; direction: Direction },
	key: SortKey
): { key: SortKey; direction: Direction } {
	if (current.key === key)
		return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
	return { key, direction: key === 'subject' ? 'ascending' : 'descending' };
}
