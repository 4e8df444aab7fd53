from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

JobState = Literal["pending", "running", "failed", "retrying", "succeeded"]
JOB_STATES: tuple[JobState, ...] = ("pending", "running", "failed", "retrying", "succeeded")


class JobSummary(msgspec.Struct):
    """A row of a job list with `view=summary`: everything but the heavy columns (kwargs,
    meta, limits, tracebacks), for screens that show many rows.

    Positional (not kw_only): lists build a page's rows straight from tuples, in the order of
    `queries.BASE_COLUMNS` + `error`, which is twice as fast as from keywords."""

    id: UUID
    queue: str
    func: str
    #: One of JOB_STATES; a plain string so that a row written by another Chancy version
    #: (with a state this one does not know) still fits the schema.
    state: str
    priority: int
    attempts: int
    max_attempts: int
    taken_by: str | None
    created_at: datetime
    scheduled_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    unique_key: str | None
    #: The last line of the latest traceback (usually `ExceptionType: message`), if any.
    error: str | None
    #: The start of the job's arguments as JSON text, at most 120 characters (cut short with
    #: "…"); null when it has none.
    kwargs_preview: str | None


class JobLimit(msgspec.Struct, kw_only=True):
    #: "time" or "memory".
    t: str
    v: int


class JobError(msgspec.Struct, kw_only=True):
    attempt: int
    traceback: str


class JobRow(JobSummary):
    """A row of a job list by default: every field of the reference's rows, plus `error`.

    Positional like JobSummary, its columns following (`queries.HEAVY_COLUMNS`). Built from a
    database row, its JSON columns hold their JSON text as stored (`msgspec.Raw`), which is
    encoded as it is; `msgspec.json.decode(row.kwargs)` reads one."""

    kwargs: dict[str, Any]
    meta: dict[str, Any]
    limits: list[JobLimit]
    #: Every attempt's traceback, oldest first.
    errors: list[JobError]
    claim_id: UUID | None


class JobDetail(JobRow):
    """One job: the same fields as a full list row."""


class Searched(msgspec.Struct, kw_only=True):
    """Which jobs a search (`q=`) covered. `bounded`: a term no index serves limited it to
    the newest `size` jobs, the ids `from`..`to` (null when there were none); `search=all`
    lifts that. `timed_out`: the search hit the statement timeout, and the answer holds
    nothing (a narrower query, or one an index serves, finds more)."""

    from_: str | None = msgspec.field(name="from")
    to: str | None
    bounded: bool
    timed_out: bool
    #: How many of the newest jobs a bounded search covers (`search_window`); null unbounded.
    size: int | None


class JobPage(msgspec.Struct, kw_only=True):
    """One keyset page. Pass `next_cursor` as `cursor` for older rows in the list's order, and
    `prev_cursor` for the rows before this page. `next_cursor` is null on the last page."""

    items: list[JobRow]
    has_more: bool
    next_cursor: str | None
    prev_cursor: str | None
    #: Null without `q`.
    searched: Searched | None = None


class JobSummaryPage(msgspec.Struct, kw_only=True):
    """One keyset page of `view=summary` rows; paged as JobPage."""

    items: list[JobSummary]
    has_more: bool
    next_cursor: str | None
    prev_cursor: str | None
    #: Null without `q`.
    searched: Searched | None = None


class JobCounts(msgspec.Struct, kw_only=True):
    """Jobs by state, overall and per queue, computed at most once per interval for everyone."""

    by_state: dict[str, int]
    by_queue: dict[str, dict[str, int]]
    #: Per queue, when its longest-waiting due job (pending or retrying) became due.
    oldest_pending_at: dict[str, datetime]
    #: True when every number is an exact count.
    exact: bool
    #: States whose numbers (overall and per queue) are the planner's estimates, because
    #: counting them exactly would mean reading too many rows.
    estimated_states: list[str]
    computed_at: datetime
    #: With `q`: the jobs the search covered (then every number is an exact count of them).
    searched: Searched | None = None


class JobActionResult(msgspec.Struct, kw_only=True):
    """The reference's `{"ok": true}`, with the job's state after the action (null if deleted)."""

    ok: bool
    id: UUID
    state: str | None


class JobBatch(msgspec.Struct, kw_only=True):
    """The reference's batch body. `action` is matched case-insensitively; ids that are not
    UUIDs are reported per item rather than failing the whole batch."""

    action: Annotated[
        str,
        msgspec.Meta(
            pattern="^([Rr][Ee][Tt][Rr][Yy]|[Pp][Uu][Rr][Gg][Ee]|[Cc][Aa][Nn][Cc][Ee][Ll])$"
        ),
    ]
    ids: Annotated[list[str], msgspec.Meta(min_length=1)]


class BatchItemResult(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str
    status: Literal["completed", "skipped", "failed"]
    #: Why the item was skipped or failed; absent when completed.
    message: str | None = None


class BatchResult(msgspec.Struct, kw_only=True):
    #: True only if every item completed. Completed items stay done either way.
    ok: bool
    results: list[BatchItemResult]


class Suggestion(msgspec.Struct, kw_only=True):
    #: The text to put in place of `replace`'s range of the query.
    insert: str
    label: str
    #: What it is (a qualifier's description, "function", "state", ...).
    detail: str


class SuggestRange(msgspec.Struct, kw_only=True):
    """Character offsets in `q`: the suggestion replaces `q[from:to]`."""

    from_: int = msgspec.field(name="from")
    to: int


class Suggestions(msgspec.Struct, kw_only=True):
    suggestions: list[Suggestion]
    replace: SuggestRange
