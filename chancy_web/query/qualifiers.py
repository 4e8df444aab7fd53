"""The qualifiers of the search language: one registry, name -> how its value parses and
compiles, and which index (if any) serves it.

A qualifier's `compile` gets the parsed `Term` and the `Env` and returns a `Clause`: a
condition over the jobs table aliased `j`, with `%s` placeholders and their values in order.
A clause is `bounded` when no index serves it, so that a search using it only covers the
newest jobs (see `compile.py`). Values are checked here, so that a bad one is a QueryError
pointing at it, never a database error. Another module adds a qualifier with `register`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from psycopg import sql
from psycopg.types.json import Jsonb

from chancy_web.jobs.schemas import JOB_STATES
from chancy_web.query.language import QueryError, Term, Value
from chancy_web.settings import Settings
from chancy_web.validation import EARLIEST, LATEST

#: How far a job's id timestamp (the pusher's clock) may be from its created_at (the database's).
ID_CLOCK_SKEW = timedelta(days=1)
_INT4 = (-(2**31), 2**31 - 1)
_COMPARE = (">", "<", ">=", "<=")
_RELATIVE = re.compile(r"([+-])(\d{1,6})([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")
_HEX = re.compile(r"[0-9a-fA-F-]{1,36}")
MAX_PATH = 16


def id_at(moment: datetime) -> UUID:
    """The smallest job id made at `moment`: Chancy ids start with 56 bits of 100 ns ticks."""
    ticks = int(moment.timestamp() * 10_000_000) & 0xFFFFFFFFFFFFFF
    return UUID(int=ticks << 68)


@dataclass(frozen=True)
class Env:
    """What a clause compiles against: the jobs table, the moment relative times count from,
    and the settings (which say whether the optional indexes exist)."""

    table: sql.Identifier
    now: datetime
    settings: Settings

    @property
    def prefix(self) -> str:
        """Chancy's table prefix (`chancy_` for `chancy_jobs`), for qualifiers that join
        another table of the same app."""
        name = self.table.as_string(None).strip('"').replace('""', '"')
        return name.removesuffix("jobs")


@dataclass(frozen=True)
class Clause:
    sql: sql.Composable
    params: list[Any] = field(default_factory=list)
    #: No index serves it: the search is limited to the newest jobs (see compile.py).
    bounded: bool = False


@dataclass(frozen=True)
class Qualifier:
    name: str
    #: One line for suggestions and the docs.
    detail: str
    compile: Callable[[Term, Env], Clause]
    #: Which index serves it ("" for none), as the docs list it.
    index: str = ""
    #: `kwargs.` and `meta.`: the name is followed by a path (`kwargs.user.email`).
    path: bool = False
    #: The values suggestions offer after the colon (states).
    values: tuple[str, ...] = ()
    #: An example for the docs and suggestions.
    example: str = ""


QUALIFIERS: dict[str, Qualifier] = {}


def register(qualifier: Qualifier) -> Qualifier:
    QUALIFIERS[qualifier.name] = qualifier
    return qualifier


def lookup(term: Term) -> Qualifier:
    """The qualifier a term names, or a QueryError at its name listing those that exist."""
    assert term.name is not None
    head, dot, _ = term.name.partition(".")
    qualifier = QUALIFIERS.get(head.lower())
    if qualifier is None or qualifier.path != bool(dot):
        if qualifier is not None and qualifier.path:
            raise QueryError(
                f"{head}: needs a path, as in {head}.user_id:42",
                term.position + len(head),
                [f"{head}.<path>"],
            )
        raise QueryError(f"Unknown qualifier: {term.name}", term.position, names())
    return qualifier


def names() -> list[str]:
    """What may come before a colon: every qualifier, with `<path>` after those that take one."""
    return sorted(f"{q.name}.<path>" if q.path else q.name for q in QUALIFIERS.values())


def column(name: str) -> sql.Composable:
    return sql.SQL("j.") + sql.Identifier(name)


def _op_error(value: Value, allowed: Sequence[str]) -> QueryError:
    shown = [op or "a value without an operator" for op in allowed]
    return QueryError(
        f"Operator {value.op!r} is not allowed here", value.position - len(value.op), shown
    )


def _check_op(value: Value, allowed: Sequence[str]) -> None:
    if value.op not in allowed:
        raise _op_error(value, allowed)


def _items(value: Value) -> list[tuple[str, int]]:
    """A comma-separated list (unquoted) as (item, position) pairs; a quoted value is one item."""
    if value.quoted:
        return [(value.text, value.position)]
    items, position = [], value.position
    for item in value.text.split(","):
        if not item:
            raise QueryError("An empty item in a list", position, ["a value"])
        items.append((item, position))
        position += len(item) + 1
    return items


# Text columns -----------------------------------------------------------------------------


def contains_pattern(text: str) -> str:
    """An ILIKE pattern matching `text` anywhere, its own `%`, `_` and `\\` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_column(
    name: str, *, contains: bool = True, choices: tuple[str, ...] = ()
) -> Callable[[Term, Env], Clause]:
    """`name:a` (exact), `name:a,b` (any of them) and, if `contains`, `name:~a` (contains)."""

    def compile_(term: Term, env: Env) -> Clause:
        value = term.value
        _check_op(value, ("", "~") if contains else ("",))
        if value.op == "~":
            return Clause(column(name) + sql.SQL(" ILIKE %s"), [contains_pattern(value.text)])
        items = _items(value)
        for item, position in items:
            if choices and item not in choices:
                raise QueryError(f"Unknown {term.name}: {item}", position, list(choices))
        if len(items) == 1:
            return Clause(column(name) + sql.SQL(" = %s"), [items[0][0]])
        return Clause(column(name) + sql.SQL(" = ANY(%s)"), [[item for item, _ in items]])

    return compile_


