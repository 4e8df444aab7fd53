"""Metrics through the Metrics plugin's own readers (`list_metrics`, `get_metrics`).

They keep Chancy's window rules, retention, limits and 10-second read cache; this module only
turns their dataclasses into the API's Structs.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, get_args

from chancy import Chancy
from chancy.plugins.metrics import Metrics
from chancy.plugins.metrics.metrics import Metric

from chancy_web.metrics.schemas import (
    HistogramValue,
    MetricCatalog,
    MetricData,
    MetricPoint,
    MetricSeries,
    Resolution,
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
