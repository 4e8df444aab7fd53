import { describe, expect, it } from 'vitest';
import type { BulkOperation } from './api';
import { BulkTracker } from './store.svelte';

const op = (id: string, fields: Partial<BulkOperation> = {}): BulkOperation => ({
	id,
	action: 'cancel',
	q: 'state:pending',
	state: 'running',
	matched: 3000,
	estimated: false,
	processed: 0,
	succeeded: 0,
	skipped: 0,
	failed: 0,
	created_by: 'admin',
	created_at: '2026-01-01T00:00:00Z',
	started_at: null,
	finished_at: null,
	error: null,
	...fields
});

describe('BulkTracker', () => {
	it('follows operations newest first and updates them in place', () => {
		const tracker = new BulkTracker();
		tracker.track(op('a'));
		tracker.track(op('b'));
		tracker.track(op('a', { processed: 10 }));
		expect(tracker.items.map((o) => [o.id, o.processed])).toEqual([
			['b', 0],
			['a', 10]
		]);
	});

	it('applies progress events to the operations it follows', () => {
		const tracker = new BulkTracker();
		tracker.track(op('a'));
		tracker.apply({ id: 'a', state: 'running', processed: 1000, succeeded: 990, skipped: 10 });
		tracker.apply({ id: 'zzz', processed: 5 });
		tracker.apply(null);
		expect(tracker.items).toHaveLength(1);
		expect(tracker.items[0]).toMatchObject({ processed: 1000, succeeded: 990, skipped: 10 });
		tracker.apply({ id: 'a', state: 'done', processed: 3000 });
		expect(tracker.active).toEqual([]);
		// A progress event arriving after the end changes nothing.
		tracker.apply({ id: 'a', state: 'running', processed: 2000 });
		expect(tracker.items[0]).toMatchObject({ state: 'done', processed: 3000 });
	});

	it('forgets dismissed operations', () => {
		const tracker = new BulkTracker();
		tracker.track(op('a', { state: 'done' }));
		tracker.dismiss('a');
		expect(tracker.items).toEqual([]);
	});
});
