"""The job list's query: parsed once from the URL into one typed `JobFilter`.

The `filters` parameter and the conditions it makes are shared with other lists
(`chancy_web.query.filters`); paging is `chancy_web.pagination`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from litestar.params import QueryParameter

from chancy_web.context import Ctx
from chancy_web.db import table
from chancy_web.jobs.schemas import JobState
from chancy_web.pagination import (
    BeforeParam,
    Cursor,
    CursorParam,
    LimitParam,
    PaginationParam,
    read_position,
)
from chancy_web.query import Selection, compile_query
from chancy_web.query.filters import Condition, FiltersParam, parse_filters
from chancy_web.validation import NO_NUL


@dataclass(frozen=True)
class JobFilter:
    limit: int
    conditions: tuple[Condition, ...] = ()
    state: JobState | None = None
    before: UUID | None = None
    cursor: Cursor | None = None
    envelope: bool = False
    #: Slim rows (`view=summary`) instead of chancy 0.26's web plugin's full ones.
    summary: bool = False
    #: The search (`q=`), compiled; None without one.
    search: Selection | None = None


QParam = Annotated[
    str | None,
    QueryParameter(
        description="A search (see docs/search.md), ANDed with the other filters, e.g. "
        "`state:failed kwargs.user_id:42`. A query that does not parse is a 400 whose "
        "`extra` gives the `position` (a character offset) and what was `expected` there."
    ),
]
SearchParam = Annotated[
    Literal["window", "all"],
    QueryParameter(
        description="`window`: a search using a term no index serves covers the newest "
        "`search_window` jobs (100,000 by default), as `searched` says; `all`: every job, "
        "within the statement timeout"
    ),
]
ViewParam = Annotated[
    Literal["full", "summary"],
    QueryParameter(
        description="`full`: every field of the rows of chancy 0.26's web plugin (kwargs, "
        "meta, limits, errors, claim_id); `summary`: without them, for screens of many rows"
    ),
]


async def provide_job_filter(
    ctx: Ctx,
    job_state: Annotated[
        JobState | None, QueryParameter(name="state", description="Only jobs in this state")
    ] = None,
    queue: Annotated[
        str | None, QueryParameter(description="Only jobs of this queue", pattern=NO_NUL)
    ] = None,
    func: Annotated[
        str | None,
        QueryParameter(description="Only jobs whose function name contains this", pattern=NO_NUL),
    ] = None,
    limit: LimitParam = 100,
    before: BeforeParam = None,
    cursor: CursorParam = None,
    pagination: PaginationParam = None,
    filters: FiltersParam = None,
    view: ViewParam = "full",
    q: QParam = None,
    search: SearchParam = "window",
) -> JobFilter:
    legacy_before, position = read_position(before, cursor)
    conditions = list(parse_filters(filters))
    if queue is not None:
        conditions.append(Condition("queue", "=", queue))
    if func is not None:
        conditions.append(Condition("func", "~", func))
    # A single state condition from `filters` picks the state's order, as `state=` does.
    states = {c.value for c in conditions if c.field == "state"}
    if job_state is None and len(states) == 1:
        job_state = states.pop()
    selection = None
    if q is not None and q.strip():
        selection = compile_query(
            q,
            table=table(ctx.chancy, "jobs"),
            now=datetime.now(UTC),
            settings=ctx.settings,
            unbounded=search == "all",
        )
    return JobFilter(
        limit=min(limit, ctx.settings.max_page_size),
        conditions=tuple(conditions),
        state=job_state,
        before=legacy_before,
        cursor=position,
        envelope=pagination == "true",
        summary=view == "summary",
        search=selection,
    )
