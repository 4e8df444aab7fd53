import { describe, expect, it } from 'vitest';
import { held } from './held';

const page = (...rows: [string, string][]) => ({
	items: rows.map(([id, state]) => ({ id, state })),
	next_cursor: rows.length ? rows.at(-1)![0] : null
});

describe('a list that holds still', () => {
	it('follows the latest rows while the user is not in the list', () => {
		const first = held(null, page(['a', 'pending']), 'k', false);
		const next = held(first, page(['b', 'pending'], ['a', 'running']), 'k', false);
		expect(next).toEqual({ page: page(['b', 'pending'], ['a', 'running']), key: 'k', waiting: 0 });
	});

	it('updates rows in place but keeps new ones waiting while the user is in it', () => {
		const first = held(null, page(['a', 'pending'], ['b', 'pending']), 'k', false);
		const next = held(first, page(['c', 'pending'], ['d', 'pending'], ['a', 'failed']), 'k', true);
		expect(next!.page.items).toEqual([
			{ id: 'a', state: 'failed' },
			// Gone from the latest page (it moved on): stays as it was, where it was.
			{ id: 'b', state: 'pending' }
		]);
		expect(next!.page.next_cursor).toBe('b');
		expect(next!.waiting).toBe(2);
		// Having left the list, it still holds until the waiting rows are shown.
		expect(held(next, page(['c', 'pending'], ['a', 'failed']), 'k', false)!.waiting).toBe(1);
		expect(held(null, page(['c', 'pending'], ['a', 'failed']), 'k', false)!.waiting).toBe(0);
	});

	it('shows another list at once, and nothing when there is no data', () => {
		const first = held(null, page(['a', 'pending']), 'k', true);
		expect(held(first, page(['z', 'failed']), 'other', true)).toEqual({
			page: page(['z', 'failed']),
			key: 'other',
			waiting: 0
		});
		expect(held(first, undefined, 'k', true)).toBeNull();
	});
});
