import { describe, expect, it } from 'vitest';
import {
	EMPTY_FAILURE_QUERY,
	failureSearch,
	groupJobsQuery,
	parseFailureQuery,
	toApiQuery,
	withChanges
} from './query';

const parse = (search: string) => parseFailureQuery(new URLSearchParams(search));

describe('failure inbox URL state', () => {
	it('reads the tab, the search and the cursor, ignoring what is malformed', () => {
		expect(parse('status=ignored&q=%20timeout%20&cursor=abc')).toEqual({
			status: 'ignored',
			q: 'timeout',
			cursor: 'abc'
		});
		expect(parse('status=bogus&q=')).toEqual(EMPTY_FAILURE_QUERY);
		expect(parse('')).toEqual(EMPTY_FAILURE_QUERY);
	});

	it('round-trips through the URL, leaving the open tab out', () => {
		const q = parse('status=resolved&q=ValueError&cursor=xyz');
		expect(failureSearch(q)).toBe('?status=resolved&q=ValueError&cursor=xyz');
		expect(parse(failureSearch(q).slice(1))).toEqual(q);
		expect(failureSearch(parse('status=open'))).toBe('');
	});

	it('starts again from the first page when the tab or the search changes', () => {
		const q = parse('status=resolved&q=x&cursor=c1');
		expect(withChanges(q, { status: 'open' })).toEqual({ status: 'open', q: 'x', cursor: null });
		expect(withChanges(q, { q: 'y' }).cursor).toBeNull();
		expect(withChanges(q, { cursor: 'c2' })).toEqual({ ...q, cursor: 'c2' });
	});

	it('asks the API for the tab explicitly, and for the search and cursor when set', () => {
		expect(toApiQuery(EMPTY_FAILURE_QUERY)).toEqual({ status: 'open', limit: 25 });
		expect(toApiQuery(parse('status=ignored&q=db&cursor=c'), 6)).toEqual({
			status: 'ignored',
			limit: 6,
			q: 'db',
			cursor: 'c'
		});
	});

	it("selects a group's jobs with the query language", () => {
		expect(groupJobsQuery('ab12')).toBe('failure:ab12');
		expect(groupJobsQuery('ab12', 'failed')).toBe('failure:ab12 state:failed');
	});
});
