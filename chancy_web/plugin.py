"""`Api`, the Chancy plugin that serves chancy-web inside a worker, and the extension point:
`ApiPlugin`, and `CoreApiPlugin`, the plugin of the core routes."""

from __future__ import annotations

import abc
import asyncio
import contextlib
import functools
import logging
import socket
import typing
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

import uvicorn
from chancy.plugin import Plugin
from litestar import Request, Response, get, post
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

from chancy_web import migrations
from chancy_web.audit.queries import delete_older_than
from chancy_web.auth.backends import AuthBackend
from chancy_web.auth.controller import log_in
from chancy_web.auth.ratelimit import delete_old_failures
from chancy_web.auth.schemas import LoginRequest, LoginResponse
from chancy_web.auth.sessions import delete_expired
from chancy_web.context import Ctx
from chancy_web.db import read
from chancy_web.events import listener_for
from chancy_web.failures.fold import forget_pruned
from chancy_web.jobs import controller as jobs
from chancy_web.jobs.controller import JobList
from chancy_web.jobs.filters import JobFilter, provide_job_filter
from chancy_web.jobs.schemas import JobDetail
from chancy_web.queues import queries as queue_queries
from chancy_web.queues.schemas import QueueInfo
from chancy_web.settings import Settings
from chancy_web.system.schemas import Configuration
from chancy_web.validation import JSON_ONLY, UnsupportedMediaType
from chancy_web.workers import queries as worker_queries
from chancy_web.workers.schemas import WorkerInfo

if TYPE_CHECKING:
    from chancy import Chancy
    from chancy.worker import Worker

log = logging.getLogger("chancy_web")


class RouteT(typing.TypedDict):
    """A route of an `ApiPlugin`, as in the reference plugin."""

    path: str
    endpoint: Callable[..., Any]
    methods: list[str] | None
    name: str | None
    is_websocket: bool | None


class ApiPlugin(abc.ABC):
    """Adds endpoints to the API. `routes()` may also return Litestar handlers or controllers."""

    def __init__(self, api: Api) -> None:
        self.api = api

    @abc.abstractmethod
    def name(self) -> str: ...

    def routes(self) -> Sequence[Any]:
        return []


