from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

BulkAction = Literal["retry", "cancel", "purge"]
BulkState = Literal["queued", "running", "done", "cancelled", "failed"]
UNFINISHED: tuple[BulkState, ...] = ("queued", "running")


class BulkRequest(msgspec.Struct, kw_only=True):
    """Act on every job `q` matches. Send `dry_run: true` first to learn how many; then send
    that number as `expected`, which guards against a query that now matches another set."""

    action: BulkAction
    #: A job query, as on the jobs list (empty: every job).
    q: Annotated[str, msgspec.Meta(max_length=2000)]
    dry_run: bool = False
    expected: Annotated[int, msgspec.Meta(ge=0)] | None = None


class BulkPreview(msgspec.Struct, kw_only=True):
    matched: int
    #: True when `matched` is the planner's estimate (too many jobs to count exactly).
    estimated: bool


class BulkOperation(msgspec.Struct, kw_only=True):
    id: UUID
    action: str
    q: str
    state: str
    #: How many jobs the query matched when the operation was created.
    matched: int
    #: Whether `matched` was estimated; `processed` may then end above or below it.
    estimated: bool
    #: Jobs of the set looked at so far: succeeded + skipped + failed.
    processed: int
    succeeded: int
    #: Jobs the action does not apply to in their state (retrying a running job, cancelling a
    #: finished one), left as they were, as the single actions refuse them with a 409.
    skipped: int
    failed: int
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


class BulkOperationList(msgspec.Struct, kw_only=True):
    """Newest first."""

    items: list[BulkOperation]
