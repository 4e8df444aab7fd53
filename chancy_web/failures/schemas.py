from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

FailureStatus = Literal["open", "resolved", "ignored"]


class FailureGroup(msgspec.Struct, kw_only=True):
    """A failure group: the failed attempts of one fingerprint (see docs/failures.md).

    Counts are of attempts: a job that failed three times counts three. Windowed counts add
    whole hours: `count_24h` is the current hour and the 24 before it."""

    fingerprint: str
    #: The last exception's type ("" when the text was not a Python traceback).
    exception: str
    #: Its message with ids replaced by placeholders (the group's template).
    message: str
    #: `file:function` of the failing frame, or "".
    frame: str
    count: int
    count_1h: int
    count_24h: int
    count_7d: int
    first_seen: datetime
    last_seen: datetime
    status: FailureStatus
    #: It was resolved, then failed again (it reopened by itself); cleared by a reopen.
    regressed: bool
    #: First seen within the last 24 hours.
    new: bool
    resolved_at: datetime | None
    reopened_at: datetime | None
    #: Up to 50 each, sorted.
    functions: list[str]
    queues: list[str]
    #: The job of the latest occurrence (it may have been pruned since).
    sample_job_id: UUID | None
    #: Occurrences per hour for the last 24 hours, oldest first, the current hour last.
    sparkline: list[int]


class FoldProgress(msgspec.Struct, kw_only=True):
    """Where folding failures into groups stands."""

    #: False until the first fold has run.
    started: bool
    #: The backfill of failed jobs that existed at the first fold, newest first.
    backfill_done: int
    backfill_total: int | None
    backfill_finished: bool
    #: Failed jobs completed up to here are in the counts (the live fold's watermark).
    folded_until: datetime | None
    #: When a fold last ran.
    folded_at: datetime | None


class FailurePage(msgspec.Struct, kw_only=True):
    """One keyset page of a tab, most recently seen first. Pass `next_cursor` as `cursor`
    for the groups seen before, `prev_cursor` for those seen after."""

    items: list[FailureGroup]
    has_more: bool
    next_cursor: str | None
    prev_cursor: str | None
    fold: FoldProgress


class FailureHour(msgspec.Struct, kw_only=True):
    hour: datetime
    count: int


class FailureGroupDetail(FailureGroup, kw_only=True):
    """A group with its sample traceback and hourly counts."""

    #: The latest occurrence's traceback as Chancy stored it (the last 64,000 characters).
    traceback: str | None
    #: Hours of the last 14 days with at least one occurrence, oldest first.
    hours: list[FailureHour]
