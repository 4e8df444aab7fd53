"""Structs of what is read about jobs across resources (the counts the dashboard and
Prometheus share)."""

from __future__ import annotations

from datetime import datetime

import msgspec


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
    #: Per queue, how many of its pending jobs are scheduled for later (not due yet); the rest
    #: of `by_queue[q]["pending"]` is due. Queues with none are left out; empty when pending
    #: jobs are too many to count exactly (`pending` in `estimated_states`).
    scheduled_pending: dict[str, int] = msgspec.field(default_factory=dict)
    #: With `q`: the jobs the search covered (then every number is an exact count of them).
    searched: Searched | None = None
