import { describe, expect, it } from 'vitest';
import { andOnly, terms, tokenAt, tokenize, unquote } from './tokens';

const kinds = (q: string) => tokenize(q).map((t) => [t.kind, t.text]);

describe('tokenize', () => {
	it('covers every character, so the tokens give the query back', () => {
		for (const q of [
			'',
			'  state:failed  ',
			'-queue:"a b" OR (func:~report NOT kwargs.user.id:42)',
			'error:"unterminated',
			'created:>=2026-12-01T10:00:00Z..2026-12-02 x'
		]) {
			const tokens = tokenize(q);
			expect(tokens.map((t) => t.text).join('')).toBe(q);
			tokens.forEach((t, i) => expect(t.start).toBe(i ? tokens[i - 1]!.end : 0));
		}
	});

	it('reads qualifiers, comparisons and values', () => {
		expect(kinds('state:failed,retrying priority:>=5 func:~rep')).toEqual([
			['field', 'state'],
			['colon', ':'],
			['value', 'failed,retrying'],
			['space', ' '],
			['field', 'priority'],
			['colon', ':'],
			['op', '>='],
			['value', '5'],
			['space', ' '],
			['field', 'func'],
			['colon', ':'],
			['op', '~'],
			['value', 'rep']
		]);
	});

	it('keeps colons inside a value (ISO times) and dotted paths in a name', () => {
		expect(kinds('created:<2026-12-01T10:00:00Z kwargs.user.email:*')).toEqual([
			['field', 'created'],
			['colon', ':'],
			['op', '<'],
			['value', '2026-12-01T10:00:00Z'],
			['space', ' '],
			['field', 'kwargs.user.email'],
			['colon', ':'],
			['value', '*']
		]);
	});

	it('reads quoted values with escapes, and marks one left open', () => {
		expect(kinds('error:"division \\"by\\" zero"')).toEqual([
			['field', 'error'],
			['colon', ':'],
			['value', '"division \\"by\\" zero"']
		]);
		const open = tokenize('kwargs.to:"user24@');
		expect(open.at(-1)).toMatchObject({ kind: 'value', open: true });
	});

	it('reads the combinators: OR, NOT, a leading minus, parentheses', () => {
		expect(kinds('-a OR (NOT b)')).toEqual([
			['neg', '-'],
			['word', 'a'],
			['space', ' '],
			['or', 'OR'],
			['space', ' '],
			['lparen', '('],
			['not', 'NOT'],
			['space', ' '],
			['word', 'b'],
			['rparen', ')']
		]);
		// Lower case "or" is a word, as is a minus standing alone.
		expect(kinds('or - x').map(([k]) => k)).toEqual(['word', 'space', 'word', 'space', 'word']);
	});

	it('ends a bare value at a parenthesis', () => {
		expect(kinds('(queue:a)').map(([k]) => k)).toEqual([
			'lparen',
			'field',
			'colon',
			'value',
			'rparen'
		]);
	});

	it('reads a name with an empty value (the caret right after the colon)', () => {
		expect(kinds('kwargs.n:')).toEqual([
			['field', 'kwargs.n'],
			['colon', ':']
		]);
	});
});

describe('terms', () => {
	it('gives each term its span, depth, negation and unquoted value', () => {
		expect(terms('-queue:"a b" (NOT func:~x) report')).toEqual([
			{
				start: 0,
				end: 12,
				depth: 0,
				negated: true,
				field: 'queue',
				op: '',
				raw: '"a b"',
				value: 'a b'
			},
			{
				start: 18,
				end: 25,
				depth: 1,
				negated: true,
				field: 'func',
				op: '~',
				raw: 'x',
				value: 'x'
			},
			{
				start: 27,
				end: 33,
				depth: 0,
				negated: false,
				field: null,
				op: '',
				raw: 'report',
				value: 'report'
			}
		]);
	});

	it('unquotes', () => {
		expect(unquote('"a \\"b\\""')).toBe('a "b"');
		expect(unquote('"open')).toBe('open');
		expect(unquote('plain')).toBe('plain');
	});

	it('tells whether the outer level only ANDs', () => {
		expect(andOnly('a b (c OR d)')).toBe(true);
		expect(andOnly('a OR b')).toBe(false);
		expect(andOnly('queue:"x OR y"')).toBe(true);
	});
});

describe('tokenAt', () => {
	it('finds the token the caret is in or right after', () => {
		const q = 'state:fa kwargs.';
		expect(tokenAt(q, 8)).toMatchObject({ kind: 'value', text: 'fa' });
		expect(tokenAt(q, 6)).toMatchObject({ kind: 'colon' });
		expect(tokenAt(q, 3)).toMatchObject({ kind: 'field', text: 'state' });
		expect(tokenAt(q, 9)).toBeNull();
		expect(tokenAt(q, 0)).toBeNull();
		expect(tokenAt(q, q.length)).toMatchObject({ kind: 'word', text: 'kwargs.' });
	});
});