# Numbers ----------------------------------------------------------------------------------


def _integer(text: str, position: int) -> int:
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or not re.fullmatch(r"[+-]?\d+", text):
        raise QueryError(f"Not an integer: {text}", position, ["an integer"])
    if not _INT4[0] <= number <= _INT4[1]:
        raise QueryError(f"Out of range: {text}", position, ["an integer of 32 bits"])
    return number


def integer_column(name: str) -> Callable[[Term, Env], Clause]:
    """`name:3`, `name:>3` (and `<`, `>=`, `<=`), and the inclusive range `name:1..5`."""

    def compile_(term: Term, env: Env) -> Clause:
        value = term.value
        _check_op(value, ("", *_COMPARE))
        if value.quoted:
            raise QueryError("A number is not quoted", value.position, ["an integer"])
        if not value.op and ".." in value.text:
            low_text, high_text = value.text.split("..", 1)
            high_at = value.position + len(low_text) + 2
            parts, params = [], []
            if low_text:
                parts.append(column(name) + sql.SQL(" >= %s"))
                params.append(_integer(low_text, value.position))
            if high_text:
                parts.append(column(name) + sql.SQL(" <= %s"))
                params.append(_integer(high_text, high_at))
            if not parts:
                raise QueryError("A range needs a bound", value.position, ["an integer"])
            return Clause(sql.SQL("(") + sql.SQL(" AND ").join(parts) + sql.SQL(")"), params)
        op = sql.SQL(value.op or "=")
        return Clause(
            column(name) + sql.SQL(" ") + op + sql.SQL(" %s"),
            [_integer(value.text, value.position)],
        )

    return compile_


# Times ------------------------------------------------------------------------------------

T = TypeVar("T")


