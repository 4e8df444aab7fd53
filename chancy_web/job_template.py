"""A job to push later, as chancy stores it for a cron schedule or a workflow step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec


class JobTemplateLimit(msgspec.Struct, kw_only=True):
    #: "time" or "memory". Named as in chancy 0.26's web plugin (`asdict` of chancy's `Limit`),
    #: unlike
    #: the `{t, v}` of job rows.
    type_: str
    value: int


class JobTemplate(msgspec.Struct, kw_only=True):
    """A job to push later (a schedule's or a workflow step's), in chancy 0.26's web plugin's
    `asdict` form."""

    func: str
    queue: str
    kwargs: dict[str, Any] | None
    priority: int
    max_attempts: int
    #: The time stored with the template (when it was scheduled), not when it will run.
    scheduled_at: datetime
    limits: list[JobTemplateLimit]
    unique_key: str | None
    meta: dict[str, Any]

    @classmethod
    def from_packed(cls, data: dict[str, Any]) -> JobTemplate:
        """From chancy's packed form (`Job.pack()`: keys f, q, k, ...), as stored in its tables."""
        return cls(
            func=data["f"],
            queue=data["q"],
            kwargs=data["k"],
            priority=data["p"],
            max_attempts=data["a"],
            scheduled_at=datetime.fromtimestamp(data["s"], tz=UTC),
            limits=[JobTemplateLimit(type_=lim["t"], value=lim["v"]) for lim in data["l"]],
            unique_key=data["u"],
            meta=data.get("m") or {},
        )
