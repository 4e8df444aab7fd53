"""The search language: a tokenizer and a recursive-descent parser into a small tree.

    query   := expr? END
    expr    := and ("OR" and)*
    and     := unary+                      (terms side by side are ANDed)
    unary   := ("-" | "NOT") unary | primary
    primary := "(" expr ")" | term
    term    := NAME ":" OP? VALUE | WORD | STRING
    OP      := "~" | ">=" | "<=" | ">" | "<"

`OR` and `NOT` are operators only in capitals (`or` is a bare word, as on GitHub). A value is
a quoted string (`"..."`, with `\\"` and `\\\\` escapes) or a run of characters up to white space
or a parenthesis. Every token carries its character offset in the query, so that an error
points at the exact place (`QueryError.position`) and says what was expected there. Only the
shape is checked here; what a qualifier's value means is `qualifiers.py`'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

#: Longest query accepted, in characters, and deepest nesting of parentheses and negations:
#: the parser recurses, and a query is compiled into one SQL condition.
MAX_LENGTH = 2_000
MAX_DEPTH = 32
MAX_TERMS = 64

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[^\s():\"]*)?(?=:)")
_OPERATORS = (">=", "<=", ">", "<", "~")
_STOP = set(" \t\r\n\f\v()")


class QueryError(ValueError):
    """A query that does not parse or compile: what is wrong, where, and what would fit there."""

    def __init__(self, message: str, position: int, expected: list[str] | tuple[str, ...]):
        super().__init__(message)
        self.message = message
        self.position = position
        self.expected = list(expected)

    def __repr__(self) -> str:
        return f"QueryError({self.message!r}, {self.position}, {self.expected!r})"


TokenKind = Literal["(", ")", "OR", "NOT", "-", "term", "end"]


@dataclass(frozen=True)
class Value:
    """A qualifier's value, or a bare word: its text (unquoted), where it starts and ends in
    the query, whether it was quoted, and the operator written before it ("" for none)."""

    text: str
    position: int
    end: int
    quoted: bool = False
    op: str = ""


@dataclass(frozen=True)
class Term:
    """`name:value`, or a bare word or string (`name` None). `position` is the term's start."""

    name: str | None
    value: Value
    position: int


@dataclass(frozen=True)
class Not:
    child: Node
    position: int


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Empty:
    """The empty query: every job."""


Node = Term | Not | And | Or | Empty


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    position: int
    end: int
    term: Term | None = None


def _string(q: str, start: int) -> tuple[str, int]:
    """The quoted string opening at `start`: its text, and the offset after its closing quote."""
    out: list[str] = []
    i = start + 1
    while i < len(q):
        c = q[i]
        if c == "\\" and i + 1 < len(q) and q[i + 1] in '"\\':
            out.append(q[i + 1])
            i += 2
        elif c == '"':
            return "".join(out), i + 1
        else:
            out.append(c)
            i += 1
    raise QueryError("Unterminated string: a closing quote is missing", start, ['"'])


def _value(q: str, start: int, op_allowed: bool = True) -> tuple[Value, int]:
    """The value at `start` (after a qualifier's colon, or a bare word): its operator, then a
    quoted string or a run of characters up to white space or a parenthesis."""
    i, op = start, ""
    if op_allowed:
        for candidate in _OPERATORS:
            if q.startswith(candidate, i):
                op, i = candidate, i + len(candidate)
                break
    if i < len(q) and q[i] == '"':
        text, end = _string(q, i)
        quoted = True
    else:
        end = i
        while end < len(q) and q[end] not in _STOP and q[end] != '"':
            end += 1
        text, quoted = q[i:end], False
        if not text:
            raise QueryError("A value is missing", i, ["a value"])
    if end < len(q) and q[end] not in _STOP:
        raise QueryError(
            "Unexpected character after a value", end, ["white space", ")", "end of query"]
        )
    return Value(text=text, position=i, end=end, quoted=quoted, op=op), end


