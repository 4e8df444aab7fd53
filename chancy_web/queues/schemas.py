from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

QueueState = Literal["active", "paused"]


class QueueInfo(msgspec.Struct, kw_only=True):
    """A queue, with the reference's fields (`Queue.pack()`) plus `created_at`."""

    name: str
    concurrency: int | None
    tags: list[str]
    state: QueueState
    executor: str
    executor_options: dict[str, Any]
    polling_interval: int
    rate_limit: int | None
    rate_limit_window: int | None
    resume_at: datetime | None
    eager_polling: bool
    created_at: datetime | None
