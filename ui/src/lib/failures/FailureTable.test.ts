import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { failureGroup } from '$lib/testing/fixtures';
import FailureTable from './FailureTable.svelte';

describe('FailureTable', () => {
	it('renders a group with its link, template, counts, sparkline and functions', () => {
		render(FailureTable, { groups: [failureGroup()], caption: 'Open failures' });
		const [, row] = screen.getAllByRole('row');
		const cells = within(row!);
		expect(cells.getByRole('link', { name: 'LookupError' }).getAttribute('href')).toBe(
			'/failures/9f86d081884c7d65'
		);
		expect(cells.getByText('order <n> is missing from warehouse <str>')).toBeTruthy();
		expect(cells.getByText('1,204')).toBeTruthy();
		expect(cells.getByText('240')).toBeTruthy();
		expect(cells.getByText('ship')).toBeTruthy();
		expect(cells.getByText('refund')).toBeTruthy();
		expect(
			cells.getByRole('img', { name: '30 failures in the last 24 hours, at most 12 in an hour' })
		).toBeTruthy();
		expect(cells.queryByText('new')).toBeNull();
	});

	it('marks new and regressed groups, and leaves columns out when compact', () => {
		render(FailureTable, {
			groups: [
				failureGroup({ new: true, regressed: true, functions: ['a.b', 'c.d', 'e.f', 'g.h'] })
			],
			caption: 'Top failures',
			compact: true
		});
		expect(screen.getByText('new').getAttribute('title')).toMatch(/24 hours/);
		expect(screen.getByText('regressed')).toBeTruthy();
		expect(screen.queryByText('Functions')).toBeNull();
		expect(screen.queryByText('First seen')).toBeNull();
	});

	it('says how many functions it leaves out', () => {
		render(FailureTable, {
			groups: [failureGroup({ functions: ['a.b', 'c.d', 'e.f', 'g.h', 'i.j'] })],
			caption: 'Open failures'
		});
		expect(screen.getByText('+2 more')).toBeTruthy();
	});
});
