from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from chancy_web.query.schemas import Searched
from chancy_web.validation import NO_NUL

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
    """A row of a job list by default: every field of chancy 0.26's web plugin's rows, plus `error`.

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


class JobActionResult(msgspec.Struct, kw_only=True):
    """Chancy 0.26's web plugin's `{"ok": true}`, with the job's state after the action (null if
    deleted)."""

    ok: bool
    id: UUID
    state: str | None


class JobBatch(msgspec.Struct, kw_only=True):
    """Chancy 0.26's web plugin's batch body. `action` is matched case-insensitively; ids that are
    not
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


#: Postgres `integer`, the type of the jobs table's priority and max_attempts.
INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1


class JobClone(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new job with the same function, and these fields changed (the rest are copied:
    kwargs, queue, priority, max_attempts, limits, meta). It is due now unless `scheduled_at`
    says otherwise; it never takes the original's unique_key (it is a run of its own)."""

    kwargs: dict[str, Any] | None = None
    queue: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NO_NUL)] | None = None
    priority: Annotated[int, msgspec.Meta(ge=INT4_MIN, le=INT4_MAX)] | None = None
    scheduled_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    max_attempts: Annotated[int, msgspec.Meta(ge=1, le=INT4_MAX)] | None = None


class JobClones(msgspec.Struct, kw_only=True):
    """The jobs cloned from one job (`meta.cloned_from`), oldest first, with their kwargs for
    a diff; at most `limit`, `has_more` when there are others."""

    items: list[JobRow]
    has_more: bool


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
