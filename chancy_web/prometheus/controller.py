"""`GET /metrics` in the Prometheus text format: cheap to scrape, built from the same shared
counts as the dashboard (one computation per `counts_cache_s`, however many scrapers)."""

from __future__ import annotations

import secrets
from datetime import datetime

from litestar import get
from litestar.exceptions import NotAuthorizedException
from litestar.handlers import BaseRouteHandler
from litestar.openapi import ResponseSpec
from litestar.response import Response
from psycopg import sql

from chancy_web.__about__ import __version__
from chancy_web.auth.guards import require_role
from chancy_web.context import Ctx, web_context
from chancy_web.db import connect, table
from chancy_web.failures import queries as failure_queries
from chancy_web.query.counts import shared_job_counts
from chancy_web.query.schemas import JobCounts
from chancy_web.types import AnyConnection, AnyRequest

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


async def scrape_guard(connection: AnyConnection, handler: BaseRouteHandler) -> None:
    """Public when `metrics_public`, a static bearer token when `metrics_token` is set (what
    scrapers send), otherwise any logged-in viewer."""
    settings = web_context(connection.app).settings
    if settings.metrics_public:
        return
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    expected = (settings.metrics_token or "").encode()
    is_bearer = scheme.casefold() == "bearer"
    if expected and is_bearer and secrets.compare_digest(token.strip().encode(), expected):
        return
    await require_role(connection, handler)  # a session (cookie or bearer token) also works


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def render(
    job_counts: JobCounts,
    workers_alive: int,
    now: datetime,
    failure_groups: dict[str, int] | None = None,
    failure_events: int = 0,
) -> str:
    lines = [
        '# HELP chancy_jobs Jobs by queue and state (estimated="true" for planner estimates).',
        "# TYPE chancy_jobs gauge",
    ]
    for queue, states in sorted(job_counts.by_queue.items()):
        for state, count in sorted(states.items()):
            estimated = "true" if state in job_counts.estimated_states else "false"
            lines.append(
                f'chancy_jobs{{queue="{_label(queue)}",state="{state}",estimated="{estimated}"}}'
                f" {count}"
            )
    lines += [
        "# HELP chancy_queue_oldest_due_seconds Age of each queue's longest-waiting due job.",
        "# TYPE chancy_queue_oldest_due_seconds gauge",
    ]
    for queue, due in sorted(job_counts.oldest_pending_at.items()):
        age = max((now - due).total_seconds(), 0.0)
        lines.append(f'chancy_queue_oldest_due_seconds{{queue="{_label(queue)}"}} {age:.3f}')
    lines += [
        "# HELP chancy_workers_alive Workers whose heartbeat has not expired.",
        "# TYPE chancy_workers_alive gauge",
        f"chancy_workers_alive {workers_alive}",
        # Whole-installation figures only: a label per fingerprint would be a series per group.
        "# HELP chancy_failure_groups Failure groups by status (see GET /api/v1/failures).",
        "# TYPE chancy_failure_groups gauge",
        *(
            f'chancy_failure_groups{{status="{status}"}} {n}'
            for status, n in sorted((failure_groups or {}).items())
        ),
        "# HELP chancy_failure_group_events_total Failed attempts folded into failure groups.",
        "# TYPE chancy_failure_group_events_total counter",
        f"chancy_failure_group_events_total {failure_events}",
        "# HELP chancy_web_info chancy-web build information.",
        "# TYPE chancy_web_info gauge",
        f'chancy_web_info{{version="{__version__}"}} 1',
    ]
    return "\n".join(lines) + "\n"


@get(
    "/metrics",
    operation_id="getPrometheusMetrics",
    summary=(
        "Queue depth by state, oldest due job per queue, live workers and failure groups, "
        "for Prometheus"
    ),
    tags=["system"],
    guards=[scrape_guard],
    # The media type is the response's own: on the route, Litestar would give it to the
    # JSON error responses too.
    responses={
        200: ResponseSpec(
            data_container=str,
            generate_examples=False,
            media_type=CONTENT_TYPE,
            description="The Prometheus text exposition format",
        )
    },
    raises=[NotAuthorizedException],
)
async def get_prometheus_metrics(ctx: Ctx, request: AnyRequest) -> Response[str]:
    job_counts = await shared_job_counts(ctx)
    async with connect(ctx) as db:
        cursor = await db.execute(
            sql.SQL("SELECT count(*), now() FROM {workers} WHERE expires_at > now()").format(
                workers=table(ctx.chancy, "workers")
            )
        )
        row = await cursor.fetchone()
        groups, events = await failure_queries.status_counts(db, ctx.chancy)
    assert row is not None
    return Response(render(job_counts, row[0], row[1], groups, events), media_type=CONTENT_TYPE)
