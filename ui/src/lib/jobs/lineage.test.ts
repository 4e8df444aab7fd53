import { describe, expect, it } from 'vitest';
import { clonedFrom, diffKwargs, parseKwargs } from './lineage';

describe('parseKwargs', () => {
	it('accepts a JSON object', () => {
		expect(parseKwargs('{"a": 1, "b": [true]}')).toEqual({ ok: true, value: { a: 1, b: [true] } });
		expect(parseKwargs('{}')).toEqual({ ok: true, value: {} });
	});
	it('refuses anything else with a reason', () => {
		for (const text of ['[1]', '1', 'null', '"x"']) {
			const parsed = parseKwargs(text);
			expect(parsed.ok).toBe(false);
			if (!parsed.ok) expect(parsed.error).toContain('JSON object');
		}
		const broken = parseKwargs('{"a": ');
		expect(broken.ok).toBe(false);
		if (!broken.ok) expect(broken.error).toMatch(/^Not valid JSON/);
	});
});

describe('diffKwargs', () => {
	it('lists added, removed and changed keys in order', () => {
		expect(
			diffKwargs({ a: 1, b: { x: 1 }, c: 'same' }, { b: { x: 2 }, c: 'same', d: null })
		).toEqual([
			{ key: 'a', kind: 'removed', before: '1' },
			{ key: 'b', kind: 'changed', before: '{"x":1}', after: '{"x":2}' },
			{ key: 'd', kind: 'added', after: 'null' }
		]);
		expect(diffKwargs({ a: 1 }, { a: 1 })).toEqual([]);
	});
});

describe('clonedFrom', () => {
	it('reads meta.cloned_from', () => {
		expect(clonedFrom({ meta: { cloned_from: 'abc' } })).toBe('abc');
		expect(clonedFrom({ meta: {} })).toBeNull();
		expect(clonedFrom({ meta: { cloned_from: 3 } })).toBeNull();
	});
});
