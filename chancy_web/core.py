"""`CoreApiPlugin`: the core routes (configuration, the job list, one job, queues, workers
and login), served through the extension point like any other `ApiPlugin`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
    ValidationException,
)
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody

from chancy_web.auth.controller import log_in
from chancy_web.auth.schemas import LoginRequest, LoginResponse
from chancy_web.context import Ctx
from chancy_web.db import read
from chancy_web.extensions import PUBLIC, ApiPlugin
from chancy_web.jobs import controller as jobs
from chancy_web.jobs.controller import JobList
from chancy_web.jobs.filters import JobFilter, provide_job_filter
from chancy_web.jobs.schemas import JobDetail
from chancy_web.queues import queries as queue_queries
from chancy_web.queues.schemas import QueueInfo
from chancy_web.system.schemas import Configuration
from chancy_web.types import AnyRequest
from chancy_web.validation import JSON_ONLY, UnsupportedMediaType
from chancy_web.workers import queries as worker_queries
from chancy_web.workers.schemas import WorkerInfo


def _unbound(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method` as a plain function with its signature: Litestar deep-copies the functions
    of its handlers, and a bound method's copy would copy the plugin, and its `Api`."""

    async def handler(*args: Any, **kwargs: Any) -> Any:
        return await method(*args, **kwargs)

    return functools.update_wrapper(handler, method)


class CoreApiPlugin(ApiPlugin):
    """The core routes, as chancy 0.26's `chancy.plugins.api.core.CoreApiPlugin`:
    configuration, the job list, one job, queues, workers and login.

    Loaded like any other `ApiPlugin` (see `chancy_web.extensions`); its `routes()` are
    Litestar handlers made from its methods. A subclass that overrides a method changes what
    its route serves, keeping the route's path, operation id and documentation. Register it
    on the `Api` plugin (`api.plugins.append(MyCore)`) or name it from a Chancy plugin's
    `api_plugin()`: it takes the core's place, so that no path has two handlers. Litestar
    passes the methods' arguments by name (`ctx`, `request`, `job_filter`, `job_id`, `data`),
    so an override keeps the names it uses.
    """

    def name(self) -> str:
        return "base"  # the core's name in chancy 0.26's web plugin

    def routes(self) -> list[HTTPRouteHandler]:
        return [
            get(
                "/configuration",
                operation_id="getConfiguration",
                summary="Plugins in use",
                tags=["system"],
            )(_unbound(self.get_configuration)),
            get(
                "/jobs",
                operation_id="listJobs",
                summary="List jobs, newest first or in the order that fits the state",
                description=(
                    "Rows carry every field of the rows of chancy 0.26's web plugin (kwargs, "
                    "meta, limits, errors, claim_id) plus `error`, the last line of the latest "
                    "traceback; `view=summary` rows leave out kwargs, meta, limits, errors and "
                    "claim_id. Without `pagination=true` the body is a bare array, as in chancy "
                    "0.26's web plugin. Pending and retrying jobs sort by scheduled_at, running "
                    "ones by started_at, finished ones by completed_at (newest first); all states "
                    "together by id, newest first. `before=<job id>` keeps the id order of chancy "
                    "0.26's web plugin."
                ),
                tags=["jobs"],
                dependencies={"job_filter": Provide(provide_job_filter)},
                raises=[ValidationException],
            )(_unbound(self.get_jobs)),
            get(
                "/jobs/{job_id:uuid}",
                operation_id="getJob",
                summary="One job with its arguments, metadata and every attempt's traceback",
                tags=["jobs"],
                raises=[NotFoundException],
            )(_unbound(self.get_job)),
            get(
                "/queues",
                operation_id="listQueues",
                summary="Every queue, by name",
                tags=["queues"],
            )(_unbound(self.get_queues)),
            get(
                "/workers",
                operation_id="listWorkers",
                summary="Every worker that has sent a heartbeat",
                tags=["workers"],
            )(_unbound(self.get_workers)),
            post(
                "/login",
                operation_id="login",
                summary="Log in; sets the session cookie and returns a bearer token",
                description=(
                    "Only `application/json` bodies are read (415 otherwise), and a browser's "
                    "request from another site's page is refused (403): a form there could "
                    "otherwise log the visitor in as someone else."
                ),
                tags=["auth"],
                status_code=200,
                raises=[
                    NotAuthorizedException,
                    PermissionDeniedException,
                    TooManyRequestsException,
                    UnsupportedMediaType,
                ],
                security=[],
                opt={PUBLIC: True, JSON_ONLY: True},
            )(_unbound(self.login)),
        ]

    async def get_configuration(self, ctx: Ctx) -> Configuration:
        return Configuration(plugins=[type(p).__name__ for p in ctx.chancy.plugins.values()])

    async def get_jobs(
        self,
        ctx: Ctx,
        request: AnyRequest,
        job_filter: NamedDependency[JobFilter],
    ) -> Response[JobList]:
        return await jobs.list_jobs(ctx, request, job_filter)

    async def get_job(self, ctx: Ctx, job_id: FromPath[UUID]) -> JobDetail:
        return await jobs.get_job(ctx, job_id)

    async def get_queues(self, ctx: Ctx) -> list[QueueInfo]:
        async with read(ctx) as db:
            return await queue_queries.list_queues(db, ctx.chancy)

    async def get_workers(self, ctx: Ctx) -> list[WorkerInfo]:
        async with read(ctx) as db:
            return await worker_queries.list_workers(db, ctx.chancy)

    async def login(
        self,
        request: AnyRequest,
        ctx: Ctx,
        data: JSONBody[LoginRequest],
    ) -> Response[LoginResponse]:
        return await log_in(request, ctx, data)
