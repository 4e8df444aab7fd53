"""Suggestions for the search box: what may complete the word at the cursor.

The word at the cursor is read from the raw text (a partial query need not parse): before a
colon it is a qualifier name, or a key path after `kwargs.`/`meta.`; after one, a value of
that qualifier (states, queues, functions). Keys come from the newest `KEY_SAMPLE` jobs, so
a suggestion never scans the table; function names come from the cached skip-scan list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from chancy import Chancy
from psycopg import sql

from chancy_web.db import Reader, table
from chancy_web.jobs.schemas import JOB_STATES, Suggestion, Suggestions, SuggestRange
from chancy_web.query.qualifiers import QUALIFIERS

MAX_SUGGESTIONS = 20
#: What `duration:` offers: a duration needs a comparison and a unit, which a list shows.
DURATIONS = ("100ms", "1s", "10s", "1m", "10m", "1h")
#: The newest jobs whose argument and metadata keys are offered.
KEY_SAMPLE = 1_000
_BOUNDARY = set(" \t\r\n\f\v()")


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str


def word_at(q: str, cursor: int) -> Word:
    """The word the cursor is in or just after, without a leading `-` (negation)."""
    start = cursor
    while start > 0 and q[start - 1] not in _BOUNDARY:
        start -= 1
    end = cursor
    while end < len(q) and q[end] not in _BOUNDARY:
        end += 1
    while start < cursor and q[start] == "-":
        start += 1
    return Word(start, end, q[start:cursor])


async def read_keys(db: Reader, chancy: Chancy, column: str, path: list[str]) -> list[str]:
    """The keys at `path` in `column` of the newest KEY_SAMPLE jobs."""
    query = sql.SQL(
        """SELECT DISTINCT k FROM (
               SELECT {c} #> %s AS v FROM {jobs} ORDER BY id DESC LIMIT %s
           ) AS recent, jsonb_object_keys(CASE WHEN jsonb_typeof(v) = 'object' THEN v END) AS k
           ORDER BY k LIMIT 200"""
    ).format(c=sql.Identifier(column), jobs=table(chancy, "jobs"))
    rows: list[tuple[str]] = await db.all(query, (path, KEY_SAMPLE))
    return [key for (key,) in rows]


async def suggest(
    db: Reader,
    chancy: Chancy,
    q: str,
    cursor: int,
    functions: Callable[[], Awaitable[list[str]]],
    keys: Callable[[str, list[str]], Awaitable[list[str]]],
) -> Suggestions:
    word = word_at(q, cursor)
    name, colon, value = word.text.partition(":")
    found: list[Suggestion] = []

    def offer(insert: str, label: str, detail: str) -> None:
        if len(found) < MAX_SUGGESTIONS:
            found.append(Suggestion(insert=insert, label=label, detail=detail))

    head, dot, path_text = name.partition(".")
    if not colon and dot and head in ("kwargs", "meta"):
        *parents, partial = path_text.split(".")
        for key in await keys(head, parents):
            if key.startswith(partial) and key.strip() and ":" not in key and " " not in key:
                full = ".".join([head, *parents, key])
                offer(f"{full}:", full, f"a key of {head} in recent jobs")
        return Suggestions(suggestions=found, replace=SuggestRange(from_=word.start, to=word.end))
    if not colon:
        lowered = name.lower()
        for qualifier in sorted(QUALIFIERS.values(), key=lambda q: q.name):
            if qualifier.name.startswith(lowered):
                insert = f"{qualifier.name}." if qualifier.path else f"{qualifier.name}:"
                offer(insert, insert, qualifier.detail)
        if lowered:
            for func in await functions():
                if lowered in func.lower():
                    offer(f"func:{func}", func, "function")
        return Suggestions(suggestions=found, replace=SuggestRange(from_=word.start, to=word.end))

    # After the colon: the qualifier's values. The operator and an opening quote stay.
    start = word.start + len(name) + 1
    for op in ("~", ">=", "<=", ">", "<"):
        if value.startswith(op):
            value, start = value[len(op) :], start + len(op)
            break
    if value.startswith('"'):
        value, start = value[1:], start + 1
    wanted = name.lower()
    if wanted == "state":
        # A list: complete its last item.
        done, comma, last = value.rpartition(",")
        start += len(done) + len(comma)
        for state in JOB_STATES:
            if state.startswith(last):
                offer(state, state, "state")
    elif wanted == "queue":
        rows: list[tuple[str]] = await db.all(
            sql.SQL("SELECT name FROM {} ORDER BY name").format(table(chancy, "queues"))
        )
        for (queue,) in rows:
            if value.lower() in queue.lower():
                offer(queue, queue, "queue")
    elif wanted == "func":
        for func in await functions():
            if value.lower() in func.lower():
                offer(func, func, "function")
    elif wanted == "duration":
        typed_op = start > word.start + len(name) + 1
        for length in DURATIONS:
            insert = length if typed_op else f">={length}"
            if insert.startswith(value):
                offer(insert, insert, "run time (ms, s, m, h)")
    return Suggestions(suggestions=found, replace=SuggestRange(from_=start, to=word.end))
