import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { jobDetail } from '$lib/testing/fixtures';
import JsonView from './JsonView.svelte';

describe('JsonView', () => {
	it('renders keys and values as a tree with a copy button', () => {
		const { container } = render(JsonView, { title: 'Arguments', value: jobDetail().kwargs });
		expect(container.textContent).toContain('"to"');
		expect(container.textContent).toContain('"ada@example.com"');
		expect(container.querySelector('details summary')?.textContent).toContain('[2]');
		expect(screen.getByRole('button', { name: 'Copy JSON' })).toBeTruthy();
	});

	it('says when there is nothing', () => {
		render(JsonView, { title: 'Arguments', value: {} });
		expect(screen.getByText('No arguments')).toBeTruthy();
		expect(screen.queryByRole('button', { name: 'Copy JSON' })).toBeNull();
	});
});
