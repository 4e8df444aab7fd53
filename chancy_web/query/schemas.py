"""Structs of what is read about jobs across resources (the counts the dashboard and
Prometheus share)."""

from __future__ import annotations

from datetime import datetime

import msgspec


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
