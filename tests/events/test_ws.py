"""/api/v1/ws, the reference clients' WebSocket: frames, authentication and refusals."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.events.conftest import bearer, payload, session_cookie


def ws_url(events_server: Any, query: str = "") -> str:
    return f"ws://{events_server.host}/api/v1/ws{query}"


async def recv(ws: ClientConnection) -> dict[str, Any]:
    frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert isinstance(frame, dict)
    return frame


async def recv_until(ws: ClientConnection, queue: str) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while True:
            frame = await recv(ws)
            if frame["data"].get("q") == queue:
                return frame


async def test_websocket_with_session_cookie_receives_reference_frames(events_server, http):
    queue = f"q-{uuid.uuid4().hex[:8]}"
    headers = {"Cookie": await session_cookie(http), "Origin": events_server.url}
    async with connect(ws_url(events_server), additional_headers=headers) as ws:
        opened = await recv(ws)
        assert opened["event"] == "stream.open"
        await events_server.notify(payload("queue.pushed", q=queue))
        frame = await recv_until(ws, queue)
    # The reference's frame, plus id and count.
    assert frame["event"] == "queue.pushed" and frame["data"] == {"q": queue}
    assert set(frame) == {"event", "data", "id", "count"}


async def test_websocket_with_bearer_header_and_topics(events_server, http):
    queue = f"q-{uuid.uuid4().hex[:8]}"
    headers = await bearer(http)
    async with connect(
        ws_url(events_server, "?topics=queue.paused"), additional_headers=headers
    ) as ws:
        await recv(ws)
        await events_server.notify(
            payload("queue.pushed", q=queue), payload("queue.paused", q=queue)
        )
        frame = await recv_until(ws, queue)
    assert frame["event"] == "queue.paused"


async def test_websocket_query_token_still_works_for_reference_clients(events_server, http):
    token = (await bearer(http))["Authorization"].split()[1]
    async with connect(ws_url(events_server, f"?token={token}")) as ws:
        assert (await recv(ws))["event"] == "stream.open"


@pytest.mark.parametrize(
    "query, headers",
    [
        ("", {}),
        ("?token=not-a-session", {}),
        ("", {"Authorization": "Bearer not-a-session"}),
        ("", {"Cookie": "chancy_web_session=not-a-session"}),
    ],
)
async def test_websocket_without_valid_auth_is_refused_before_accept(events_server, query, headers):
    # Closing before accept is, on the wire, a refused handshake (uvicorn answers 403).
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url(events_server, query), additional_headers=headers):
            pass
    assert refused.value.response.status_code == 403


async def test_websocket_cookie_from_a_foreign_origin_is_refused(events_server, http):
    headers = {"Cookie": await session_cookie(http), "Origin": "https://evil.example"}
    with pytest.raises(InvalidStatus):
        async with connect(ws_url(events_server), additional_headers=headers):
            pass


async def test_a_forwarded_host_does_not_make_a_foreign_origin_this_site(events_server, http):
    # Anyone can send X-Forwarded-Host; only a proxy's own Host would prove the origin.
    headers = {
        "Cookie": await session_cookie(http),
        "Origin": "https://evil.example",
        "X-Forwarded-Host": "evil.example",
    }
    with pytest.raises(InvalidStatus):
        async with connect(ws_url(events_server), additional_headers=headers):
            pass


async def _handshake(app: Any, headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
    """Drive the ASGI app's WebSocket handshake directly, to see the close code it sends."""
    sent: list[dict[str, Any]] = []
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "scheme": "ws",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 12345),
        "root_path": "",
        "path": "/api/v1/ws",
        "raw_path": b"/api/v1/ws",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "subprotocols": [],
        "state": {},
    }

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "websocket.accept":
            inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})

    await asyncio.wait_for(app(scope, inbox.get, send), 10)
    return sent


async def test_websocket_without_auth_closes_with_1008(events_server):
    sent = await _handshake(events_server.app, [])
    assert sent == [{"type": "websocket.close", "code": 1008, "reason": "Authentication required"}]


async def test_websocket_disconnect_is_noticed_and_unsubscribes(events_server, http):
    headers = [(b"authorization", (await bearer(http))["Authorization"].encode())]
    before = events_server.listener.status().subscribers
    sent = await _handshake(events_server.app, headers)
    assert sent[0]["type"] == "websocket.accept"
    assert json.loads(sent[1]["text"])["event"] == "stream.open"
    assert events_server.listener.status().subscribers == before


async def logout_closes_the_websocket_with_1008(events_server, http) -> None:
    headers = await bearer(http)
    async with connect(ws_url(events_server), additional_headers=headers) as ws:
        assert (await recv(ws))["event"] == "stream.open"
        assert (await http.post("/api/v1/logout", headers=headers)).status_code == 200
        async with asyncio.timeout(10):
            while (frame := await recv(ws))["event"] != "stream.closed":
                pass
        assert frame["data"] == {"reason": "Session ended"}
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
    assert ws.close_code == 1008


async def test_websocket_closes_with_1008_when_its_session_ends(events_server, http):
    await logout_closes_the_websocket_with_1008(events_server, http)
