"""The jobs list's API request for a page URL, as the dashboard makes it: a port of
`parseJobQuery` and `toApiQuery` (ui/src/lib/jobs/query.ts) and of the few pieces of the search
tokenizer they use (ui/src/lib/search/tokens.ts, `asLegacyFilters` in search/edit.ts).

Only for printable ASCII: there JavaScript's `\\s`, `\\w` and `trim()` mean what Python's do
here. For any other value this gives up (None), and the page asks for its list itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

JOB_STATES = ("pending", "running", "retrying", "failed", "succeeded")
PAGE_SIZES = (25, 50, 100)
DEFAULT_LIMIT = 50
#: Every job list asks for the envelope of summary rows (`SUMMARY_PAGE`).
SUMMARY_PAGE = (("pagination", "true"), ("view", "summary"))

_PRINTABLE = re.compile(r"[\x20-\x7e]*")
_DIGITS = re.compile(r"[0-9]*")
_FIELD = re.compile(r'[A-Za-z_][A-Za-z0-9_]*(?:\.[^\s():"]*)?:')
_OP = re.compile(r">=|<=|>|<|~")
_PLAIN = re.compile(r'[^\s()"]+')
_COMBINES = frozenset({"or", "not", "neg", "lparen", "rparen"})


class Unsure(Exception):
    """A value outside what this port reads as the dashboard does."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    open: bool = False


def ascii_text(value: str) -> str:
    if not _PRINTABLE.fullmatch(value):
        raise Unsure(value)
    return value


def _quoted_end(q: str, i: int) -> tuple[int, bool]:
    j = i + 1
    while j < len(q):
        if q[j] == "\\" and j + 1 < len(q):
            j += 2
        elif q[j] == '"':
            return j + 1, False
        else:
            j += 1
    return len(q), True


def _bare_end(q: str, i: int) -> int:
    j = i
    while j < len(q) and q[j] != " " and q[j] not in '()"':
        j += 1
    return j


def tokenize(q: str) -> list[Token]:
    """`tokenize` of tokens.ts, for printable ASCII (where the only space is ' ')."""
    tokens: list[Token] = []
    i = 0
    while i < len(q):
        c = q[i]
        if c == " ":
            j = i + 1
            while j < len(q) and q[j] == " ":
                j += 1
            tokens.append(Token("space", q[i:j]))
            i = j
        elif c in "()":
            tokens.append(Token("lparen" if c == "(" else "rparen", c))
            i += 1
        elif c == "-" and i + 1 < len(q) and q[i + 1] not in " )":
            tokens.append(Token("neg", c))
            i += 1
        elif c == '"':
            end, open_ = _quoted_end(q, i)
            tokens.append(Token("word", q[i:end], open_))
            i = end
        elif field := _FIELD.match(q, i):
            colon = field.end() - 1
            tokens += [Token("field", q[i:colon]), Token("colon", ":")]
            i = colon + 1
            if op := _OP.match(q, i):
                tokens.append(Token("op", op.group()))
                i = op.end()
            if i < len(q) and q[i] == '"':
                end, open_ = _quoted_end(q, i)
                tokens.append(Token("value", q[i:end], open_))
                i = end
            elif (end := _bare_end(q, i)) > i:
                tokens.append(Token("value", q[i:end]))
                i = end
        else:
            end = max(_bare_end(q, i), i + 1)
            text = q[i:end]
            tokens.append(Token({"OR": "or", "NOT": "not"}.get(text, "word"), text))
            i = end
    return tokens


def unquote(raw: str) -> str:
    if not raw.startswith('"'):
        return raw
    body = raw[1:-1] if raw.endswith('"') and len(raw) > 1 else raw[1:]
    return re.sub(r"\\(.)", r"\1", body)


def as_legacy_filters(q: str) -> dict[str, str] | None:
    """`asLegacyFilters`: the query as `state`/`queue`/`func` parameters, or None."""
    tokens = tokenize(q)
    if any(t.kind in _COMBINES or t.open for t in tokens):
        return None
    out: dict[str, str] = {}
    k = 0
    while k < len(tokens):
        t = tokens[k]
        k += 1
        if t.kind == "word":
            return None
        if t.kind != "field":
            continue
        op = value = ""
        k += 1  # the colon
        if k < len(tokens) and tokens[k].kind == "op":
            op = tokens[k].text
            k += 1
        if k < len(tokens) and tokens[k].kind == "value":
            value = unquote(tokens[k].text)
            k += 1
        if not value or (t.text == "state" and "," in value):
            return None
        name = {("state", ""): "state", ("queue", ""): "queue", ("func", "~"): "func"}.get(
            (t.text, op)
        )
        if name is None or name in out:
            return None
        out[name] = value
    return out


def quote_value(value: str) -> str:
    if _PLAIN.fullmatch(value) and value not in ("OR", "NOT") and not value.startswith("-"):
        return value
    return '"' + re.sub(r'(["\\])', r"\\\1", value) + '"'


def from_legacy(state: str | None, queue: str | None, func: str | None) -> str:
    parts = [f"state:{quote_value(state)}"] if state else []
    parts += [f"queue:{quote_value(queue)}"] if queue else []
    parts += [f"func:~{quote_value(func)}"] if func else []
    return " ".join(parts)


def jobs_list_params(first: Callable[[str], str | None]) -> list[tuple[str, str]]:
    """The list request's parameters for a page whose URL parameters `first` looks up (the
    first value of a name, as `URLSearchParams.get`); raises `Unsure`."""

    def text(name: str) -> str | None:
        value = first(name)
        return None if value is None else ascii_text(value).strip(" ") or None

    raw_limit = first("limit") or ""
    if not _DIGITS.fullmatch(raw_limit):
        raise Unsure(raw_limit)  # Number() reads more forms than digits: left to the page
    limit = int(raw_limit or 0)
    state = first("state")
    q_param = first("q")
    if q_param is not None:
        q = ascii_text(q_param).strip(" ")
    else:
        q = from_legacy(state if state in JOB_STATES else None, text("queue"), text("func"))
    params = [*SUMMARY_PAGE, ("limit", str(limit if limit in PAGE_SIZES else DEFAULT_LIMIT))]
    legacy = as_legacy_filters(q)
    if legacy is not None and ("state" not in legacy or legacy["state"] in JOB_STATES):
        params += [(name, legacy[name]) for name in ("state", "queue", "func") if name in legacy]
    elif q:
        params.append(("q", q))
        if first("search") == "all":
            params.append(("search", "all"))
    if cursor := text("cursor"):
        params.append(("cursor", cursor))
    return params
