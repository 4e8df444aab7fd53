"""Fan-out pieces: topic filters, a bounded per-client buffer that counts drops, and coalescing."""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from chancy_web.events.schemas import StreamClosed, StreamDropped, StreamEvent

#: Notices from chancy-web itself; every client gets them whatever its topics.
CONTROL_PREFIX = "stream."
MAX_TOPICS = 20
_TOPIC = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
#: What `parse_topics` takes, for the schema: at most MAX_TOPICS comma-separated topics (or
#: empty places), each with spaces or tabs around it.
TOPICS_PATTERN = (
    r"^[ \t]*(?:[A-Za-z0-9_.:-]{1,100}[ \t]*)?"
    rf"(?:,[ \t]*(?:[A-Za-z0-9_.:-]{{1,100}}[ \t]*)?){{0,{MAX_TOPICS - 1}}}$"
)


def parse_topics(raw: str | None) -> tuple[str, ...]:
    """`"queue.,job.cancelled"` -> `("queue.", "job.cancelled")`; empty means every event."""
    topics = tuple(t.strip(" \t") for t in (raw or "").split(",") if t.strip(" \t"))
    if len(topics) > MAX_TOPICS:
        raise ValueError(f"At most {MAX_TOPICS} topics")
    for topic in topics:
        if not _TOPIC.fullmatch(topic):
            raise ValueError(f"Invalid topic {topic[:100]!r}: letters, digits and _.:- only")
    return topics


def control(name: str, body: msgspec.Struct, id: str | None = None) -> StreamEvent:
    return StreamEvent(id=id, event=CONTROL_PREFIX + name, data=msgspec.to_builtins(body))


@dataclass
class _Dropped:
    """Stands in the buffer where events were dropped, so the notice arrives in order."""

    count: int
    last_id: str | None


class Subscription:
    """One client's view of the stream: its topics and a buffer of at most `capacity` events.

    The publisher never waits for a client. When the buffer is full the event is dropped and
    counted; the client reads a `stream.dropped` notice at the point where events went missing.
    """

    def __init__(
        self, topics: tuple[str, ...], capacity: int, session: bytes | None = None
    ) -> None:
        self.topics = topics
        self.capacity = capacity
        #: The digest of the session token the stream was opened with, if any.
        self.session = session
        self.total_dropped = 0
        self._buffer: deque[StreamEvent | _Dropped] = deque()
        self._queued = 0  # events in the buffer; drop markers do not count against capacity
        self._wake = asyncio.Event()
        self._closed: StreamEvent | None = None

    def wants(self, name: str) -> bool:
        return (
            not self.topics
            or name.startswith(CONTROL_PREFIX)
            or any(name.startswith(topic) for topic in self.topics)
        )

    @property
    def pending(self) -> int:
        return self._queued

    @property
    def closed(self) -> bool:
        return self._closed is not None

    def offer(self, event: StreamEvent) -> bool:
        """Queue `event` if this client wants it; False when it had to be dropped."""
        if self._closed is not None or not self.wants(event.event):
            return True
        if self._queued >= self.capacity:
            self.total_dropped += event.count
            last = self._buffer[-1] if self._buffer else None
            if isinstance(last, _Dropped):
                last.count += event.count
                last.last_id = event.id
            else:
                self._buffer.append(_Dropped(event.count, event.id))
            self._wake.set()
            return False
        self._buffer.append(event)
        self._queued += 1
        self._wake.set()
        return True

    def close(self, reason: str) -> None:
        """End the stream once the client has read what is buffered."""
        if self._closed is None:
            self._closed = control("closed", StreamClosed(reason=reason))
            self._wake.set()

    async def next(self, wait_s: float | None) -> StreamEvent | None:
        """The next event, a `stream.closed` notice once closed, or None after `wait_s` quiet
        seconds (time for a heartbeat)."""
        if not self._buffer and self._closed is None:
            self._wake.clear()
            try:
                async with asyncio.timeout(wait_s):  # not wait_for: see chancy_web.tasks
                    await self._wake.wait()
            except TimeoutError:
                return None
        if not self._buffer:
            return self._closed
        item = self._buffer.popleft()
        if isinstance(item, _Dropped):
            notice = StreamDropped(dropped=item.count, total_dropped=self.total_dropped)
            return control("dropped", notice, id=item.last_id)
        self._queued -= 1
        return item


@dataclass
class _Burst:
    name: str
    body: dict[str, Any]
    count: int = 0
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)


class Coalescer:
    """Identical events (same name and body) within `window` seconds become one with a count.

    The first of a burst is passed on at once, so a lone event is never delayed; the rest follow
    as at most one event per window (1,000 jobs pushed one by one to a queue within a window
    are two `queue.pushed`). Events with distinct bodies (`job.cancelled {j}`) are never merged.
    Postgres itself already folds identical NOTIFYs within one transaction.
    """

    def __init__(self, window: float, emit: Callable[[str, dict[str, Any], int], None]) -> None:
        self.window = window
        self.coalesced = 0  # events merged into another one rather than sent on their own
        self._emit = emit
        self._open: dict[bytes, _Burst] = {}

    def feed(self, name: str, body: dict[str, Any]) -> None:
        if self.window <= 0:
            self._emit(name, body, 1)
            return
        key = msgspec.json.encode([name, body], order="sorted")
        burst = self._open.get(key)
        if burst is not None:
            burst.count += 1
            return
        self._emit(name, body, 1)
        self._open[key] = burst = _Burst(name, body)
        burst.timer = asyncio.get_running_loop().call_later(self.window, self._flush, key)

    def _flush(self, key: bytes) -> None:
        burst = self._open[key]
        if burst.count == 0:
            del self._open[key]
            return
        self.coalesced += burst.count - 1
        count, burst.count = burst.count, 0
        # Keep the window open: a steady stream of the same event stays at one per window.
        burst.timer = asyncio.get_running_loop().call_later(self.window, self._flush, key)
        self._emit(burst.name, burst.body, count)

    def cancel(self) -> None:
        for burst in self._open.values():
            if burst.timer is not None:
                burst.timer.cancel()
        self._open.clear()


def encode(event: StreamEvent) -> str:
    """The event as one line of JSON. Never raises: a body that cannot be encoded (it would
    have been rejected on arrival) is replaced rather than ending the stream."""
    try:
        return msgspec.json.encode(event).decode()
    except (msgspec.MsgspecError, OverflowError, TypeError, ValueError):
        safe = StreamEvent(id=event.id, event=event.event, data={"unencodable": True})
        return msgspec.json.encode(safe).decode()
