from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

Outcome = Literal["allowed", "denied", "failed"]


class AuditEntry(msgspec.Struct, kw_only=True):
    id: int
    at: datetime
    #: Null when the request was not authenticated.
    username: str | None
    role: str | None
    #: What was attempted, e.g. `job.retry`, `queue.delete`.
    action: str
    #: What it was attempted on (a job id, a queue name), when there is one thing.
    target: str | None
    #: allowed: it was done; denied: authentication or role refused it; failed: it was
    #: allowed but did not happen (missing target, conflict, bad input, error).
    outcome: Outcome
    status_code: int
    detail: dict[str, Any]
    client: str | None


class AuditPage(msgspec.Struct, kw_only=True):
    """Newest first, paged like the job list: pass `next_cursor` as `cursor` for older
    entries and `prev_cursor` for newer ones. An entry id is still accepted as `cursor`
    (the cursors this list gave before: older entries follow)."""

    items: list[AuditEntry]
    has_more: bool
    next_cursor: str | None
    prev_cursor: str | None
