import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import SearchField from './SearchField.svelte';

describe('SearchField', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('reports what was typed once typing pauses, trimmed, null when empty', async () => {
		const onSearch = vi.fn();
		render(SearchField, { label: 'Name contains', value: null, placeholder: '', onSearch });
		const input = screen.getByLabelText('Name contains') as HTMLInputElement;
		await fireEvent.input(input, { target: { value: ' etl' } });
		await fireEvent.input(input, { target: { value: ' etl ' } });
		expect(onSearch).not.toHaveBeenCalled();
		vi.advanceTimersByTime(300);
		expect(onSearch).toHaveBeenCalledExactlyOnceWith('etl');
		await fireEvent.input(input, { target: { value: '  ' } });
		vi.advanceTimersByTime(300);
		expect(onSearch).toHaveBeenLastCalledWith(null);
	});

	it('follows the URL, but not while the user is typing', async () => {
		const props = { label: 'Name contains', value: 'a', placeholder: '', onSearch: vi.fn() };
		const { rerender } = render(SearchField, props);
		const input = screen.getByLabelText('Name contains') as HTMLInputElement;
		expect(input.value).toBe('a');
		await rerender({ ...props, value: 'b' }); // back button
		expect(input.value).toBe('b');
		input.focus();
		await fireEvent.input(input, { target: { value: 'typing' } });
		await rerender({ ...props, value: 'c' });
		expect(input.value).toBe('typing');
	});
});
