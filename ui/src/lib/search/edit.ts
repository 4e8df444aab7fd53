/**
 * Rewriting one qualifier of a query, for the controls that write into the search: the state
 * tabs, the queue and function filters, links from other pages. The query stays the one
 * truth; these only read and change its outermost ANDed terms and leave the rest as typed.
 */
import { andOnly, terms, tokenize, type Term } from './tokens';

const PLAIN = /^[^\s()"]+$/;

/** A value as the grammar reads it: bare when it can be, quoted otherwise. */
export function quoteValue(value: string): string {
	if (PLAIN.test(value) && value !== 'OR' && value !== 'NOT' && !value.startsWith('-'))
		return value;
	return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** The positive qualifiers `field:` that every job the query selects must match. */
function outerTerms(q: string, field: string): Term[] {
	if (!andOnly(q)) return [];
	return terms(q).filter((t) => t.depth === 0 && t.field === field && !t.negated);
}

/**
 * The value of the query's one outer `field:` qualifier with no comparison (`queue:emails`
 * gives "emails"), or null when there is none, several, or the query ORs at its outer level.
 */
export function qualifierValue(q: string, field: string, op = ''): string | null {
	const found = outerTerms(q, field);
	return found.length === 1 && found[0]!.op === op && found[0]!.value ? found[0]!.value : null;
}

/**
 * The query with its outer `field:` qualifiers replaced by `field:<value>` (or removed, for
 * null), in the place of the first one, or at the front. A query that ORs at its outer level is
 * put in parentheses first, so that the new qualifier applies to all of it.
 */
export function withQualifier(q: string, field: string, value: string | null, op = ''): string {
	let base = q.trim();
	if (base && !andOnly(base)) base = `(${base})`;
	const found = outerTerms(base, field);
	const at = found[0]?.start ?? 0;
	for (const t of found.reverse()) {
		let end = t.end;
		while (end < base.length && /\s/.test(base[end]!)) end += 1;
		base = base.slice(0, t.start) + base.slice(end);
	}
	if (value === null) return base.trim();
	const term = `${field}:${op}${quoteValue(value)}`;
	const head = base.slice(0, at).trimEnd();
	const tail = base.slice(at).trim();
	return [head, term, tail].filter(Boolean).join(' ');
}

/** The query without its outer `field:` qualifiers. */
export function withoutQualifier(q: string, field: string): string {
	return withQualifier(q, field, null);
}

/**
 * A query from the parameters the jobs list took before the search language, so old links
 * keep working: `?state=failed&queue=emails&func=report` (func meant "contains").
 */
export function fromLegacy(
	state: string | null,
	queue: string | null,
	func: string | null
): string {
	const parts: string[] = [];
	if (state) parts.push(`state:${quoteValue(state)}`);
	if (queue) parts.push(`queue:${quoteValue(queue)}`);
	if (func) parts.push(`func:~${quoteValue(func)}`);
	return parts.join(' ');
}

export interface LegacyFilters {
	state?: string;
	queue?: string;
	func?: string;
}

/**
 * The same selection in the list's older parameters, when the query says no more than they
 * can (one state, one queue, a function name contained): those requests are the ones the shared
 * counts break down and the boot script starts early. Null for anything else.
 */
export function asLegacyFilters(q: string): LegacyFilters | null {
	const combines = ['or', 'not', 'neg', 'lparen', 'rparen'];
	if (tokenize(q).some((t) => combines.includes(t.kind) || t.open)) return null;
	const out: LegacyFilters = {};
	for (const t of terms(q)) {
		if (!t.value || (t.field === 'state' && t.value.includes(','))) return null;
		if (t.field === 'state' && !t.op && !out.state) out.state = t.value;
		else if (t.field === 'queue' && !t.op && !out.queue) out.queue = t.value;
		else if (t.field === 'func' && t.op === '~' && !out.func) out.func = t.value;
		else return null;
	}
	return out;
}
