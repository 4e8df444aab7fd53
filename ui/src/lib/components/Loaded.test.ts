import { fireEvent, render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '$lib/api/client';
import type { Resource } from '$lib/resource.svelte';
import Loaded from './Loaded.svelte';

type Rows = string[];

/** What Loaded reads of a Resource, fixed for one render. */
function resource(data: Rows | undefined, error?: ApiError) {
	const refresh = vi.fn(async () => undefined);
	const fake = { data, error, loading: false, updatedAt: null, refresh };
	return fake as unknown as Resource<Rows> & { refresh: typeof refresh };
}

const text = (name: string, words: string) =>
	createRawSnippet(() => ({ render: () => `<p data-snippet="${name}">${words}</p>` }));
const rows = createRawSnippet((data: () => Rows) => ({
	render: () =>
		`<ul>${data()
			.map((r) => `<li>${r}</li>`)
			.join('')}</ul>`
}));

describe('Loaded', () => {
	it('says it is loading until there is data', () => {
		render(Loaded<Rows>, { resource: resource(undefined), noun: 'workers', children: rows });
		expect(screen.getByText('Loading workers…').getAttribute('aria-busy')).toBe('true');
	});

	it('shows the data, or the empty state for an empty list', () => {
		const empty = text('empty', 'No workers');
		render(Loaded<Rows>, {
			resource: resource(['a', 'b']),
			noun: 'workers',
			empty,
			children: rows
		});
		expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['a', 'b']);
		expect(screen.queryByText('No workers')).toBeNull();
		render(Loaded<Rows>, { resource: resource([]), noun: 'workers', empty, children: rows });
		expect(screen.getByText('No workers')).toBeTruthy();
	});

	it('asks the page whether its data is empty when it is not a list', () => {
		render(Loaded<Rows>, {
			resource: resource(['only']),
			noun: 'x',
			empty: text('empty', 'Nothing here'),
			isEmpty: (data) => data[0] === 'only',
			children: rows
		});
		expect(screen.getByText('Nothing here')).toBeTruthy();
	});

	it('shows a failed load as an error with a retry', async () => {
		const failed = resource(undefined, new ApiError(503, 'Database unavailable'));
		render(Loaded<Rows>, { resource: failed, noun: 'workers', children: rows });
		expect(screen.getByRole('alert').textContent).toContain('Could not load workers');
		await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
		expect(failed.refresh).toHaveBeenCalledOnce();
	});

	it("shows the page's own message for a missing thing and a refusal", () => {
		const notFound = text('missing', 'No such worker');
		const forbidden = text('forbidden', 'For admins');
		const props = { noun: 'the worker', notFound, forbidden, children: rows };
		render(Loaded<Rows>, { ...props, resource: resource(undefined, new ApiError(404, 'x')) });
		render(Loaded<Rows>, { ...props, resource: resource(undefined, new ApiError(403, 'x')) });
		expect(screen.getByText('No such worker')).toBeTruthy();
		expect(screen.getByText('For admins')).toBeTruthy();
		expect(screen.queryByRole('alert')).toBeNull();
	});

	it('keeps the data on screen when a refresh fails', () => {
		render(Loaded<Rows>, {
			resource: resource(['a'], new ApiError(503, 'Database unavailable')),
			noun: 'workers',
			children: rows
		});
		expect(screen.getByRole('listitem').textContent).toBe('a');
		expect(screen.queryByRole('alert')).toBeNull();
	});
});
