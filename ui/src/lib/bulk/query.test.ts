import { describe as suite, expect, it } from 'vitest';
import type { BulkOperation } from './api';
import { describe, isFinished, listToQuery, progress, quoted } from './query';

const op = (fields: Partial<BulkOperation>): BulkOperation => ({
	id: '0',
	action: 'retry',
	q: '',
	state: 'running',
	matched: 100,
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

suite('listToQuery', () => {
	it('writes each filter as a qualifier, ANDed', () => {
		expect(listToQuery({ state: 'failed', queue: 'emails', func: 'send' })).toBe(
			'state:failed queue:emails func:~send'
		);
		expect(listToQuery({ state: null, queue: null, func: null })).toBe('');
	});
	it('quotes values that are not one plain word', () => {
		expect(quoted('my queue')).toBe('"my queue"');
		expect(quoted('a"b')).toBe('"a\\"b"');
		expect(listToQuery({ state: null, queue: 'my queue', func: null })).toBe('queue:"my queue"');
	});
	it('adds a search in parentheses after the filters', () => {
		expect(listToQuery({ state: 'failed', queue: null, func: null, q: 'a OR b' })).toBe(
			'state:failed (a OR b)'
		);
		expect(listToQuery({ state: null, queue: null, func: null, q: ' a ' })).toBe('a');
	});
});

suite('progress', () => {
	it('is the share processed, within 0 and 1', () => {
		expect(progress(op({ processed: 25 }))).toBe(0.25);
		expect(progress(op({ processed: 150, estimated: true }))).toBe(1);
		expect(progress(op({ matched: 0 }))).toBe(0);
		expect(progress(op({ state: 'done', processed: 90 }))).toBe(1);
	});
	it('tells finished operations apart', () => {
		expect(isFinished(op({ state: 'running' }))).toBe(false);
		expect(isFinished(op({ state: 'queued' }))).toBe(false);
		expect(isFinished(op({ state: 'cancelled' }))).toBe(true);
	});
});

suite('describe', () => {
	it('sums up what was done', () => {
		expect(describe(op({ succeeded: 1200, matched: 5000, skipped: 3 }))).toBe(
			'1,200 of 5,000 jobs retried · 3 skipped'
		);
		expect(describe(op({ state: 'done', action: 'purge', succeeded: 10 }))).toBe('10 jobs purged');
	});
});
