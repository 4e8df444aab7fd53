"""`/api/v1/ws`: the event stream as WebSocket frames, for clients of chancy 0.26's web plugin.

Frames are `{"event", "data"}` as in chancy 0.26's web plugin, plus `id` and `count`, carrying the
same
events as `GET /api/v1/events` (which new clients should prefer: it resumes, and heartbeats are
visible to the page). Nothing sent by the client is used; reading it is how a disconnect is
noticed at once rather than at the next failed send.

Authentication, checked before the handshake is accepted (a refusal closes with 1008, which a
browser sees as a failed handshake): the session cookie, which browsers send on the handshake
(then `Origin` must be this site or an allowed origin), or `Authorization: Bearer`. Chancy
0.26's `?token=` still works but is discouraged: the URL ends up in access logs.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

from litestar import websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromQuery
from litestar.status_codes import WS_1008_POLICY_VIOLATION

from chancy_web.context import web_context
from chancy_web.events import access
from chancy_web.events.fanout import encode, parse_topics
from chancy_web.events.schemas import StreamEvent
from chancy_web.events.stream import ends_session, event_stream
from chancy_web.types import AnyWebSocket

WS_GOING_AWAY = 1001
WS_TRY_AGAIN_LATER = 1013


async def _send_events(socket: AnyWebSocket, events: AsyncGenerator[StreamEvent, None]) -> int:
    """Send until the stream ends; the close code to end with."""
    async for event in events:
        await socket.send_text(encode(event))
        if event.event == "stream.closed":
            return WS_1008_POLICY_VIOLATION if ends_session(event) else WS_GOING_AWAY
    return WS_GOING_AWAY


async def _until_disconnect(socket: AnyWebSocket) -> int:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await socket.receive_data(mode="text")
    return 1000


@websocket("/ws", name="events_ws")
async def stream_events_ws(
    socket: AnyWebSocket,
    topics: FromQuery[str | None] = None,
    token: FromQuery[str | None] = None,
) -> None:
    try:
        wanted = parse_topics(topics)
        user = await access.authenticate_stream(socket, token)
    except ValueError as exc:
        await socket.close(code=WS_1008_POLICY_VIOLATION, reason=str(exc)[:120])
        return
    except access.UNAVAILABLE:
        await socket.close(code=WS_TRY_AGAIN_LATER, reason="Database unavailable")
        return
    if user is None:
        await socket.close(code=WS_1008_POLICY_VIOLATION, reason="Authentication required")
        return

    await socket.accept()
    # No heartbeat frames: the server's WebSocket pings keep the link alive, and clients of
    # chancy 0.26's web plugin would show heartbeats as events.
    events = event_stream(
        web_context(socket.app).listener,
        topics=wanted,
        last_event_id=None,
        session=access.session_of(socket, token),
        still_allowed=lambda: access.still_allowed(socket, token),
        heartbeats=False,
    )
    sender = asyncio.create_task(_send_events(socket, events))
    receiver = asyncio.create_task(_until_disconnect(socket))
    code = 1000
    try:
        done, _ = await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        code = next(iter(done)).result()
    except Exception:  # a failed send means the client is gone
        code = 1000
    finally:
        for task in (sender, receiver):
            task.cancel()
        await asyncio.gather(sender, receiver, return_exceptions=True)
        await events.aclose()  # unsubscribes
        with contextlib.suppress(Exception):
            await socket.close(code=code)
