"""A real uvicorn server on the tests' event loop, serving chancy-web with the event routes.

Streams never end, and Litestar's test client buffers whole responses, so these tests talk to a
real server over HTTP. It runs on the session's loop (not in a thread, unlike `live_server`)
so the tests can read and steer its listener directly.

Made-up payloads go to a channel of their own (`isolated`): Chancy 0.26 workers act on `job.*`
events, and one payload that is not JSON ends a worker's notification handling for good (its
`_maintain_notifications` only survives database errors), which would break the other tests'
workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from chancy import Chancy
from litestar import Litestar, Router

from chancy_web import Settings, create_app
from chancy_web.app import SECURITY
from chancy_web.auth.guards import require_role
from chancy_web.context import web_context
from chancy_web.events.controller import EventController
from chancy_web.events.listener import EventListener
from chancy_web.events.ws import stream_events_ws
from tests.conftest import PASSWORD, QuietServer, auth_backend

#: Short enough that tests see heartbeats and session checks without waiting long.
HEARTBEAT_S = 1.0
REVALIDATE_S = 1.0
COALESCE_S = 0.5


def build_app(chancy: Chancy, settings: Settings) -> Litestar:
    """create_app() with the event routes, whether or not create_app wires them yet."""
    app = create_app(chancy, authentication_backend=auth_backend(), settings=settings)
    paths = {route.path for route in app.routes}
    if "/api/v1/events" not in paths:
        app.register(
            Router(
                "/api/v1",
                guards=[require_role],
                security=SECURITY,
                route_handlers=[EventController],
            )
        )
    if "/api/v1/ws" not in paths:
        app.register(Router("/api/v1", route_handlers=[stream_events_ws]))
    return app


@dataclass
class EventServer:
    url: str
    app: Litestar
    listener: EventListener
    dsn: str

    @property
    def host(self) -> str:
        return self.url.removeprefix("http://")

    async def notify(self, *payloads: str) -> None:
        await notify(self.dsn, self.listener.channel, *payloads)

    async def notify_each(self, *payloads: str) -> None:
        """One transaction per payload: Postgres folds identical NOTIFYs within a transaction."""
        async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as conn:
            for p in payloads:
                await conn.execute("SELECT pg_notify(%s, %s)", (self.listener.channel, p))


@pytest.fixture(scope="session")
async def events_server(chancy: Chancy, dsn: str, settings: Settings) -> AsyncIterator[EventServer]:
    app = build_app(chancy, settings)
    listener = EventListener(
        chancy, heartbeat_s=HEARTBEAT_S, revalidate_s=REVALIDATE_S, coalesce_s=COALESCE_S
    )
    web_context(app).listener = listener
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = QuietServer(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=5))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        assert not serving.done(), "the events test server did not start"
        await asyncio.sleep(0.05)
    port = sock.getsockname()[1]
    yield EventServer(url=f"http://127.0.0.1:{port}", app=app, listener=listener, dsn=dsn)
    await listener.stop()  # ends open streams, so the server can stop at once
    server.should_exit = True
    await asyncio.wait_for(serving, 30)
    sock.close()


@dataclass
class IsolatedApp:
    """What EventListener needs of a Chancy app, with a prefix no worker listens on."""

    dsn: str
    prefix: str = "chancy_web_isolated_"


@dataclass
class Isolated:
    listener: EventListener

    async def notify(self, *payloads: str) -> None:
        await notify(self.listener.chancy.dsn, self.listener.channel, *payloads)


@pytest.fixture
async def isolated(events_server: EventServer) -> AsyncIterator[Isolated]:
    """The server's streams fed from a channel of their own, for the duration of a test."""
    listener = EventListener(
        IsolatedApp(events_server.dsn),  # type: ignore[arg-type]
        heartbeat_s=HEARTBEAT_S,
        revalidate_s=REVALIDATE_S,
        coalesce_s=COALESCE_S,
    )
    ctx = web_context(events_server.app)
    shared, ctx.listener = ctx.listener, listener
    try:
        yield Isolated(listener)
    finally:
        ctx.listener = shared
        await listener.stop()


@pytest.fixture
async def http(events_server: EventServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=events_server.url, timeout=10) as client:
        yield client


async def bearer(http: httpx.AsyncClient, username: str = "admin") -> dict[str, str]:
    response = await http.post("/api/v1/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    http.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def session_cookie(http: httpx.AsyncClient) -> str:
    response = await http.post("/api/v1/login", json={"username": "viewer", "password": PASSWORD})
    assert response.status_code == 200, response.text
    http.cookies.clear()
    cookie = response.headers["set-cookie"].split(";", 1)[0]
    return cookie


async def notify(dsn: str, channel: str, *payloads: str) -> None:
    """NOTIFY `payloads` in one transaction from a connection of its own, as another process
    would."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute(
            "SELECT pg_notify(%s, p) FROM unnest(%s::text[]) WITH ORDINALITY AS e(p, n) ORDER BY n",
            (channel, list(payloads)),
        )


def payload(event: str, **body: Any) -> str:
    return json.dumps({"t": event, **body})


class SSE:
    """Reads an open `text/event-stream` response message by message."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.aiter_lines()

    async def next(self, within_s: float = 10) -> dict[str, Any]:
        """The next message's JSON data, with its SSE `id` under `_sse_id`."""
        async with asyncio.timeout(within_s):
            data: list[str] = []
            sse_id = None
            async for line in self._lines:
                if line.startswith("data: "):
                    data.append(line[6:])
                elif line.startswith("id: "):
                    sse_id = line[4:]
                elif line == "" and data:
                    message: dict[str, Any] = json.loads("\n".join(data))
                    message["_sse_id"] = sse_id
                    return message
            raise AssertionError("the stream ended")

    async def rest(self, within_s: float = 5) -> list[str]:
        """What is left of the stream once the server has ended it."""
        async with asyncio.timeout(within_s):
            return [line async for line in self._lines if line]

    async def until(
        self,
        match: Callable[[dict[str, Any]], bool],
        within_s: float = 10,
        skip_heartbeats: bool = True,
    ) -> dict[str, Any]:
        """The first message that `match`es, within `within_s` seconds."""
        async with asyncio.timeout(within_s):
            while True:
                message = await self.next(within_s)
                if skip_heartbeats and message["event"] == "stream.heartbeat":
                    continue
                if match(message):
                    return message


@contextlib.asynccontextmanager
async def open_stream(
    http: httpx.AsyncClient, headers: dict[str, str] | None = None, **params: str
) -> AsyncIterator[SSE]:
    """An event stream whose `stream.open` has been read (so the listener is connected)."""
    async with http.stream("GET", "/api/v1/events", headers=headers, params=params) as response:
        assert response.status_code == 200, (await response.aread()).decode()
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = SSE(response)
        opened = await stream.next()
        assert opened["event"] == "stream.open", opened
        assert opened["data"]["listener"]["state"] == "connected", opened
        stream.opened = opened  # type: ignore[attr-defined]
        yield stream
