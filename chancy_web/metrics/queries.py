"""Metrics through the Metrics plugin's own readers (`list_metrics`, `get_metrics`), and the
slowest jobs, read from the jobs table.

The readers keep Chancy's window rules, retention, limits and 10-second read cache; this module
only turns their dataclasses into the API's Structs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, get_args

from chancy import Chancy
from chancy.plugins.metrics import Metrics
from chancy.plugins.metrics.metrics import Metric
from psycopg import sql

from chancy_web.db import Reader, table
from chancy_web.metrics.schemas import (
    HistogramValue,
    MetricCatalog,
    MetricData,
    MetricPoint,
    MetricSeries,
    Resolution,
    SlowestJobs,
    SlowJob,
)


def find_plugin(chancy: Chancy) -> Metrics | None:
    """The app's Metrics plugin (by type, so a subclass with its own identifier counts)."""
    return next((p for p in chancy.plugins.values() if isinstance(p, Metrics)), None)


async def catalog(chancy: Chancy, plugin: Metrics) -> MetricCatalog:
    keys: list[str] = await plugin.list_metrics(chancy)
    categories: defaultdict[str, set[str]] = defaultdict(set)
    for key in keys:
        category, _, name = key.partition(":")
        categories[category].add(name.split(":", 1)[0])
    return MetricCatalog(
        categories={k: sorted(v) for k, v in sorted(categories.items())},
        count=len(keys),
        retention={r: int(plugin.retention(r)) for r in get_args(Resolution)},
    )


def _value(value: Any) -> float | HistogramValue:
    return HistogramValue(**value) if isinstance(value, dict) else float(value)


def _series(metric: Metric) -> MetricSeries:
    summary = metric.summary
    return MetricSeries(
        type=metric.type,
        unit=metric.unit,
        data=[
            MetricPoint(timestamp=p.timestamp, value=_value(p.value), sampled_at=p.sampled_at)
            for p in metric.data
        ],
        aggregation=metric.aggregation,
        sampled_at=metric.sampled_at,
        summary=None if summary is None else _value(summary),
    )


async def metric_data(chancy: Chancy, plugin: Metrics, prefix: str, **window: Any) -> MetricData:
    """Raises ValueError (with Chancy's message) for a window or prefix it refuses."""
    result = await plugin.get_metrics(chancy, metric_prefix=prefix, **window)
    return MetricData(
        start=result["start"],
        end=result["end"],
        resolution=result["resolution"],
        generated_at=result["generated_at"],
        series={key: _series(metric) for key, metric in result["series"].items()},
    )


@dataclass(frozen=True)
class SlowestFilter:
    #: Jobs that finished at or after this moment.
    start: datetime
    #: How many of the newest finished jobs are considered at most.
    size: int
    limit: int
    func: str | None = None
    queue: str | None = None
    worker: str | None = None


#: The window's newest `size + 1` finished jobs, newest first: each finished state is an ordered
#: walk of `web_jobs_finished` (state, completed_at DESC, id DESC), and a Merge Append of the
#: two stops as soon as it has them (each walk's own LIMIT keeps the planner on the index: a
#: plain UNION of the states, or `state IN (...)`, was sorted whole, or scanned). The filters
#: apply to these, so the work stays bounded whatever they select (a rare function's older jobs
#: are then not seen, which `bounded` says). The summary row comes out even when no job
#: matches: the lateral join adds the matching jobs to it.
SLOWEST = """
WITH newest AS (
    SELECT finished.*, row_number() OVER (ORDER BY completed_at DESC, id DESC) AS n
    FROM (
        SELECT * FROM (
            (SELECT id, func, queue, state, taken_by, started_at, completed_at FROM {jobs}
             WHERE state = 'succeeded' AND completed_at >= %(start)s
             ORDER BY completed_at DESC, id DESC LIMIT %(over)s)
            UNION ALL
            (SELECT id, func, queue, state, taken_by, started_at, completed_at FROM {jobs}
             WHERE state = 'failed' AND completed_at >= %(start)s
             ORDER BY completed_at DESC, id DESC LIMIT %(over)s)
        ) AS both_states
        ORDER BY completed_at DESC, id DESC
        LIMIT %(over)s
    ) AS finished
), summary AS (
    SELECT coalesce((SELECT max(n) FROM newest), 0) > %(size)s AS bounded,
           (SELECT completed_at FROM newest WHERE n = %(size)s) AS since
)
SELECT summary.bounded, summary.since, slow.id, slow.func, slow.queue, slow.state,
       slow.started_at, slow.completed_at, slow.seconds
FROM summary LEFT JOIN LATERAL (
    SELECT id, func, queue, state, started_at, completed_at,
           extract(epoch FROM completed_at - started_at)::float8 AS seconds
    FROM newest
    WHERE n <= %(size)s AND started_at IS NOT NULL
      AND (%(func)s::text IS NULL OR func = %(func)s)
      AND (%(queue)s::text IS NULL OR queue = %(queue)s)
      AND (%(worker)s::text IS NULL OR taken_by = %(worker)s)
    ORDER BY completed_at - started_at DESC, id DESC
    LIMIT %(limit)s
) AS slow ON true
"""


def slowest_query(chancy: Chancy, f: SlowestFilter) -> tuple[sql.Composed, dict[str, Any]]:
    """The statement `slowest_jobs` runs, and its parameters (for the plan tests too)."""
    query = sql.SQL(SLOWEST).format(jobs=table(chancy, "jobs"))
    params = {
        "start": f.start,
        "over": f.size + 1,
        "size": f.size,
        "func": f.func,
        "queue": f.queue,
        "worker": f.worker,
        "limit": f.limit,
    }
    return query, params


async def slowest_jobs(db: Reader, chancy: Chancy, f: SlowestFilter) -> SlowestJobs:
    query, params = slowest_query(chancy, f)
    rows: list[tuple[Any, ...]] = await db.all(query, params)
    bounded, since = rows[0][0], rows[0][1]
    items = [
        SlowJob(
            id=row[2],
            func=row[3],
            queue=row[4],
            state=row[5],
            started_at=row[6],
            completed_at=row[7],
            duration=row[8],
        )
        for row in rows
        if row[2] is not None
    ]
    return SlowestJobs(
        items=items,
        start=f.start,
        bounded=bounded,
        size=f.size,
        considered_since=since if bounded else None,
    )
