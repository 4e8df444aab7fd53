"""A real worker recording metrics with the real Metrics plugin, and a client of an app that
serves them."""

from __future__ import annotations

from chancy.plugins.metrics import Metrics

from tests.helpers import plugin_app_fixtures

#: Worked only by `metrics_worker`; its metric keys are `queue:web-metrics:...`.
METRICS_QUEUE = "web-metrics"

# The tests flush by hand rather than wait for the minute-long sync interval.
metrics_chancy, metrics_worker, metrics_client = plugin_app_fixtures(
    "metrics",
    plugins=lambda: [Metrics(sync_interval=3600)],
    queue=METRICS_QUEUE,
    served=Metrics,
)
