import { describe, expect, it } from 'vitest';
import {
	DEFAULT_LIMIT,
	EMPTY_QUERY,
	parseJobQuery,
	toApiQuery,
	toSearch,
	toSearchParams,
	toggleSelected,
	withChanges,
	type JobListQuery
} from './query';

const ID_A = '0190f4b2-7c1e-7a3b-9d2e-111111111111';
const ID_B = '0190f4b2-7c1e-7a3b-9d2e-222222222222';

const parse = (search: string) => parseJobQuery(new URLSearchParams(search));

describe('job list URL', () => {
	it('reads an empty URL as the default list', () => {
		expect(parse('')).toEqual(EMPTY_QUERY);
		expect(toSearch(EMPTY_QUERY)).toBe('');
	});

	it('round-trips every field', () => {
		const query: JobListQuery = {
			state: 'failed',
			queue: 'emails & more',
			func: 'send_email',
			limit: 25,
			cursor: 'eyJvcmRlciI6ImNvbXBsZXRlZCJ9',
			selected: [ID_B, ID_A]
		};
		expect(parseJobQuery(toSearchParams(query))).toEqual(query);
	});

	it('writes parameters in a stable order and leaves defaults out', () => {
		const query = { ...EMPTY_QUERY, func: 'x', state: 'running' as const, limit: DEFAULT_LIMIT };
		expect(toSearch(query)).toBe('?state=running&func=x');
	});

	it('ignores malformed values', () => {
		expect(parse('state=exploded&limit=7&queue=%20%20&selected=nope,' + ID_A + ',' + ID_A)).toEqual(
			{
				...EMPTY_QUERY,
				selected: [ID_A]
			}
		);
	});

	it('goes back to the newest page when a filter changes', () => {
		const paged = { ...EMPTY_QUERY, state: 'failed' as const, cursor: 'abc' };
		expect(withChanges(paged, { queue: 'q' }).cursor).toBeNull();
		expect(withChanges(paged, { limit: 100 }).cursor).toBeNull();
		expect(withChanges(paged, { state: 'failed' }).cursor).toBe('abc');
		expect(withChanges(paged, { selected: [ID_A] }).cursor).toBe('abc');
		expect(withChanges(paged, { cursor: 'def' }).cursor).toBe('def');
	});

	it('asks the API for one page envelope of summary rows with only the set filters', () => {
		expect(toApiQuery(EMPTY_QUERY)).toEqual({
			pagination: 'true',
			view: 'summary',
			limit: DEFAULT_LIMIT
		});
		expect(toApiQuery({ ...EMPTY_QUERY, state: 'pending', queue: 'q', cursor: 'c' })).toEqual({
			pagination: 'true',
			view: 'summary',
			limit: DEFAULT_LIMIT,
			state: 'pending',
			queue: 'q',
			cursor: 'c'
		});
	});

	it('toggles a selection', () => {
		expect(toggleSelected([ID_A], ID_B)).toEqual([ID_A, ID_B]);
		expect(toggleSelected([ID_A, ID_B], ID_A)).toEqual([ID_B]);
	});
});
