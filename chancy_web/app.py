"""create_app(): the one place the Litestar app is composed."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from chancy import Chancy
from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ControllerRouterHandler

from chancy_web import migrations
from chancy_web.__about__ import __version__
from chancy_web.audit.controller import AuditController
from chancy_web.audit.recording import record_exception
from chancy_web.auth.backends import AuthBackend, check_backend
from chancy_web.auth.controller import AuthController
from chancy_web.auth.guards import CSRF_HEADER, RequireRole
from chancy_web.background import Background, BackgroundJob
from chancy_web.bulk.controller import BulkController
from chancy_web.bulk.runner import BULK
from chancy_web.context import STATE_KEY, WebContext
from chancy_web.core import CoreApiPlugin
from chancy_web.errors import exception_handlers
from chancy_web.events.controller import EventController, events_lifespan
from chancy_web.events.ws import stream_events_ws
from chancy_web.extensions import API_PREFIX, api_host, is_public, load_api_routes
from chancy_web.failures import fold
from chancy_web.failures.controller import FailureController
from chancy_web.jobs.controller import JobController
from chancy_web.middleware import SecurityHeadersMiddleware
from chancy_web.migrations.indexes import build_concurrently
from chancy_web.prometheus.controller import get_prometheus_metrics
from chancy_web.queues.controller import QueueController
from chancy_web.settings import Settings
from chancy_web.spa.serve import STATIC_DIR, spa_handlers
from chancy_web.system.controller import SystemController, get_health, get_readiness
from chancy_web.validation import (
    FinishedJsonSchema,
    RefuseControlCharacters,
    operations_with_optional_bodies,
    schema_router,
    strict_json_body,
)
from chancy_web.views.controller import ViewController
from chancy_web.workers.controller import WorkerController

if TYPE_CHECKING:
    from chancy.worker import Worker

log = logging.getLogger("chancy_web")

SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]


#: The work every chancy-web process does in the background, whatever serves requests.
BACKGROUND_JOBS: list[BackgroundJob[WebContext]] = [fold.JOB, BULK]


def _background_jobs(settings: Settings) -> list[BackgroundJob[WebContext]]:
    """BACKGROUND_JOBS, with the intervals an app's settings choose."""
    intervals = {fold.NAME: settings.failure_fold_interval_s}
    return [
        replace(job, interval_s=intervals[job.name]) if job.name in intervals else job
        for job in BACKGROUND_JOBS
    ]


def create_app(
    chancy: Chancy,
    *,
    authentication_backend: AuthBackend,
    allow_origins: Sequence[str] | None = None,
    debug: bool = False,
    settings: Settings | None = None,
    worker: Worker | None = None,
    static_dir: Path | None = STATIC_DIR,
    extra_route_handlers: Sequence[ControllerRouterHandler] = (),
) -> Litestar:
    """The chancy-web ASGI app for `chancy`, mountable under any path prefix.

    The app opens `chancy.pool` at start-up if nobody has yet (and then closes it), and applies
    its own migrations unless `settings.migrate_on_start` is off. `extra_route_handlers` are
    served under `/api/v1` behind the same authentication as the built-in routes.
    """
    check_backend(authentication_backend)
    ctx = WebContext(chancy=chancy, auth=authentication_backend, settings=settings or Settings())
    ctx.worker = worker
    # Work that outlives a request; each kind is one BackgroundJob (see chancy_web.background).
    ctx.background = Background(ctx, _background_jobs(ctx.settings))

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        opened_here = chancy.pool.closed
        if opened_here:
            await chancy.pool.open()
        try:
            if ctx.settings.migrate_on_start:
                await build_concurrently(chancy, search_indexes=ctx.settings.search_indexes)
                if await migrations.migrate(chancy):
                    log.info("Applied chancy-web migrations")
            if ctx.settings.run_background:
                ctx.background.start()
            yield
        finally:
            await ctx.background.stop()
            if opened_here:
                await chancy.pool.close()

    # The core routes, and those of the app's Chancy plugins (crons, workflows, metrics,
    # third-party ApiPlugins).
    plugin_routes = load_api_routes(api_host(chancy), chancy, CoreApiPlugin)
    public_routes = [r for r in plugin_routes if is_public(r)]
    protected = Router(
        "/",
        middleware=[RequireRole()],
        security=SECURITY,
        route_handlers=[
            JobController,
            BulkController,
            QueueController,
            WorkerController,
            SystemController,
            AuditController,
            EventController,
            ViewController,
            FailureController,
            *(r for r in plugin_routes if not is_public(r)),
            *extra_route_handlers,
        ],
    )
    # The WebSocket authenticates itself, to refuse with 1008 (a guard would close with 4500).
    api = Router(
        API_PREFIX, route_handlers=[AuthController, stream_events_ws, *public_routes, protected]
    )
    schema = FinishedJsonSchema()

    app = Litestar(
        route_handlers=[
            get_health,
            get_readiness,
            get_prometheus_metrics,
            api,
            *spa_handlers(static_dir),
        ],
        dependencies={
            "ctx": Provide(lambda: ctx, use_cache=True, sync_to_thread=False),
        },
        state=State({STATE_KEY: ctx}),
        lifespan=[lifespan, events_lifespan],
        exception_handlers=exception_handlers,
        after_exception=[record_exception],
        middleware=[SecurityHeadersMiddleware(), RefuseControlCharacters()],
        # Log our errors without taking over the logging of a host app.
        logging_config=LoggingConfig(configure_root_logger=False),
        cors_config=CORSConfig(
            allow_origins=list(allow_origins),
            allow_headers=["authorization", "content-type", CSRF_HEADER],
        )
        if allow_origins
        else None,
        openapi_config=OpenAPIConfig(
            title="chancy-web",
            version=__version__,
            description="API of the chancy-web dashboard for the Chancy job queue.",
            path=f"{API_PREFIX}/schema",
            openapi_router=schema_router(f"{API_PREFIX}/schema"),
            render_plugins=[schema],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer"),
                    "session": SecurityScheme(
                        type="apiKey", name=ctx.settings.session_cookie, security_scheme_in="cookie"
                    ),
                }
            ),
        ),
        request_max_body_size=ctx.settings.max_body_bytes,
        before_request=strict_json_body,
        debug=debug,
    )
    schema.optional_bodies = operations_with_optional_bodies(app)
    schema.allowed_executors = ctx.settings.allowed_executors
    return app