def range_bounds(
    value: Value, parse: Callable[[str, int], T], expected: list[str]
) -> list[tuple[str, T]]:
    """`a..b` as bounds: from `a`, under `b`; either side may be left out, not both. `parse`
    reads one side from its text and its position in the query."""
    low_text, high_text = value.text.split("..", 1)
    bounds: list[tuple[str, T]] = []
    if low_text:
        bounds.append((">=", parse(low_text, value.position)))
    if high_text:
        bounds.append(("<", parse(high_text, value.position + len(low_text) + 2)))
    if not bounds:
        raise QueryError("A range needs a bound", value.position, expected)
    return bounds


TIME_EXPECTED = ["a relative time (-15m, -2h, -7d)", "an ISO 8601 date or time"]


def parse_time(text: str, position: int, now: datetime) -> tuple[datetime, timedelta | None]:
    """A moment, and for a bare date the length of that day (so `created:2026-01-02` is the
    day). Relative times count from `now`; a time without an offset is UTC."""
    if match := _RELATIVE.fullmatch(text):
        sign, amount, unit = match.groups()
        delta = timedelta(**{_UNITS[unit]: int(amount)})
        try:
            return (now - delta if sign == "-" else now + delta), None
        except OverflowError:
            raise QueryError(f"Out of range: {text}", position, TIME_EXPECTED) from None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            moment, span = datetime(day.year, day.month, day.day, tzinfo=UTC), timedelta(days=1)
        else:
            moment, span = datetime.fromisoformat(text), None
    except ValueError:
        raise QueryError(f"Not a time: {text}", position, TIME_EXPECTED) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not EARLIEST <= moment <= LATEST:
        raise QueryError(f"Out of range: {text}", position, TIME_EXPECTED)
    return moment, span


def time_column(name: str) -> Callable[[Term, Env], Clause]:
    """`name:>-2h` (and `<`, `>=`, `<=`); `name:-2h` (since); `name:2026-01-02` (that day);
    `name:a..b` (from a, before b; either side may be left out)."""

    def compile_(term: Term, env: Env) -> Clause:
        value = term.value
        _check_op(value, ("", *_COMPARE))
        bounds: list[tuple[str, datetime]] = []
        if not value.op and ".." in value.text:
            bounds = range_bounds(
                value, lambda text, at: parse_time(text, at, env.now)[0], TIME_EXPECTED
            )
        else:
            moment, span = parse_time(value.text, value.position, env.now)
            if value.op:
                bounds.append((value.op, moment))
            elif span is not None:
                bounds += [(">=", moment), ("<", moment + span)]
            else:
                bounds.append((">=", moment))
        parts: list[sql.Composable] = []
        params: list[Any] = []
        for op, moment in bounds:
            parts.append(column(name) + sql.SQL(f" {op} %s"))  # op from _COMPARE
            params.append(moment)
            if name == "created_at":
                # Ids start with their creation time: the same bound on the id (widened for
                # clock skew) lets the primary key serve a time window as a range scan.
                lower = op in (">", ">=")
                try:
                    edge = moment - ID_CLOCK_SKEW if lower else moment + ID_CLOCK_SKEW
                except OverflowError:
                    continue
                parts.append(sql.SQL("j.id >= %s" if lower else "j.id < %s"))
                params.append(id_at(edge))
        return Clause(sql.SQL("(") + sql.SQL(" AND ").join(parts) + sql.SQL(")"), params)

    return compile_


# Durations --------------------------------------------------------------------------------

DURATION_EXPECTED = ["a duration (250ms, 2s, 1.5m, 1h)"]
_DURATION = re.compile(r"(\d{1,9}(?:\.\d{1,6})?)(ms|s|m|h)")
_DURATION_UNITS = {"ms": "milliseconds", **_UNITS}  # the pattern allows ms, s, m and h

#: How long a job ran: a finished job from its start to its end, a running one from its start
#: until the query's moment (its first placeholder). Chancy sets `completed_at` only when a job
#: succeeds or finally fails, so a job waiting for a retry (or never started) has no duration.
RUN_TIME = sql.SQL(
    "(CASE WHEN j.state = 'running' THEN %s - j.started_at"
    " WHEN j.state IN ('succeeded', 'failed') THEN j.completed_at - j.started_at END)"
)