def _unbound(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method` as a plain function with its signature: Litestar deep-copies the functions
    of its handlers, and a bound method's copy would copy the plugin, and its `Api`."""

    async def handler(*args: Any, **kwargs: Any) -> Any:
        return await method(*args, **kwargs)

    return functools.update_wrapper(handler, method)


#: A Litestar handler's `opt` flag for a route served without authentication (the login).
PUBLIC = "exclude_from_auth"


class CoreApiPlugin(ApiPlugin):
    """The core routes, as the reference's `chancy.plugins.api.core.CoreApiPlugin`:
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
        return "base"  # the reference core's name

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
                    "Rows carry every field of the reference's rows (kwargs, meta, limits, "
                    "errors, claim_id) plus `error`, the last line of the latest traceback; "
                    "`view=summary` rows leave out kwargs, meta, limits, errors and claim_id. "
                    "Without `pagination=true` the body is a bare array, as in the reference "
                    "plugin. Pending and retrying jobs sort by scheduled_at, running ones by "
                    "started_at, finished ones by completed_at (newest first); all states "
                    "together by id, newest first. `before=<job id>` keeps the reference's id "
                    "order."
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
        request: Request,  # type: ignore[type-arg]
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
        request: Request,  # type: ignore[type-arg]
        ctx: Ctx,
        data: JSONBody[LoginRequest],
    ) -> Response[LoginResponse]:
        return await log_in(request, ctx, data)


class _EmbeddedServer(uvicorn.Server):
    # The worker owns SIGINT/SIGTERM; the plugin stops uvicorn from the worker's shutdown path.
    @contextlib.contextmanager
    def capture_signals(self) -> typing.Iterator[None]:
        yield


class Api(Plugin):
    """Serves the chancy-web API and dashboard from a Chancy worker.

    A drop-in for `chancy.plugins.api.Api`: same constructor, same identifier, so
    `chancy --app module.chancy worker web` serves chancy-web once this plugin is in
    `plugins=[...]`. Configuration errors (no auth backend, port in use) fail the worker's
    start-up instead of being logged and ignored.

    `secret_key` is accepted for compatibility and not needed: sessions live in Postgres, so
    they survive restarts and work across replicas without a shared secret.
    """

    def __init__(
        self,
        *,
        port: int = 8000,
        host: str = "127.0.0.1",
        debug: bool = False,
        allow_origins: list[str] | None = None,
        secret_key: str | None = None,
        authentication_backend: AuthBackend,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(authentication_backend, AuthBackend):
            raise TypeError(
                "Api needs authentication_backend=<an AuthBackend>, for example "
                "SimpleAuthBackend({'admin': '<hash from `chancy-web hash-password`>'})"
            )
        self.port = port
        self.host = host
        self.debug = debug
        self.allow_origins = allow_origins or []
        self.secret_key = secret_key
        self.authentication_backend = authentication_backend
        self.settings = settings or Settings()
        #: API plugins to load besides those the app's plugins name (a CoreApiPlugin subclass
        #: here replaces the core); once loaded, every one of them, the core first.
        self.plugins: list[type[ApiPlugin]] = []
        self._socket: socket.socket | None = None
        self._server: _EmbeddedServer | None = None

    @staticmethod
    def get_identifier() -> str:
        return "chancy.api"

    def migrate_key(self) -> str:
        return migrations.MIGRATE_KEY

    def migrate_package(self) -> str:
        return migrations.__name__

    def get_tables(self) -> list[str]:
        return [
            "web_sessions",
            "web_login_failures",
            "web_audit",
            "web_failure_groups",
            "web_failure_hours",
            "web_failure_jobs",
            "web_failure_fold",
        ]

    def bind(self) -> socket.socket:
        """Bind the listening socket now, so that a taken port fails start-up loudly."""
        if self._socket is None:
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on accepted sockets whose
            # protocol says TCP. Without it, keep-alive responses stall ~40 ms (Nagle).
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((self.host, self.port))
            except OSError as exc:
                sock.close()
                raise RuntimeError(
                    f"chancy-web cannot listen on {self.host}:{self.port}: {exc.strerror}"
                ) from exc
            sock.listen(2048)
            sock.setblocking(False)
            self._socket = sock
        return self._socket

    @property
    def port_bound(self) -> int:
        """The port actually listened on (useful with port=0)."""
        return int(self.bind().getsockname()[1])

    async def on_worker_started(self, *, worker: Worker) -> None:
        self.bind()

    async def run(self, worker: Worker, chancy: Chancy) -> None:
        from chancy_web.app import create_app

        sock = self.bind()
        app = create_app(
            chancy,
            authentication_backend=self.authentication_backend,
            allow_origins=self.allow_origins,
            debug=self.debug,
            settings=self.settings,
            worker=worker,
        )
        self._server = server = _EmbeddedServer(
            uvicorn.Config(
                app,
                log_level="warning",
                access_log=False,
                proxy_headers=self.settings.forwarded_allow_ips is not None,
                forwarded_allow_ips=self.settings.forwarded_allow_ips,
                timeout_graceful_shutdown=10,
            )
        )
        chancy.log.info(f"chancy-web running at http://{self.host}:{self.port_bound}")
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            await asyncio.shield(serving)
        finally:
            # Cancelled by the worker's shutdown: let uvicorn finish its requests and the app's
            # lifespan. Chancy's TaskManager cancels its tasks again and again until they end,
            # so keep waiting (bounded by uvicorn's graceful-shutdown timeout).
            listener_for(app).close_streams()  # open streams would hold up the shutdown
            server.should_exit = True
            while not serving.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.shield(serving)
            self._close_socket()

    async def on_worker_stopped(self, *, worker: Worker) -> None:
        if self._server is not None:
            listener_for(self._server.config.app).close_streams()  # type: ignore[arg-type]
            self._server.should_exit = True

    def _close_socket(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    async def cleanup(self, chancy: Chancy) -> int | None:
        """Called by the Pruner plugin: forget ended sessions, old failed logins and audit
        entries, and the failure records of pruned jobs (their groups keep the counts)."""
        async with chancy.pool.connection() as conn:
            removed = await delete_expired(conn, chancy, self.settings)
            removed += await delete_old_failures(conn, chancy, self.settings)
            removed += await delete_older_than(conn, chancy, self.settings.audit_retention_days)
            removed += await forget_pruned(conn, chancy)
        return removed or None
