from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

Resolution = Literal["1min", "5min", "1hour", "1day"]


class MetricCatalog(msgspec.Struct, kw_only=True):
    """The metrics recorded so far, as in chancy 0.26's web plugin: for each category (the text
    before
    the first `:`), the sorted names of its next segment (`queue:default:throughput` is
    `queue` -> `default`)."""

    categories: dict[str, list[str]]
    #: How many metric keys exist.
    count: int
    #: How long each resolution is kept, in seconds (the Metrics plugin's configuration):
    #: a window longer than its resolution's retention is refused.
    retention: dict[Resolution, int]


class HistogramValue(msgspec.Struct, kw_only=True):
    count: int
    sum: float
    avg: float
    min: float
    max: float


class MetricPoint(msgspec.Struct, kw_only=True):
    #: Start of the time bucket.
    timestamp: datetime
    #: A counter's total or a gauge's value for the bucket, or a histogram's statistics.
    value: float | HistogramValue
    #: The latest observation in the bucket.
    sampled_at: datetime


class MetricSeries(msgspec.Struct, kw_only=True):
    type: Literal["counter", "gauge", "histogram"]
    #: Such as `count`, `seconds` or `bytes`.
    unit: str
    #: Chronological; buckets without observations are left out, not zero-filled.
    data: list[MetricPoint]
    #: How values combine: `sum` (counters), `last` (gauges) or `summary` (histograms).
    aggregation: Literal["sum", "last", "summary"]
    #: The latest observation, or null when there is no data.
    sampled_at: datetime | None
    #: The counter's total, the latest gauge value, or the histogram's weighted statistics
    #: over the window; null when there is no data.
    summary: float | HistogramValue | None


class MetricData(msgspec.Struct, kw_only=True):
    """The series whose key is the prefix or starts with `<prefix>:`, over [start, end)."""

    start: datetime
    end: datetime
    resolution: Resolution
    generated_at: datetime
    series: dict[str, MetricSeries]


class SlowJob(msgspec.Struct, kw_only=True):
    """A finished job and how long it ran."""

    id: UUID
    func: str
    queue: str
    state: Literal["succeeded", "failed"]
    started_at: datetime
    completed_at: datetime
    #: `completed_at - started_at`, in seconds.
    duration: float


class SlowestJobs(msgspec.Struct, kw_only=True):
    """The longest-running jobs of those that finished since `start`, slowest first."""

    items: list[SlowJob]
    #: The window's start (its end is the moment of the request).
    start: datetime
    #: More than `size` jobs finished in the window: only the newest `size` were considered.
    bounded: bool
    #: How many of the window's newest finished jobs are considered at most (before the
    #: function, queue and worker filters).
    size: int
    #: When bounded, the finish time of the oldest job considered; otherwise null.
    considered_since: datetime | None
