"""Job SQL. Lists page by keyset on the key they sort by, and read the heavy columns only
for the rows of the page."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
import psycopg
from chancy import Chancy
from msgspec import Raw
from psycopg import sql
from psycopg.rows import tuple_row

from chancy_web.db import Reader, render, table
from chancy_web.jobs.filters import JobFilter
from chancy_web.jobs.schemas import JOB_STATES, JobDetail, JobRow, JobState, JobSummary
from chancy_web.migrations.indexes import NOT_BY_STATE_ID
from chancy_web.pagination import Cursor, Direction, Page, keyset_page
from chancy_web.query import Selection
from chancy_web.query.columns import ERROR
from chancy_web.query.compile import window_query
from chancy_web.query.filters import identifier, job_conditions_sql
from chancy_web.query.schemas import JobCounts, Searched

BASE_COLUMNS = sql.SQL(
    """id, queue, func, state, priority, attempts, max_attempts, taken_by, created_at,
    scheduled_at, started_at, completed_at, unique_key"""
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


def _key(order: Order, row: JobSummary) -> Any:
    return None if order.column is None else getattr(row, order.column)


def _cursor(order: Order, direction: Direction, row: JobSummary) -> Cursor:
    return Cursor(order=order.name, direction=direction, key=_key(order, row), id=row.id)


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
    where, params = job_conditions_sql(f.conditions)
    search = search or f.search
    if search is not None:
        where.append(render(search.where))
        params += search.params
    # A state's page by id reads the state's own index entries (`web_jobs_state_id`). With a
    # plain `state = 'x'` the planner may walk the primary key instead, expecting the state's
    # jobs to be spread evenly through it; unfinished jobs are all recent, so from an old id
    # that walk reads every older job to find none. Sorting by (state, id) asks for the
    # index's order; `= ANY` keeps the planner from dropping state from that sort as a constant.
    by_state_id = order.column is None and f.state not in (None, NOT_BY_STATE_ID)
    if by_state_id:
        where.append("state = ANY(%s)")
        params.append([f.state])
    elif f.state is not None:
        where.append("state = %s")
        params.append(f.state)
    if f.before is not None:
        where.append("id < %s")
        params.append(f.before)

    backwards = f.cursor is not None and f.cursor.backwards
    descending = order.descending != backwards
    if f.cursor is not None:
        f.cursor.check_order(order.name, keyed=order.column is not None)
        comparison = "<" if descending else ">"
        if order.column is None:
            where.append(f"id {comparison} %s")
            params.append(f.cursor.id)
        else:
            where.append(f"({identifier(order.column)}, id) {comparison} (%s, %s)")
            params += [f.cursor.key, f.cursor.id]

    direction = "DESC" if descending else "ASC"
    order_by = f"id {direction}"
    if order.column is not None:
        order_by = f"{identifier(order.column)} {direction}, {order_by}"
    elif by_state_id:
        order_by = f"state {direction}, {order_by}"
    query = LIST_SQL.format(
        base=_BASE_COLUMNS,
        error=_ERROR,
        preview=_PREVIEW,
        heavy="" if f.summary else f", {_HEAVY_COLUMNS}",
        carried="errors, kwargs" if f.summary else "kwargs, meta, limits, errors, claim_id",
        jobs=identifier(f"{chancy.prefix}jobs"),
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


async def list_jobs(
    db: Reader, chancy: Chancy, f: JobFilter
) -> tuple[Page[JobSummary], Searched | None]:
    """One page, and (with `q`) what the search covered."""
    search, searched = await searched_selection(db, chancy, f.search)
    q = list_query(chancy, f, search)
    try:
        rows = await db.all(q.sql, q.params, _summary_rows if f.summary else _full_rows)
    except psycopg.errors.QueryCanceled:
        if searched is None:
            raise
        # A search that ran out of time answers with what it found (nothing) and says so,
        # rather than a 503 that reads like an outage.
        empty: Page[JobSummary] = Page(items=[], has_more=False, next_cursor=None, prev_cursor=None)
        return empty, msgspec.structs.replace(searched, timed_out=True)
    return keyset_page(rows, f.limit, f.cursor, functools.partial(_cursor, q.order)), searched


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


@functools.cache
def _clones_sql(chancy: Chancy) -> str:
    # `meta ? 'cloned_from'` matches the partial index web_jobs_cloned_from, which holds
    # only clones, in this order.
    query = sql.SQL(
        "SELECT {base}, {error}, {preview}, {heavy} FROM {jobs} "
        "WHERE meta ? 'cloned_from' AND meta->>'cloned_from' = %s "
        "ORDER BY meta->>'cloned_from', id LIMIT %s"
    )
    return render(
        query.format(
            base=BASE_COLUMNS,
            error=ERROR,
            preview=PREVIEW,
            heavy=HEAVY_COLUMNS,
            jobs=table(chancy, "jobs"),
        )
    )


async def list_clones(db: Reader, chancy: Chancy, job_id: UUID, limit: int) -> list[JobRow]:
    """The jobs cloned from `job_id`, oldest first: at most `limit` + 1 (to tell if more)."""
    return await db.all(_clones_sql(chancy), (str(job_id), limit + 1), _full_rows)


async def count_matching(db: Reader, chancy: Chancy, search: Selection) -> JobCounts:
    """Exact counts, by state and queue, of the jobs a search selects, under the statement
    timeout: a search that runs out of time answers zeros and says so (`timed_out`)."""
    search_run, searched = await searched_selection(db, chancy, search)
    assert search_run is not None and searched is not None
    by_state: dict[str, int] = dict.fromkeys(JOB_STATES, 0)
    by_queue: dict[str, dict[str, int]] = {}
    query = sql.SQL(
        "SELECT j.queue, j.state, count(*) FROM {jobs} AS j WHERE {where} GROUP BY 1, 2"
    ).format(jobs=table(chancy, "jobs"), where=search_run.where)
    try:
        rows: list[tuple[str, str, int]] = await db.all(query, search_run.params)
    except psycopg.errors.QueryCanceled:
        rows, searched = [], msgspec.structs.replace(searched, timed_out=True)
    for queue, state, count in rows:
        by_state[state] = by_state.get(state, 0) + count
        by_queue.setdefault(queue, dict.fromkeys(JOB_STATES, 0))[state] = count
    return JobCounts(
        by_state=by_state,
        by_queue=by_queue,
        oldest_pending_at={},
        exact=not searched.timed_out,
        estimated_states=[],
        computed_at=datetime.now(UTC),
        searched=searched,
    )
