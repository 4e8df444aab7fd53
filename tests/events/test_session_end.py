"""A logout ends that session's open streams at once, in this process, without waiting for
the periodic session check."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from chancy_web.context import web_context
from chancy_web.events.listener import EventListener
from tests.conftest import PASSWORD
from tests.events.conftest import HEARTBEAT_S, bearer, open_stream
from tests.events.test_ws import logout_closes_the_websocket_with_1008

#: Streams check their session this rarely here: only the logout itself can end them in time.
NEVER_S = 3600.0


@pytest.fixture
async def unchecked(events_server) -> AsyncIterator[EventListener]:
    listener = EventListener(
        events_server.listener.chancy, heartbeat_s=HEARTBEAT_S, revalidate_s=NEVER_S
    )
    ctx = web_context(events_server.app)
    shared, ctx.listener = ctx.listener, listener
    try:
        yield listener
    finally:
        ctx.listener = shared
        await listener.stop()


async def test_logout_ends_its_event_streams_at_once_and_no_others(unchecked, http):
    leaving, staying = await bearer(http), await bearer(http)
    async with open_stream(http, leaving) as ended, open_stream(http, staying):
        assert unchecked.status().subscribers == 2
        assert (await http.post("/api/v1/logout", headers=leaving)).status_code == 200
        closed = await ended.until(lambda m: m["event"] == "stream.closed")
        assert closed["data"] == {"reason": "Session ended"}
        assert await ended.rest() == []  # and the response ends
        assert unchecked.status().subscribers == 1


async def test_logout_ends_the_cookie_sessions_stream(unchecked, http):
    login = await http.post("/api/v1/login", json={"username": "viewer", "password": PASSWORD})
    assert login.status_code == 200
    async with open_stream(http) as stream:  # the client's cookie
        assert (await http.post("/api/v1/logout")).status_code == 200
        closed = await stream.until(lambda m: m["event"] == "stream.closed")
        assert closed["data"] == {"reason": "Session ended"}
    http.cookies.clear()


async def test_logout_closes_its_websocket_with_1008(unchecked, events_server, http):
    await logout_closes_the_websocket_with_1008(events_server, http)