def parse_duration(text: str, position: int) -> timedelta:
    """`250ms`, `2s`, `1.5m`, `1h`: a number (up to six decimals) and its unit."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise QueryError(f"Not a duration: {text}", position, DURATION_EXPECTED)
    amount, unit = match.groups()
    return timedelta(**{_DURATION_UNITS[unit]: float(amount)})


def compile_duration(term: Term, env: Env) -> Clause:
    """`duration:>2s` (and `<`, `>=`, `<=`), and `duration:1s..5s` (from 1 s, under 5 s).

    A bare `duration:2s` is refused rather than guessed at: "exactly 2 s" matches nothing, and
    "at least" or "at most" are both plausible readings."""
    value = term.value
    _check_op(value, ("", *_COMPARE))
    if value.quoted:
        raise QueryError("A duration is not quoted", value.position, DURATION_EXPECTED)
    bounds: list[tuple[str, timedelta]] = []
    if value.op:
        bounds.append((value.op, parse_duration(value.text, value.position)))
    elif ".." in value.text:
        bounds = range_bounds(value, parse_duration, DURATION_EXPECTED)
    else:
        raise QueryError(
            f"A duration needs a comparison: duration:>{value.text} or duration:<{value.text}",
            value.position,
            [*_COMPARE, "a range (1s..5s)"],
        )
    parts = [RUN_TIME + sql.SQL(f" {op} %s") for op, _ in bounds]  # op from _COMPARE
    params = [p for _, length in bounds for p in (env.now, length)]
    # No index holds a difference of two columns: the search is bounded to the newest jobs.
    return Clause(sql.SQL("(") + sql.SQL(" AND ").join(parts) + sql.SQL(")"), params, bounded=True)


# Ids --------------------------------------------------------------------------------------


def id_range(text: str) -> tuple[UUID, UUID] | None:
    """The ids starting with the hex digits of `text` (dashes ignored), or None if it is not
    the start of an id."""
    if not _HEX.fullmatch(text):
        return None
    digits = text.replace("-", "")
    if not digits or len(digits) > 32:
        return None
    low = UUID(digits.ljust(32, "0"))
    high = UUID(digits.ljust(32, "f"))
    return low, high


def compile_id(term: Term, env: Env) -> Clause:
    value = term.value
    _check_op(value, ("",))
    span = id_range(value.text)
    if span is None:
        raise QueryError(f"Not a job id: {value.text}", value.position, ["a job id or its start"])
    if span[0] == span[1]:
        return Clause(sql.SQL("j.id = %s"), [span[0]])
    return Clause(sql.SQL("j.id BETWEEN %s AND %s"), list(span))


def compile_bare(term: Term, env: Env) -> Clause:
    """A bare word: a function name containing it, or an id starting with it."""
    pattern = contains_pattern(term.value.text)
    span = None if term.value.quoted else id_range(term.value.text)
    if span is None:
        return Clause(sql.SQL("j.func ILIKE %s"), [pattern])
    return Clause(sql.SQL("(j.func ILIKE %s OR j.id BETWEEN %s AND %s)"), [pattern, *span])


# Arguments and metadata -------------------------------------------------------------------


def json_value(value: Value) -> Any:
    """An unquoted `42`, `4.2`, `true`, `false` or `null` as that JSON value; anything else
    (and anything quoted) as a string. So `42` matches the number and `"42"` the string."""
    if value.quoted:
        return value.text
    literals: dict[str, Any] = {"true": True, "false": False, "null": None}
    if value.text in literals:
        return literals[value.text]
    if _NUMBER.fullmatch(value.text):
        number = float(value.text)
        is_int = number.is_integer() and not re.search(r"[.eE]", value.text)
        return int(value.text) if is_int else number
    return value.text


def _path(term: Term) -> list[str]:
    assert term.name is not None
    head, _, rest = term.name.partition(".")
    segments, position = [], term.position + len(head) + 1
    for segment in rest.split("."):
        if not segment:
            raise QueryError("An empty key in a path", position, ["a key"])
        segments.append(segment)
        position += len(segment) + 1
    if len(segments) > MAX_PATH:
        raise QueryError(f"A path has at most {MAX_PATH} keys", term.position, [])
    return segments


def _nest(path: list[str], leaf: Any) -> Any:
    for key in reversed(path):
        leaf = {key: leaf}
    return leaf


def json_column(name: str) -> Callable[[Term, Env], Clause]:
    """`kwargs.a.b:42` (typed equality, by containment, which a GIN index serves),
    `kwargs.a:*` (has the key), `kwargs.a:~x` (a string containing x), `kwargs.a:>5`."""

    def compile_(term: Term, env: Env) -> Clause:
        path, value = _path(term), term.value
        _check_op(value, ("", "~", *_COMPARE))
        col = column(name)
        at_path = col + sql.SQL(" #> %s")
        if value.op == "~":
            return Clause(
                sql.SQL("(jsonb_typeof({p}) = 'string' AND {c} #>> %s ILIKE %s)").format(
                    p=at_path, c=col
                ),
                [path, path, contains_pattern(value.text)],
                bounded=True,
            )
        if value.op:
            number = json_value(value)
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise QueryError(f"Not a number: {value.text}", value.position, ["a number"])
            return Clause(
                # CASE, not AND: SQL does not promise to test the type before the cast.
                sql.SQL(
                    "CASE WHEN jsonb_typeof({p}) = 'number' THEN ({p})::numeric {op} %s END"
                ).format(p=at_path, op=sql.SQL(value.op)),
                [path, path, number],
                bounded=True,
            )
        if value.text == "*" and not value.quoted:
            # `#>` finds a key holding null too (as JSON null, not SQL NULL).
            return Clause(at_path + sql.SQL(" IS NOT NULL"), [path], bounded=True)
        return Clause(
            col + sql.SQL(" @> %s"),
            [Jsonb(_nest(path, json_value(value)))],
            bounded=not env.settings.search_indexes,
        )

    return compile_


# Errors -----------------------------------------------------------------------------------

#: The latest traceback, and its last line (usually `ExceptionType: message`).
TRACEBACK = sql.SQL("(j.errors->-1->>'traceback')")
LAST_LINE = sql.SQL("split_part(rtrim(j.errors->-1->>'traceback', E'\\n\\r\\t '), E'\\n', -1)")


def compile_error(term: Term, env: Env) -> Clause:
    """`error:"text"`: the latest traceback contains it, as written; `error:~text`: ignoring
    case. The first is LIKE, six times cheaper than ILIKE over tracebacks (ILIKE folds case
    character by character), and a pasted line of a traceback has its case already."""
    _check_op(term.value, ("", "~"))
    op = sql.SQL(" ILIKE %s" if term.value.op == "~" else " LIKE %s")
    return Clause(TRACEBACK + op, [contains_pattern(term.value.text)], bounded=True)


def compile_exception(term: Term, env: Env) -> Clause:
    """The type of the last error: `ValueError` matches `ValueError: ...` and
    `app.errors.ValueError: ...`."""
    value = term.value
    _check_op(value, ("",))
    kind = sql.SQL("split_part({}, ':', 1)").format(LAST_LINE)
    escaped = value.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Clause(
        sql.SQL("({k} = %s OR {k} LIKE %s)").format(k=kind),
        [value.text, f"%.{escaped}"],
        bounded=True,
    )


# Failure groups ---------------------------------------------------------------------------

_FINGERPRINT = re.compile(r"[0-9a-fA-F]{16}")


def compile_failure(term: Term, env: Env) -> Clause:
    """The jobs whose latest failure is in a failure group (several with commas): a subquery
    on the failure groups' record of the jobs they folded (`chancy_web.failures.fold`), which
    its fingerprint index serves."""
    value = term.value
    _check_op(value, ("",))
    fingerprints = []
    for item, position in _items(value):
        if not _FINGERPRINT.fullmatch(item):
            raise QueryError(
                f"Not a failure group: {item}", position, ["a fingerprint (16 hex digits)"]
            )
        fingerprints.append(item.lower())
    folded = sql.Identifier(f"{env.prefix}web_failure_jobs")
    return Clause(
        sql.SQL("j.id IN (SELECT f.job_id FROM {} f WHERE f.fingerprint = ANY(%s))").format(folded),
        [fingerprints],
    )


# The registry -----------------------------------------------------------------------------

for _qualifier in (
    Qualifier(
        "state",
        "Job state; several with commas",
        text_column("state", contains=False, choices=JOB_STATES),
        index="list indexes",
        values=JOB_STATES,
        example="state:failed,retrying",
    ),
    Qualifier("queue", "Queue name (~ for contains)", text_column("queue"), example="queue:emails"),
    Qualifier(
        "func",
        "Function name, exact (~ for contains)",
        text_column("func"),
        example="func:~report",
    ),
    Qualifier("id", "Job id, or its start", compile_id, index="primary key", example="id:0199a3f2"),
    Qualifier(
        "unique_key",
        "Unique key (~ for contains)",
        text_column("unique_key"),
        index="web_jobs_unique_key",
        example="unique_key:nightly-report",
    ),
    Qualifier(
        "worker",
        "Worker that took the job (~ for contains)",
        text_column("taken_by"),
        example="worker:~web-1",
    ),
    Qualifier("priority", "Priority", integer_column("priority"), example="priority:>5"),
    Qualifier("attempts", "Attempts made", integer_column("attempts"), example="attempts:>=3"),
    Qualifier(
        "max_attempts", "Attempts allowed", integer_column("max_attempts"), example="max_attempts:1"
    ),
    Qualifier(
        "created",
        "Created (> < >= <=, -15m, ISO 8601, a..b)",
        time_column("created_at"),
        index="primary key",
        example="created:>-2h",
    ),
    Qualifier(
        "scheduled",
        "Scheduled to run",
        time_column("scheduled_at"),
        index="web_jobs_waiting (with a waiting state)",
        example="scheduled:<-15m",
    ),
    Qualifier(
        "started",
        "Started",
        time_column("started_at"),
        index="web_jobs_running (with state:running)",
        example="started:<-1h",
    ),
    Qualifier(
        "completed",
        "Completed",
        time_column("completed_at"),
        index="web_jobs_finished (with a finished state)",
        example="completed:2026-01-02",
    ),
    Qualifier(
        "duration",
        "Run time (> < >= <= with ms, s, m, h; a..b); running jobs: so far",
        compile_duration,
        example="duration:>2s",
    ),
    Qualifier(
        "kwargs",
        "An argument: typed value, * has key, ~ contains",
        json_column("kwargs"),
        index="web_jobs_kwargs (GIN, when search_indexes is on; equality only)",
        path=True,
        example='kwargs.user.email:"ada@example.com"',
    ),
    Qualifier(
        "meta",
        "Metadata: typed value, * has key, ~ contains",
        json_column("meta"),
        index="web_jobs_meta (GIN, when search_indexes is on; equality only)",
        path=True,
        example="meta.tenant:42",
    ),
    Qualifier(
        "error",
        "Text in the latest traceback (~ ignores case)",
        compile_error,
        example='error:"connection refused"',
    ),
    Qualifier(
        "exception",
        "Exception type of the last error",
        compile_exception,
        example="exception:ValueError",
    ),
    Qualifier(
        "failure",
        "Failure group (its fingerprint): the latest failure is in it",
        compile_failure,
        index="web_failure_jobs_fingerprint, then the primary key",
        example="failure:9d9883a77e6c7a0f",
    ),
):
    register(_qualifier)
