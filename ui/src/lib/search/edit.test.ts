import { describe, expect, it } from 'vitest';
import {
	asLegacyFilters,
	fromLegacy,
	qualifierValue,
	quoteValue,
	withQualifier,
	withoutQualifier
} from './edit';

describe('editing one qualifier', () => {
	it('quotes only what needs it', () => {
		expect(quoteValue('emails')).toBe('emails');
		expect(quoteValue('a b')).toBe('"a b"');
		expect(quoteValue('say "hi"')).toBe('"say \\"hi\\""');
		expect(quoteValue('OR')).toBe('"OR"');
		expect(quoteValue('-x')).toBe('"-x"');
		expect(quoteValue('(x)')).toBe('"(x)"');
	});

	it('reads the outer qualifier, if there is exactly one', () => {
		expect(qualifierValue('state:failed queue:"a b"', 'queue')).toBe('a b');
		expect(qualifierValue('state:failed', 'queue')).toBeNull();
		expect(qualifierValue('state:failed state:running', 'state')).toBeNull();
		expect(qualifierValue('-state:failed', 'state')).toBeNull();
		expect(qualifierValue('(state:failed)', 'state')).toBeNull();
		expect(qualifierValue('state:failed OR queue:x', 'state')).toBeNull();
		expect(qualifierValue('func:~rep', 'func')).toBeNull();
		expect(qualifierValue('func:~rep', 'func', '~')).toBe('rep');
	});

	it('replaces it in place, adds it at the front, or removes it', () => {
		expect(withQualifier('queue:a state:failed x', 'state', 'running')).toBe(
			'queue:a state:running x'
		);
		expect(withQualifier('queue:a', 'state', 'failed')).toBe('state:failed queue:a');
		expect(withQualifier('', 'queue', 'my queue')).toBe('queue:"my queue"');
		expect(withQualifier('state:a x state:b', 'state', 'c')).toBe('state:c x');
		expect(withoutQualifier('queue:a state:failed  x', 'state')).toBe('queue:a x');
		expect(withoutQualifier('state:failed', 'state')).toBe('');
		// Negated or grouped qualifiers are the user's, and stay.
		expect(withQualifier('-state:failed (state:running)', 'state', 'pending')).toBe(
			'state:pending -state:failed (state:running)'
		);
	});

	it('puts a query that ORs in parentheses before adding to it', () => {
		expect(withQualifier('a OR b', 'state', 'failed')).toBe('state:failed (a OR b)');
	});
});

describe('the older URL parameters', () => {
	it('translate into a query', () => {
		expect(fromLegacy('failed', 'emails', 'report')).toBe('state:failed queue:emails func:~report');
		expect(fromLegacy(null, 'a b', null)).toBe('queue:"a b"');
		expect(fromLegacy(null, null, null)).toBe('');
	});

	it('carry a query that says no more than they can', () => {
		expect(asLegacyFilters('')).toEqual({});
		expect(asLegacyFilters('state:failed queue:"a b" func:~rep')).toEqual({
			state: 'failed',
			queue: 'a b',
			func: 'rep'
		});
		for (const q of [
			'func:exact',
			'state:failed,retrying',
			'-queue:a',
			'queue:a OR queue:b',
			'(queue:a)',
			'queue:a queue:b',
			'report',
			'kwargs.n:1',
			'queue:"open',
			'queue:'
		]) {
			expect(asLegacyFilters(q), q).toBeNull();
		}
	});
});
