"""Job SQL. Lists page by keyset on the key they sort by, and read the heavy columns only
for the rows of the page."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
import psycopg
from chancy import Chancy
from msgspec import Raw
from psycopg import sql
from psycopg.rows import tuple_row

from chancy_web.db import Reader, contains_pattern, render, table
from chancy_web.jobs.filters import Condition, Cursor, JobFilter
from chancy_web.jobs.schemas import JobDetail, JobRow, JobState, JobSummary, Searched
from chancy_web.query import Selection
from chancy_web.query.compile import window_query
from chancy_web.query.qualifiers import ID_CLOCK_SKEW, id_at

__all__ = ["ID_CLOCK_SKEW", "id_at"]  # time bounds on ids, used here since before the search

BASE_COLUMNS = sql.SQL(
    """id, queue, func, state, priority, attempts, max_attempts, taken_by, created_at,
    scheduled_at, started_at, completed_at, unique_key"""
)
#: The last line of the latest traceback, usually `ExceptionType: message`. Lists compute it
#: only for the rows of the page, after the sort and limit (see `list_jobs`). split_part with a
#: negative index (PostgreSQL 14+) is several times cheaper than a regex over the traceback.
ERROR = sql.SQL(
    "left(split_part(rtrim(errors->-1->>'traceback', E'\\n\\r\\t '), E'\\n', -1), 300) AS error"
)
#: The columns a full row adds to a summary, in JobRow's order. The JSON columns come as their
#: text, to be sent as they are: parsing and encoding them again took half of a page's time.
#: A JSON null (a job pushed with `meta=None`) reads as the empty value the schema promises.
HEAVY_COLUMNS = sql.SQL(
    """coalesce(nullif(kwargs, 'null'), '{}')::text AS kwargs,
    coalesce(nullif(meta, 'null'), '{}')::text AS meta,
    coalesce(nullif(limits, 'null'), '[]')::text AS limits,
    coalesce(nullif(errors, 'null'), '[]')::text AS errors,
    claim_id"""
)
#: The start of the arguments, as the summary shows them: bounded whatever their size.
PREVIEW = sql.SQL(
    """CASE WHEN kwargs IS NULL OR kwargs IN ('null', '{}') THEN NULL
    WHEN length(kwargs::text) > 120 THEN left(kwargs::text, 119) || '…'
    ELSE kwargs::text END AS kwargs_preview"""
)
_BASE_COLUMNS = BASE_COLUMNS.as_string(None)
_PREVIEW = PREVIEW.as_string(None)
_ERROR = ERROR.as_string(None)
_HEAVY_COLUMNS = HEAVY_COLUMNS.as_string(None)


def _summary_rows(cursor: Any) -> Callable[[Sequence[Any]], JobSummary]:
    """Rows as JobSummary, built positionally: the SELECT lists its fields in order."""
    return lambda values: JobSummary(*values)


def _with_json_text(values: Sequence[Any]) -> tuple[Any, ...]:
    """A full row's values, its JSON columns' text as msgspec.Raw: encoded as it is."""
    *summary, kwargs, meta, limits, errors, claim_id = values
    return (*summary, Raw(kwargs), Raw(meta), Raw(limits), Raw(errors), claim_id)


def _full_rows(cursor: Any) -> Callable[[Sequence[Any]], JobRow]:
    """Rows as JobRow, positionally, with the JSON columns as their text."""
    return lambda values: JobRow(*_with_json_text(values))


def _detail_row(cursor: Any) -> Callable[[Sequence[Any]], JobDetail]:
    return lambda values: JobDetail(*_with_json_text(values))


@dataclass(frozen=True)
class Order:
    """How a list is sorted: by `column` (then id), or by id alone when `column` is None."""

    name: str
    column: str | None
    descending: bool


NEWEST = Order("newest", None, True)
#: Each state sorts by the time that matters for it; id breaks ties so the order is total.
ORDER_BY_STATE: dict[JobState | None, Order] = {
    None: NEWEST,
    "pending": Order("next_to_run", "scheduled_at", False),
    "retrying": Order("next_to_run", "scheduled_at", False),
    "running": Order("longest_running", "started_at", False),
    "succeeded": Order("recently_completed", "completed_at", True),
    "failed": Order("recently_completed", "completed_at", True),
}


@dataclass(frozen=True)
class Page:
    items: list[JobSummary]
    has_more: bool
    next_cursor: Cursor | None
    prev_cursor: Cursor | None
    searched: Searched | None = None


def _condition(c: Condition) -> tuple[str, Any]:
    # Fields and operators come from the allow-lists in `filters`, never from the request.
    column = _identifier(c.field)
    if c.op == "~":
        return f"{column} ILIKE %s", contains_pattern(c.value)
    return f"{column} {c.op} %s", c.value


@functools.cache
def _identifier(name: str) -> str:
    return sql.Identifier(name).as_string(None)


def _key(order: Order, row: JobSummary) -> Any:
    return None if order.column is None else getattr(row, order.column)


def _cursor(order: Order, direction: str, row: JobSummary) -> Cursor:
    return Cursor(order=order.name, direction=direction, key=_key(order, row), id=row.id)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ListQuery:
    sql: str
    params: list[Any]
    order: Order
    backwards: bool


#: One page: the rows sorted and limited, then the error line (and for full rows the heavy
#: columns) of just those.
LIST_SQL = """
SELECT {base}, {error}, {preview}{heavy} FROM (
    SELECT {base}, {carried} FROM {jobs} AS j {where} ORDER BY {order_by} LIMIT %s
) AS page
ORDER BY {order_by}
"""


def list_query(chancy: Chancy, f: JobFilter, search: Selection | None = None) -> ListQuery:
    """The SQL of one page of a job list (separate so that tests can EXPLAIN it).

    Built as a plain string from allow-listed names: composing it with `psycopg.sql` for
    every request cost more CPU than running it.
    """
    order = NEWEST if f.before is not None else ORDER_BY_STATE[f.state]
    where: list[str] = []
    params: list[Any] = []
    for condition in f.conditions:
        clause, value = _condition(condition)
        where.append(clause)
        params.append(value)
        if condition.field == "created_at":
            # Job ids start with their creation time, so the same bound on the id (widened
            # for clock skew) lets the primary key serve time windows as a range scan.
            lower = condition.op in (">", ">=")
            moment = condition.value + (-ID_CLOCK_SKEW if lower else ID_CLOCK_SKEW)
            where.append("id >= %s" if lower else "id < %s")
            params.append(id_at(moment))
    search = search or f.search
    if search is not None:
        where.append(render(search.where))
        params += search.params
    if f.state is not None:
        where.append("state = %s")
        params.append(f.state)
    if f.before is not None:
        where.append("id < %s")
        params.append(f.before)

    backwards = f.cursor is not None and f.cursor.direction == "prev"
    descending = order.descending != backwards
    if f.cursor is not None:
        f.cursor.check_order(order.name, keyed=order.column is not None)
        comparison = "<" if descending else ">"
        if order.column is None:
            where.append(f"id {comparison} %s")
            params.append(f.cursor.id)
        else:
            where.append(f"({_identifier(order.column)}, id) {comparison} (%s, %s)")
            params += [f.cursor.key, f.cursor.id]

    direction = "DESC" if descending else "ASC"
    order_by = f"id {direction}"
    if order.column is not None:
        order_by = f"{_identifier(order.column)} {direction}, {order_by}"
    query = LIST_SQL.format(
        base=_BASE_COLUMNS,
        error=_ERROR,
        preview=_PREVIEW,
        heavy="" if f.summary else f", {_HEAVY_COLUMNS}",
        carried="errors, kwargs" if f.summary else "kwargs, meta, limits, errors, claim_id",
        jobs=_identifier(f"{chancy.prefix}jobs"),
        where=f"WHERE {' AND '.join(where)}" if where else "",
        order_by=order_by,
    )
    return ListQuery(sql=query, params=[*params, f.limit + 1], order=order, backwards=backwards)


async def searched_selection(
    db: Reader, chancy: Chancy, search: Selection | None
) -> tuple[Selection | None, Searched | None]:
    """A search as it will run, and what it covers: a bounded search reads its window of
    ids first (one short walk of the primary key), so the response can name it."""
    if search is None:
        return None, None
    if search.bounded:
        query, params = window_query(table(chancy, "jobs"), search.size)
        row: tuple[Any, ...] | None = await db.one(query, params, tuple_row)
        if row is not None and row[0] is not None:
            search = search.within((row[0], row[1]))
    window = search.window
    return search, Searched(
        from_=str(window[0]) if window else None,
        to=str(window[1]) if window else None,
        bounded=search.bounded,
        timed_out=False,
        size=search.size if search.bounded else None,
    )


async def list_jobs(db: Reader, chancy: Chancy, f: JobFilter) -> Page:
    search, searched = await searched_selection(db, chancy, f.search)
    q = list_query(chancy, f, search)
    order, backwards = q.order, q.backwards
    try:
        rows = await db.all(q.sql, q.params, _summary_rows if f.summary else _full_rows)
    except psycopg.errors.QueryCanceled:
        if searched is None:
            raise
        # A search that ran out of time answers with what it found (nothing) and says so,
        # rather than a 503 that reads like an outage.
        searched = msgspec.structs.replace(searched, timed_out=True)
        return Page(items=[], has_more=False, next_cursor=None, prev_cursor=None, searched=searched)

    extra = len(rows) > f.limit
    rows = rows[: f.limit]
    if backwards:
        rows.reverse()
    # Reading forwards, more rows follow if the query found one past the page; reading
    # backwards, the page we came from follows. Rows precede the page if we came from them.
    has_more = True if backwards else extra
    has_before = extra if backwards else f.cursor is not None
    return Page(
        items=rows,
        has_more=has_more and bool(rows),
        next_cursor=_cursor(order, "next", rows[-1]) if has_more and rows else None,
        prev_cursor=_cursor(order, "prev", rows[0]) if has_before and rows else None,
        searched=searched,
    )


@functools.cache
def _get_job_sql(chancy: Chancy) -> str:
    query = sql.SQL("SELECT {base}, {error}, {preview}, {heavy} FROM {jobs} WHERE id = %s")
    return render(
        query.format(
            base=BASE_COLUMNS,
            error=ERROR,
            preview=PREVIEW,
            heavy=HEAVY_COLUMNS,
            jobs=table(chancy, "jobs"),
        )
    )


async def get_job(db: Reader, chancy: Chancy, job_id: UUID) -> JobDetail | None:
    """The job's full row: the same columns, in the same order, as a full list row."""
    return await db.one(_get_job_sql(chancy), (job_id,), _detail_row)


#: Distinct function names by a skip scan of the func index (`web_jobs_func`): one short
#: index descent per name, instead of reading every job (358 ms at 1M jobs with DISTINCT).
FUNCTIONS_SQL = sql.SQL(
    """WITH RECURSIVE f(func) AS (
        (SELECT func FROM {jobs} ORDER BY func LIMIT 1)
        UNION ALL
        SELECT (SELECT j.func FROM {jobs} AS j WHERE j.func > f.func ORDER BY j.func LIMIT 1)
        FROM f WHERE f.func IS NOT NULL
    )
    SELECT func FROM f WHERE func IS NOT NULL"""
)


async def list_functions(db: Reader, chancy: Chancy) -> list[str]:
    query = FUNCTIONS_SQL
    rows: list[tuple[str]] = await db.all(query.format(jobs=table(chancy, "jobs")))
    return [func for (func,) in rows]
