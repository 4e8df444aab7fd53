"""The one event generator behind both live transports: SSE (`controller`) and the
WebSocket (`ws`) only encode what it yields and end when it ends.

It subscribes to the listener, yields `stream.open`, then every event for the client (with
a `stream.heartbeat` after a quiet `heartbeat_s`, where the transport wants them), and
re-checks the client's session every `revalidate_s`: when the session is gone it yields
`stream.closed` ("Session ended") and ends. It also ends after any `stream.closed` the
listener sends (shutdown, a logout through this process, a client too slow to keep up).
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import UTC, datetime

from chancy_web.events.fanout import control
from chancy_web.events.listener import SESSION_ENDED, EventListener
from chancy_web.events.schemas import StreamClosed, StreamEvent, StreamHeartbeat


def ends_session(event: StreamEvent) -> bool:
    """Whether `event` is the `stream.closed` of a session that ended."""
    return event.event == "stream.closed" and event.data.get("reason") == SESSION_ENDED


async def event_stream(
    listener: EventListener,
    *,
    topics: tuple[str, ...],
    last_event_id: str | None,
    session: bytes | None,
    still_allowed: Callable[[], Awaitable[bool]],
    heartbeats: bool,
) -> AsyncGenerator[StreamEvent, None]:
    """The events of one client, `stream.open` first and `stream.closed` last.

    `session` (a session token's digest) lets a logout find the stream; `still_allowed`
    re-checks the client's session. Subscribing happens on the first iteration, so a stream
    that is never read leaves no subscription behind; leaving the loop unsubscribes.
    """
    if listener.state == "connecting":
        # The first client of a lazily started listener: let LISTEN begin, so that an event
        # NOTIFY'd right after `stream.open` is not missed.
        await listener.wait_connected(within_s=2.0)
    sub, opened = listener.subscribe(topics, last_event_id, session)
    try:
        yield control("open", opened)
        recheck_at = time.monotonic() + listener.revalidate_s
        while True:
            event = await sub.next(wait_s=listener.heartbeat_s)
            if event is None and heartbeats:
                beat = StreamHeartbeat(at=datetime.now(UTC), listener=listener.state)
                event = control("heartbeat", beat)
            if event is not None:
                yield event
                if event.event == "stream.closed":
                    return
            if time.monotonic() >= recheck_at:
                recheck_at = time.monotonic() + listener.revalidate_s
                if not await still_allowed():
                    yield control("closed", StreamClosed(reason=SESSION_ENDED))
                    return
    finally:
        # Also runs when the client goes away (Litestar cancels an SSE stream on disconnect;
        # the WebSocket adapter closes the generator).
        listener.unsubscribe(sub)