def tokenize(q: str) -> list[Token]:
    """The tokens of `q`, ending with an `end` token at `len(q)`."""
    if len(q) > MAX_LENGTH:
        raise QueryError(f"The query is longer than {MAX_LENGTH} characters", MAX_LENGTH, [])
    if (nul := q.find("\x00")) >= 0:
        raise QueryError("The query contains a NUL character", nul, [])
    tokens: list[Token] = []
    i = 0
    while i < len(q):
        c = q[i]
        if c in _STOP - {"(", ")"}:
            i += 1
        elif c in "()":
            tokens.append(Token(c, i, i + 1))  # type: ignore[arg-type]
            i += 1
        elif c == "-" and i + 1 < len(q) and q[i + 1] not in _STOP - {"("}:
            tokens.append(Token("-", i, i + 1))
            i += 1
        elif q[i : _word_end(q, i)] in ("OR", "NOT"):
            word = q[i : _word_end(q, i)]
            tokens.append(Token(word, i, i + len(word)))  # type: ignore[arg-type]
            i += len(word)
        elif match := _NAME.match(q, i):
            name = match.group(0)
            value, end = _value(q, match.end() + 1)
            tokens.append(Token("term", i, end, Term(name=name, value=value, position=i)))
            i = end
        else:
            tokens.append(_bare(q, i))
            i = tokens[-1].end
    tokens.append(Token("end", len(q), len(q)))
    return tokens


def _word_end(q: str, i: int) -> int:
    end = i
    while end < len(q) and q[end] not in _STOP and q[end] != '"':
        end += 1
    return end


def _bare(q: str, i: int) -> Token:
    """A bare word or a quoted string: matched against function names and ids."""
    value, end = _value(q, i, op_allowed=False)
    return Token("term", i, end, Term(name=None, value=value, position=i))


class _Parser:
    def __init__(self, q: str) -> None:
        self.tokens = tokenize(q)
        self.i = 0
        self.depth = 0
        self.terms = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expr(self) -> Node:
        children = [self.conjunction()]
        while self.token.kind == "OR":
            self.take()
            children.append(self.conjunction())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def conjunction(self) -> Node:
        children = [self.unary()]
        while self.token.kind in ("(", "-", "NOT", "term"):
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self) -> Node:
        token = self.token
        if token.kind in ("-", "NOT"):
            self.take()
            with self._deeper(token):
                return Not(self.unary(), token.position)
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "term":
            assert token.term is not None
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise QueryError(f"At most {MAX_TERMS} terms are allowed", token.position, [])
            return token.term
        if token.kind == "(":
            with self._deeper(token):
                node = self.expr()
            closing = self.token
            if closing.kind != ")":
                raise QueryError(
                    "A closing parenthesis is missing", closing.position, [")", "OR", "a term"]
                )
            self.take()
            return node
        if token.kind == ")":
            raise QueryError("Unexpected closing parenthesis", token.position, ["a term"])
        if token.kind == "end":
            raise QueryError("A term is missing at the end", token.position, ["a term"])
        raise QueryError(
            f"Unexpected {token.kind}: a term must come first", token.position, ["a term"]
        )

    def _deeper(self, token: Token) -> _Depth:
        return _Depth(self, token)


class _Depth:
    def __init__(self, parser: _Parser, token: Token) -> None:
        self.parser, self.token = parser, token

    def __enter__(self) -> None:
        self.parser.depth += 1
        if self.parser.depth > MAX_DEPTH:
            raise QueryError(
                f"Parentheses and negations nest deeper than {MAX_DEPTH}", self.token.position, []
            )

    def __exit__(self, *exc: object) -> None:
        self.parser.depth -= 1


def parse(q: str) -> Node:
    """The tree of `q`; `Empty()` for a blank query. Raises QueryError."""
    parser = _Parser(q)
    if parser.token.kind == "end":
        return Empty()
    node = parser.expr()
    token = parser.token
    if token.kind == ")":
        raise QueryError(
            "Unexpected closing parenthesis", token.position, ["a term", "OR", "end of query"]
        )
    assert token.kind == "end", token
    return node


def terms(node: Node) -> list[Term]:
    """Every term of the tree, in the order they are written."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms(node.child)
    if isinstance(node, And | Or):
        return [t for child in node.children for t in terms(child)]
    return []
