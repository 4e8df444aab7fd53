"""`/api/v1/ws`: the event stream as WebSocket frames, for clients of the reference plugin.

Frames are `{"event", "data"}` as in the reference, plus `id` and `count`, carrying the same
events as `GET /api/v1/events` (which new clients should prefer: it resumes, and heartbeats are
visible to the page). Nothing sent by the client is used; reading it is how a disconnect is
noticed at once rather than at the next failed send.

Authentication, checked before the handshake is accepted (a refusal closes with 1008, which a
browser sees as a failed handshake): the session cookie, which browsers send on the handshake
(then `Origin` must be this site or an allowed origin), or `Authorization: Bearer`. The
reference's `?token=` still works but is discouraged: the URL ends up in access logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromQuery
from litestar.status_codes import WS_1008_POLICY_VIOLATION

from chancy_web.context import web_context
from chancy_web.events import access
from chancy_web.events.fanout import Subscription, control, encode, parse_topics
from chancy_web.events.listener import SESSION_ENDED, EventListener
from chancy_web.events.schemas import StreamClosed

WS_GOING_AWAY = 1001
WS_TRY_AGAIN_LATER = 1013


async def _send_events(
    socket: WebSocket,  # type: ignore[type-arg]
    listener: EventListener,
    sub: Subscription,
    token: str | None,
) -> int:
    """Send until the stream closes; the close code to end with."""
    recheck_at = time.monotonic() + listener.revalidate_s
    while True:
        # No heartbeat frames: the server's WebSocket pings keep the link alive, and reference
        # clients would show heartbeats as events. The timeout only paces the session check.
        event = await sub.next(wait_s=listener.heartbeat_s)
        if event is not None:
            await socket.send_text(encode(event))
            if event.event == "stream.closed":
                ended = event.data.get("reason") == SESSION_ENDED
                return WS_1008_POLICY_VIOLATION if ended else WS_GOING_AWAY
        if time.monotonic() >= recheck_at:
            recheck_at = time.monotonic() + listener.revalidate_s
            if not await access.still_allowed(socket, token):
                await socket.send_text(
                    encode(control("closed", StreamClosed(reason=SESSION_ENDED)))
                )
                return WS_1008_POLICY_VIOLATION


async def _until_disconnect(socket: WebSocket) -> int:  # type: ignore[type-arg]
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await socket.receive_data(mode="text")
    return 1000


@websocket("/ws", name="events_ws")
async def stream_events_ws(
    socket: WebSocket,  # type: ignore[type-arg]
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

    listener = web_context(socket.app).listener
    await socket.accept()
    sub, opened = listener.subscribe(wanted, session=access.session_of(socket, token))
    try:
        await socket.send_text(encode(control("open", opened)))
    except Exception:  # gone already
        listener.unsubscribe(sub)
        return
    sender = asyncio.create_task(_send_events(socket, listener, sub, token))
    receiver = asyncio.create_task(_until_disconnect(socket))
    code = 1000
    try:
        done, _ = await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        code = next(iter(done)).result()
    except Exception:  # a failed send means the client is gone
        code = 1000
    finally:
        listener.unsubscribe(sub)
        for task in (sender, receiver):
            task.cancel()
        await asyncio.gather(sender, receiver, return_exceptions=True)
        with contextlib.suppress(Exception):
            await socket.close(code=code)
