from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import msgspec
from chancy.plugins.metrics import Metrics
from chancy.plugins.metrics.metrics import RESOLUTIONS
from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, QueryParameter

from chancy_web.context import Ctx
from chancy_web.db import on_chancys_pool, read
from chancy_web.metrics import queries
from chancy_web.metrics.schemas import MetricCatalog, MetricData, SlowestJobs
from chancy_web.shared_reads import json_body, request_key
from chancy_web.types import AnyRequest
from chancy_web.validation import NO_NUL

#: The longest window the slowest jobs are looked for in: a year (the work is bounded by
#: `slowest_jobs_window` whatever the window).
MAX_SLOWEST_RANGE_S = 366 * 86400
MAX_SLOWEST = 100

FuncParam = Annotated[
    str | None, QueryParameter(description="Only jobs of this function (exact)", pattern=NO_NUL)
]
QueueParam = Annotated[
    str | None, QueryParameter(description="Only jobs of this queue (exact)", pattern=NO_NUL)
]
WorkerParam = Annotated[
    str | None, QueryParameter(description="Only jobs this worker ran (exact)", pattern=NO_NUL)
]


async def provide_metrics(ctx: Ctx) -> Metrics:
    plugin = queries.find_plugin(ctx.chancy)
    if plugin is None:
        raise NotFoundException("The Metrics plugin is not enabled in this Chancy app")
    return plugin


class MetricController(Controller):
    path = "/metrics"
    tags = ["metrics"]
    dependencies = {"metrics": Provide(provide_metrics)}

    @get(
        "/",
        operation_id="listMetrics",
        summary="The recorded metrics, by category",
        raises=[NotFoundException],
    )
    async def list_metrics(self, ctx: Ctx, metrics: NamedDependency[Metrics]) -> MetricCatalog:
        return await on_chancys_pool(ctx, lambda: queries.catalog(ctx.chancy, metrics))

    @get(
        "/slowest-jobs",
        operation_id="listSlowestJobs",
        summary="The finished jobs that ran longest in the last `range` seconds",
        description=(
            "Succeeded and failed jobs that finished in the window, slowest first (run time: "
            "`completed_at - started_at`). Of the window's finished jobs only the newest "
            "`slowest_jobs_window` (20,000 by default) are considered, before the function, "
            "queue and worker filters: when more finished, `bounded` is true and "
            "`considered_since` says from when. Identical requests at the same moment share "
            "one query."
        ),
        raises=[ValidationException],
    )
    async def list_slowest_jobs(
        self,
        ctx: Ctx,
        request: AnyRequest,
        range_seconds: Annotated[
            int,
            QueryParameter(
                name="range",
                description="Window length in seconds, ending now",
                ge=1,
                le=MAX_SLOWEST_RANGE_S,
            ),
        ] = 86400,
        func: FuncParam = None,
        queue: QueueParam = None,
        worker_id: WorkerParam = None,
        limit: Annotated[
            int, QueryParameter(description="How many jobs", ge=1, le=MAX_SLOWEST)
        ] = 10,
    ) -> Response[SlowestJobs]:
        f = queries.SlowestFilter(
            start=datetime.now(UTC) - timedelta(seconds=range_seconds),
            size=ctx.settings.slowest_jobs_window,
            limit=limit,
            func=func,
            queue=queue,
            worker=worker_id,
        )

        async def body() -> bytes:
            async with read(ctx) as db:
                return msgspec.json.encode(await queries.slowest_jobs(db, ctx.chancy, f))

        return json_body(await ctx.reads.share(request_key(request), body))

    @get(
        "/{prefix:str}",
        operation_id="getMetrics",
        summary="Time series of a metric key, or of every key under a prefix",
        description=(
            "`queue:default` matches that key and the keys that start with `queue:default:`. "
            "The window is `range` seconds (default: 24 hours or the retention) or `limit` "
            "buckets ending now, or [`start`, `end`) with timezone-aware times on bucket "
            "boundaries. Windows beyond the retention or 1,000 buckets, and prefixes matching "
            "more than 100 keys, are refused with 400. Observations appear after the worker "
            "that made them flushes (every minute by default); results may be cached for 10 s."
        ),
        raises=[NotFoundException, ValidationException],
    )
    async def get_metrics(
        self,
        ctx: Ctx,
        metrics: NamedDependency[Metrics],
        prefix: FromPath[str],
        # A plain string, so that a wrong value gets Chancy's message (as chancy 0.26's web plugin
        # gave).
        resolution: Annotated[
            str,
            QueryParameter(description="Bucket size", enum=list(RESOLUTIONS)),
        ] = "5min",
        range_seconds: Annotated[
            int | None,
            QueryParameter(name="range", description="Window length in seconds, ending now"),
        ] = None,
        limit: Annotated[
            int | None, QueryParameter(description="Window length in buckets, ending now")
        ] = None,
        # Strings read with `datetime.fromisoformat`, as chancy 0.26's web plugin did: Litestar
        # would also
        # take a bare number as a Unix time, which the schema does not allow.
        start: Annotated[
            str | None,
            QueryParameter(description="Window start (inclusive)", format="date-time"),
        ] = None,
        end: Annotated[
            str | None,
            QueryParameter(
                description="Window end (exclusive); default: end of this bucket",
                format="date-time",
            ),
        ] = None,
        worker_id: Annotated[
            str | None, QueryParameter(description="Only this worker's observations")
        ] = None,
    ) -> MetricData:
        try:
            window = {
                "worker_id": worker_id,
                "resolution": resolution,
                "start": None if start is None else datetime.fromisoformat(start),
                "end": None if end is None else datetime.fromisoformat(end),
                "range_seconds": range_seconds,
                "limit": limit,
            }
            return await on_chancys_pool(
                ctx, lambda: queries.metric_data(ctx.chancy, metrics, prefix, **window)
            )
        except (ValueError, OverflowError) as exc:
            # Chancy's own messages, e.g. "range must be a multiple of resolution within
            # retention"; chancy 0.26's web plugin answered them with 422.
            raise ValidationException(str(exc)) from None
