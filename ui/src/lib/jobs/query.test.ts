import { describe, expect, it } from 'vitest';
import {
	DEFAULT_LIMIT,
	EMPTY_QUERY,
	parseJobQuery,
	stateOf,
	toApiQuery,
	toSearch,
	toSearchParams,
	toggleSelected,
	withChanges,
	withState,
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
			q: 'state:failed queue:"emails & more" kwargs.to:~@example.invalid',
			limit: 25,
			cursor: 'eyJvcmRlciI6ImNvbXBsZXRlZCJ9',
			all: true
		};
		expect(parseJobQuery(toSearchParams(query))).toEqual(query);
	});

	it('writes parameters in a stable order and leaves defaults out', () => {
		const query = { ...EMPTY_QUERY, cursor: 'c', q: 'x', limit: DEFAULT_LIMIT };
		expect(toSearch(query)).toBe('?q=x&cursor=c');
	});

	it('reads the older parameters as the same search', () => {
		expect(parse('state=failed&queue=emails&func=report').q).toBe(
			'state:failed queue:emails func:~report'
		);
		// q wins when both are there; a state that is no state is left out, as before.
		expect(parse('q=queue:a&state=failed').q).toBe('queue:a');
		expect(parse('state=exploded&queue=%20%20').q).toBe('');
	});

	it('ignores malformed values, and selections (which are never in the URL)', () => {
		expect(parse(`limit=7&q=%20%20&selected=${ID_A}`)).toEqual(EMPTY_QUERY);
	});

	it('goes back to the newest page when the search or page size changes', () => {
		const paged = { ...EMPTY_QUERY, q: 'state:failed', cursor: 'abc' };
		expect(withChanges(paged, { q: 'queue:q' }).cursor).toBeNull();
		expect(withChanges(paged, { limit: 100 }).cursor).toBeNull();
		expect(withChanges(paged, { q: ' state:failed ' }).cursor).toBe('abc');
		expect(withChanges(paged, { cursor: 'def' }).cursor).toBe('def');
	});

	it('searches every job on request, until the search changes', () => {
		const all = { ...EMPTY_QUERY, q: 'error:"boom"', all: true };
		expect(toSearch(all)).toBe('?q=error%3A%22boom%22&search=all');
		expect(toApiQuery(all).search).toBe('all');
		expect(withChanges(all, { cursor: 'c' }).all).toBe(true);
		expect(withChanges(all, { q: 'error:"bang"' }).all).toBe(false);
	});

	it('marks the state tab the search names, and rewrites it', () => {
		expect(stateOf('queue:a state:failed')).toBe('failed');
		expect(stateOf('state:failed,retrying')).toBeNull();
		expect(stateOf('state:exploded')).toBeNull();
		expect(withState('queue:a state:failed', 'running')).toBe('queue:a state:running');
		expect(withState('queue:a state:failed', null)).toBe('queue:a');
	});

	it('asks the API for one page envelope of summary rows', () => {
		expect(toApiQuery(EMPTY_QUERY)).toEqual({
			pagination: 'true',
			view: 'summary',
			limit: DEFAULT_LIMIT
		});
	});

	it('sends what the older parameters can say as those, and anything else as q', () => {
		expect(
			toApiQuery({ ...EMPTY_QUERY, q: 'state:pending queue:q func:~rep', cursor: 'c' })
		).toEqual({
			pagination: 'true',
			view: 'summary',
			limit: DEFAULT_LIMIT,
			state: 'pending',
			queue: 'q',
			func: 'rep',
			cursor: 'c'
		});
		expect(toApiQuery({ ...EMPTY_QUERY, q: 'state:pending kwargs.n:1' })).toEqual({
			pagination: 'true',
			view: 'summary',
			limit: DEFAULT_LIMIT,
			q: 'state:pending kwargs.n:1'
		});
		expect(toApiQuery({ ...EMPTY_QUERY, q: 'state:exploded' }).q).toBe('state:exploded');
	});

	it('toggles a selection', () => {
		expect(toggleSelected([ID_A], ID_B)).toEqual([ID_A, ID_B]);
		expect(toggleSelected([ID_A, ID_B], ID_A)).toEqual([ID_B]);
	});
});
