/**
 * The search language's tokens, as the dashboard needs them: to colour the query, to know which
 * term the caret is in, and to rewrite one qualifier (a state tab, the queue filter) without
 * touching the rest. It mirrors the server's grammar (docs/search.md); the server's parser is
 * the judge of what a query means, and answers a positioned 400 for what it cannot read.
 *
 * Every character of the query belongs to exactly one token, so joining the tokens' text gives
 * the query back, which is what the highlighting layer relies on.
 */

export type TokenKind =
	| 'space'
	| 'lparen'
	| 'rparen'
	/** The `OR` and `NOT` keywords (upper case, as the server reads them). */
	| 'or'
	| 'not'
	/** A leading `-` that negates its term. */
	| 'neg'
	/** A qualifier's name (`state`, `kwargs.user.email`), without its colon. */
	| 'field'
	| 'colon'
	/** A comparison before a value: `>`, `>=`, `<`, `<=`, or `~` (contains). */
	| 'op'
	/** A qualifier's value, quoted or not. */
	| 'value'
	/** A bare word or quoted phrase: matches a function name or a job id prefix. */
	| 'word';

export interface Token {
	kind: TokenKind;
	text: string;
	start: number;
	end: number;
	/** A quoted value or word whose closing quote is missing. */
	open?: boolean;
}

// As chancy_web/query/language.py reads them: a name, then one dotted path up to the colon.
const FIELD = /^[A-Za-z_]\w*(?:\.[^\s():"]*)?:/;
const OP = /^(>=|<=|>|<|~)/;

function isSpace(c: string | undefined): boolean {
	return c !== undefined && /\s/.test(c);
}

/** The end of a quoted string starting at `i` (just past its closing quote), and whether it closed. */
function quoted(q: string, i: number): { end: number; open: boolean } {
	let j = i + 1;
	while (j < q.length) {
		if (q[j] === '\\' && j + 1 < q.length) j += 2;
		else if (q[j] === '"') return { end: j + 1, open: false };
		else j += 1;
	}
	return { end: q.length, open: true };
}

/** The end of a bare run starting at `i`: up to whitespace, a parenthesis or a quote. */
function bare(q: string, i: number): number {
	let j = i;
	while (j < q.length && !isSpace(q[j]) && !'()"'.includes(q[j]!)) j += 1;
	return j;
}

export function tokenize(q: string): Token[] {
	const tokens: Token[] = [];
	const push = (kind: TokenKind, start: number, end: number, open?: boolean) => {
		const token: Token = { kind, text: q.slice(start, end), start, end };
		if (open) token.open = true;
		tokens.push(token);
	};
	let i = 0;
	while (i < q.length) {
		const c = q[i];
		if (isSpace(c)) {
			let j = i + 1;
			while (isSpace(q[j])) j += 1;
			push('space', i, j);
			i = j;
			continue;
		}
		if (c === '(' || c === ')') {
			push(c === '(' ? 'lparen' : 'rparen', i, i + 1);
			i += 1;
			continue;
		}
		// A `-` negates what follows it directly; alone, or before a space, it is a word.
		if (c === '-' && i + 1 < q.length && !isSpace(q[i + 1]) && q[i + 1] !== ')') {
			push('neg', i, i + 1);
			i += 1;
			continue;
		}
		if (c === '"') {
			const { end, open } = quoted(q, i);
			push('word', i, end, open);
			i = end;
			continue;
		}
		const field = FIELD.exec(q.slice(i));
		if (field) {
			const colon = i + field[0].length - 1;
			push('field', i, colon);
			push('colon', colon, colon + 1);
			i = colon + 1;
			const op = OP.exec(q.slice(i));
			if (op) {
				push('op', i, i + op[0].length);
				i += op[0].length;
			}
			if (q[i] === '"') {
				const { end, open } = quoted(q, i);
				push('value', i, end, open);
				i = end;
			} else {
				const end = bare(q, i);
				if (end > i) push('value', i, end);
				i = end;
			}
			continue;
		}
		// A stray quote after a value is a word of its own (the server points at it).
		const end = Math.max(bare(q, i), i + 1);
		const text = q.slice(i, end);
		push(text === 'OR' ? 'or' : text === 'NOT' ? 'not' : 'word', i, end);
		i = end;
	}
	return tokens;
}

/** One term: a qualifier (`-queue:emails`) or a bare word, with where it sits. */
export interface Term {
	start: number;
	end: number;
	/** How many parentheses enclose it. */
	depth: number;
	/** Negated, by a leading `-` or a `NOT` before it. */
	negated: boolean;
	/** The qualifier's name, or null for a bare word. */
	field: string | null;
	op: string;
	/** The value as typed (quotes included). */
	raw: string;
	/** The value, unquoted. */
	value: string;
}

export function unquote(raw: string): string {
	if (!raw.startsWith('"')) return raw;
	const body = raw.endsWith('"') && raw.length > 1 ? raw.slice(1, -1) : raw.slice(1);
	return body.replace(/\\(.)/g, '$1');
}

/** The query's terms, in order. */
export function terms(q: string): Term[] {
	const out: Term[] = [];
	const tokens = tokenize(q);
	let depth = 0;
	for (let k = 0; k < tokens.length; k++) {
		const t = tokens[k]!;
		if (t.kind === 'lparen') depth += 1;
		else if (t.kind === 'rparen') depth = Math.max(0, depth - 1);
		else if (t.kind === 'field' || t.kind === 'word') {
			const neg = tokens[k - 1]?.kind === 'neg' ? tokens[k - 1] : undefined;
			let before = k - 1;
			while (tokens[before]?.kind === 'space') before -= 1;
			const term: Term = {
				start: neg ? neg.start : t.start,
				end: t.end,
				depth,
				negated: !!neg || tokens[before]?.kind === 'not',
				field: t.kind === 'field' ? t.text : null,
				op: '',
				raw: t.kind === 'word' ? t.text : '',
				value: ''
			};
			if (t.kind === 'field') {
				let n = k + 1; // the colon
				term.end = tokens[n]!.end;
				if (tokens[n + 1]?.kind === 'op') {
					n += 1;
					term.op = tokens[n]!.text;
					term.end = tokens[n]!.end;
				}
				if (tokens[n + 1]?.kind === 'value') {
					n += 1;
					term.raw = tokens[n]!.text;
					term.end = tokens[n]!.end;
				}
				k = n;
			}
			term.value = unquote(term.raw);
			out.push(term);
		}
	}
	return out;
}

/** Whether the query's outermost level is only ANDed terms (no `OR` outside parentheses). */
export function andOnly(q: string): boolean {
	let depth = 0;
	for (const t of tokenize(q)) {
		if (t.kind === 'lparen') depth += 1;
		else if (t.kind === 'rparen') depth = Math.max(0, depth - 1);
		else if (t.kind === 'or' && depth === 0) return false;
	}
	return true;
}

/**
 * The token the caret is in or just after (`state:fa|` is in the value "fa"), or null between
 * tokens (after a space, at the start).
 */
export function tokenAt(q: string, caret: number): Token | null {
	let found: Token | null = null;
	for (const t of tokenize(q)) {
		if (t.start < caret && caret <= t.end && t.kind !== 'space') found = t;
	}
	return found;
}
