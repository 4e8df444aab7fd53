"""What the live event stream sends: one envelope for SSE and WebSocket; the listener's state."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

ListenerState = Literal["idle", "connecting", "connected", "reconnecting", "stopped"]


class StreamEvent(msgspec.Struct, kw_only=True):
    """One message of the stream: the SSE `data:` line, or one WebSocket text frame.

    `event` and `data` are chancy 0.26's web plugin's WebSocket frame (`{"event", "data"}`); `id`
    and
    `count` are additions that clients of chancy 0.26's web plugin ignore.
    """

    #: `<process>-<n>`, increasing within one process; null for per-connection notices
    #: (`stream.open`, `stream.heartbeat`).
    id: str | None
    #: Chancy's event name (`queue.pushed`, ...) or a `stream.*` notice from chancy-web itself.
    event: str
    #: The event's body as Chancy sent it, with its `t` key removed.
    data: dict[str, Any]
    #: How many identical events (same name and body) this one stands for, after coalescing.
    count: int = 1


class ListenerStatus(msgspec.Struct, kw_only=True):
    """The state of this process's LISTEN connection, for the system page and `stream.open`."""

    state: ListenerState
    channel: str
    #: Identifies this process's id sequence; resuming with another process's id is a gap.
    process: str
    backend_pid: int | None
    connected_since: datetime | None
    last_event_at: datetime | None
    last_error: str | None
    #: Times an established LISTEN connection was lost and had to be made again.
    reconnects: int
    #: NOTIFYs received since start, malformed ones included.
    events_received: int
    #: Payloads ignored because they were not a JSON object with a valid `t`.
    events_malformed: int
    #: Events folded into another one's `count` instead of being sent on their own.
    events_coalesced: int
    #: Deliveries lost because a client's buffer was full, summed over clients.
    events_dropped: int
    #: Open streams (SSE and WebSocket) in this process.
    subscribers: int
    last_id: str | None


class StreamOpen(msgspec.Struct, kw_only=True):
    """Body of `stream.open`, the first message of every stream."""

    #: True when `Last-Event-ID` was honoured and everything after it was replayed.
    resumed: bool
    #: True when events may have been missed (id unknown to this process, or out of the replay
    #: ring): reload what is on screen.
    gap: bool
    replayed: int
    topics: list[str]
    listener: ListenerStatus


class StreamDropped(msgspec.Struct, kw_only=True):
    """Body of `stream.dropped`: this client read too slowly and `dropped` events were lost."""

    dropped: int
    total_dropped: int


class StreamHeartbeat(msgspec.Struct, kw_only=True):
    """Body of `stream.heartbeat`, sent when the stream has been quiet for a while."""

    at: datetime
    listener: ListenerState


class StreamListener(msgspec.Struct, kw_only=True):
    """Body of `stream.listener`: the LISTEN connection went down or came back. Events NOTIFY'd
    while it was down are lost, so on `connected` after `reconnecting`, reload."""

    state: ListenerState
    error: str | None = None


class StreamClosed(msgspec.Struct, kw_only=True):
    """Body of `stream.closed`: the server ends the stream (session ended, shutting down)."""

    reason: str
