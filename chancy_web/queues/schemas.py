from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from chancy_web.queues.tags import MAX_TAG_LENGTH, MAX_TAGS, check_tags
from chancy_web.validation import NO_NUL

QueueState = Literal["active", "paused"]


class QueueInfo(msgspec.Struct, kw_only=True):
    """A queue, with chancy 0.26's web plugin's fields (`Queue.pack()`) plus `created_at`."""

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


#: Stored in Postgres `integer` columns.
PositiveInt = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]
#: No slashes (they would not fit a path), spaces or control characters.
QueueName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^/\s\x00-\x1f\x7f-\x9f]+$")
]
Tag = Annotated[str, msgspec.Meta(max_length=MAX_TAG_LENGTH, pattern=NO_NUL)]
#: Regular expressions matched against worker tags (`[]` leaves the queue to no worker). Each
#: must compile and must not backtrack catastrophically (see `chancy_web.queues.tags`).
Tags = Annotated[
    list[Tag],
    msgspec.Meta(
        max_length=MAX_TAGS,
        description="Regular expressions a worker's tags are matched against; each must "
        "compile and must not nest or chain unbounded repeats that can match the same text.",
    ),
]


class QueueCreate(msgspec.Struct, kw_only=True):
    """A new queue, with Chancy's `Queue` defaults for what is left out. Unknown keys are
    ignored, as by chancy 0.26's web plugin."""

    name: QueueName
    concurrency: PositiveInt | None = None
    tags: Tags = msgspec.field(default_factory=lambda: [".*"])
    state: QueueState = "active"
    executor: str = "chancy.executors.process.ProcessExecutor"
    executor_options: dict[str, Any] = msgspec.field(default_factory=dict)
    polling_interval: PositiveInt = 5
    rate_limit: PositiveInt | None = None
    rate_limit_window: PositiveInt | None = None
    resume_at: AwareDatetime | None = None
    eager_polling: bool = False

    def __post_init__(self) -> None:
        check_tags(self.tags)


class QueueUpdate(msgspec.Struct, kw_only=True):
    """Only the fields given change; the others keep their values."""

    concurrency: PositiveInt | None | msgspec.UnsetType = msgspec.UNSET
    tags: Tags | msgspec.UnsetType = msgspec.UNSET
    state: QueueState | msgspec.UnsetType = msgspec.UNSET
    executor: str | msgspec.UnsetType = msgspec.UNSET
    executor_options: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    polling_interval: PositiveInt | msgspec.UnsetType = msgspec.UNSET
    rate_limit: PositiveInt | None | msgspec.UnsetType = msgspec.UNSET
    rate_limit_window: PositiveInt | None | msgspec.UnsetType = msgspec.UNSET
    resume_at: AwareDatetime | None | msgspec.UnsetType = msgspec.UNSET
    eager_polling: bool | msgspec.UnsetType = msgspec.UNSET

    def __post_init__(self) -> None:
        if self.tags is not msgspec.UNSET:
            check_tags(self.tags)


class QueuePause(msgspec.Struct, kw_only=True):
    #: When a worker resumes the queue by itself; null or absent: until resumed by hand.
    resume_at: AwareDatetime | None = None


class QueueActionResult(msgspec.Struct, kw_only=True):
    """Chancy 0.26's web plugin's `{"ok": true}`, with the queue as it is now."""

    ok: bool
    queue: QueueInfo


class QueueDeleted(msgspec.Struct, kw_only=True):
    ok: bool
    name: str
    #: Jobs deleted with the queue (0 when `purge_jobs` was false).
    purged_jobs: int
