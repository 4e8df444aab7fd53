import { describe, expect, it } from 'vitest';
import {
	parseWorkflowQuery,
	toApiQuery,
	withChanges,
	workflowHref,
	workflowSearch,
	workflowsHref
} from './query';

const parse = (search: string) => parseWorkflowQuery(new URLSearchParams(search));

describe('workflow list URL state', () => {
	it('reads state, name and cursor, ignoring what is malformed', () => {
		expect(parse('state=running&name=%20etl%20&cursor=abc')).toEqual({
			state: 'running',
			name: 'etl',
			cursor: 'abc'
		});
		expect(parse('state=bogus&name=')).toEqual({ state: null, name: null, cursor: null });
	});

	it('round-trips through the URL', () => {
		const q = parse('state=failed&name=etl&cursor=xyz');
		expect(workflowSearch(q)).toBe('?state=failed&name=etl&cursor=xyz');
		expect(parse(workflowSearch(q).slice(1))).toEqual(q);
		expect(workflowSearch(parse(''))).toBe('');
	});

	it('starts again from the newest page when a filter changes', () => {
		const q = parse('state=failed&cursor=xyz');
		expect(withChanges(q, { name: 'etl' }).cursor).toBeNull();
		expect(withChanges(q, { cursor: 'next' })).toEqual({
			state: 'failed',
			name: null,
			cursor: 'next'
		});
	});

	it('asks the API for one page with the filters', () => {
		expect(toApiQuery(parse('state=running&name=etl'))).toEqual({
			state: 'running',
			name: 'etl',
			cursor: undefined,
			limit: 50
		});
	});

	it('links to the list and to a workflow’s step', () => {
		expect(workflowsHref({ name: 'etl' })).toBe('/workflows?name=etl');
		expect(workflowHref('0190-ab', 'load data')).toBe('/workflows/0190-ab?step=load%20data');
		expect(workflowHref('0190-ab')).toBe('/workflows/0190-ab');
	});
});
