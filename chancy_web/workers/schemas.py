from __future__ import annotations

from datetime import datetime

import msgspec


class WorkerInfo(msgspec.Struct, kw_only=True):
    """A worker's last heartbeat. Rows past `expires_at` linger until a worker prunes them,
    so `expired` flags them instead of hiding them."""

    worker_id: str
    tags: list[str]
    queues: list[str]
    last_seen: datetime
    expires_at: datetime
    is_leader: bool
    expired: bool
