"""`Api`, the Chancy plugin that serves chancy-web inside a worker.

It depends on the app (`create_app`), never the reverse: the app knows it only as the
extension point's `ApiHost`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import typing
from typing import TYPE_CHECKING

import uvicorn

from chancy_web import migrations
from chancy_web.app import create_app
from chancy_web.audit.queries import delete_older_than
from chancy_web.auth.backends import AuthBackend, check_backend
from chancy_web.auth.ratelimit import delete_old_failures
from chancy_web.auth.sessions import delete_expired
from chancy_web.context import web_context
from chancy_web.extensions import ApiHost, ApiPlugin
from chancy_web.failures.fold import forget_pruned
from chancy_web.settings import Settings

if TYPE_CHECKING:
    from chancy import Chancy
    from chancy.worker import Worker
    from litestar import Litestar

log = logging.getLogger("chancy_web")


class _EmbeddedServer(uvicorn.Server):
    # The worker owns SIGINT/SIGTERM; the plugin stops uvicorn from the worker's shutdown path.
    @contextlib.contextmanager
    def capture_signals(self) -> typing.Iterator[None]:
        yield


class Api(ApiHost):
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
        check_backend(authentication_backend)
        self.port = port
        self.host = host
        self.debug = debug
        self.allow_origins = allow_origins or []
        self.secret_key = secret_key
        self.authentication_backend = authentication_backend
        self.settings = settings or Settings()
        self.plugins: list[type[ApiPlugin]] = []  # see ApiHost.plugins
        self._socket: socket.socket | None = None
        self._server: _EmbeddedServer | None = None
        self._app: Litestar | None = None

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
        sock = self.bind()
        self._app = app = create_app(
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
            web_context(app).listener.close_streams()  # open streams would hold up the shutdown
            server.should_exit = True
            while not serving.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.shield(serving)
            self._close_socket()

    async def on_worker_stopped(self, *, worker: Worker) -> None:
        if self._server is not None and self._app is not None:
            web_context(self._app).listener.close_streams()
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
