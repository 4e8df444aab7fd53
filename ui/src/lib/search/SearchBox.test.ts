import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import SearchBox from './SearchBox.svelte';

const box = () => screen.getByRole('combobox', { name: 'Search jobs' }) as HTMLInputElement;

// jsdom has no matchMedia: a desktop pointer.
vi.stubGlobal('matchMedia', (query: string) => ({ matches: true, media: query }));

describe('the search box', () => {
	it('colours the tokens of the search behind the text', () => {
		const { container } = render(SearchBox, {
			value: 'state:failed -queue:"a b"',
			onSearch: () => {}
		});
		expect(box().value).toBe('state:failed -queue:"a b"');
		const layer = container.querySelector('.backdrop')!;
		expect(layer.textContent).toBe('state:failed -queue:"a b"');
		expect(layer.querySelector('.t-field')!.textContent).toBe('state');
		expect(layer.querySelector('.t-neg')!.textContent).toBe('-');
		expect([...layer.querySelectorAll('.t-value')].map((e) => e.textContent)).toEqual([
			'failed',
			'"a b"'
		]);
	});

	it("underlines the token the server's error points at, and says what it expected", () => {
		const { container } = render(SearchBox, {
			value: 'state:failed priority:>high',
			onSearch: () => {},
			error: { message: 'Not a number', position: 23, expected: ['a number'] }
		});
		expect(container.querySelector('.bad')!.textContent).toBe('high');
		expect(box().getAttribute('aria-invalid')).toBe('true');
		expect(screen.getByRole('alert').textContent).toContain('Not a number');
		expect(screen.getByRole('alert').textContent).toContain('expected a number');
	});

	it('marks the end of the search when the error is there', () => {
		const { container } = render(SearchBox, {
			value: '(queue:a',
			onSearch: () => {},
			error: { message: 'A closing parenthesis is missing', position: 8 }
		});
		expect(container.querySelector('.bad.end')).not.toBeNull();
	});

	it('searches on Enter, and Escape leaves the box', async () => {
		const onSearch = vi.fn();
		render(SearchBox, { value: '', onSearch });
		box().focus();
		await fireEvent.input(box(), { target: { value: ' kwargs.n:1 ' } });
		await fireEvent.keyDown(box(), { key: 'Enter' });
		expect(onSearch).toHaveBeenCalledWith('kwargs.n:1');
		await fireEvent.keyDown(box(), { key: 'Escape' });
		expect(document.activeElement).not.toBe(box());
	});
});
