"""The one LISTEN connection of a process on Chancy's `{prefix}events` channel, and its fan-out.

Chancy NOTIFYs cluster events (`queue.pushed`, `job.cancelled`, ...) on that channel as
`{"t": name, ...body}`. Reading the channel directly, rather than a worker's in-process hub,
works the same in plugin mode, standalone and embedded, and every replica sees every event.

Ids are `<process>-<n>`, `n` increasing by one per published event. A client that reconnects
with `Last-Event-ID` gets what it missed from a small in-memory ring, if the same process still
holds it. Resuming is best effort: another replica, a restart or a long absence is reported as
a gap (`stream.open {gap: true}`), and the client reloads what it shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import msgspec
import psycopg
from chancy import Chancy
from psycopg import sql

from chancy_web.auth.session_cache import digest
from chancy_web.events.fanout import CONTROL_PREFIX, Coalescer, Subscription
from chancy_web.events.schemas import (
    ListenerState,
    ListenerStatus,
    StreamEvent,
    StreamListener,
    StreamOpen,
)
from chancy_web.tasks import cancel_until_done

log = logging.getLogger("chancy_web.events")
#: Why a stream ends when its session does.
SESSION_ENDED = "Session ended"

_EVENT_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}")


def parse_payload(payload: str) -> tuple[str, dict[str, Any]] | None:
    """`(name, body)` of a Chancy NOTIFY payload, or None if it is not one.

    Anyone who can connect can NOTIFY anything, so the payload must be a JSON object with a
    sane name (it becomes part of the SSE framing), and must encode back to JSON.
    """
    try:
        decoded = msgspec.json.decode(payload)
        if not isinstance(decoded, dict):
            return None
        name = decoded.pop("t", None)
        if not isinstance(name, str) or not _EVENT_NAME.fullmatch(name):
            return None
        if name.startswith(CONTROL_PREFIX):  # chancy-web's own notices cannot be forged
            return None
        msgspec.json.encode(decoded)  # what the streams will do; fail here, not there
    except (msgspec.MsgspecError, OverflowError, TypeError, ValueError):
        return None
    return name, decoded


class EventListener:
    """LISTENs on `{prefix}events` with reconnection, and fans events out to subscriptions."""

    def __init__(
        self,
        chancy: Chancy,
        *,
        buffer_size: int = 256,
        replay_size: int = 256,
        coalesce_s: float = 0.25,
        heartbeat_s: float = 15.0,
        revalidate_s: float = 60.0,
        ping_s: float = 30.0,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 30.0,
        on_notify: Callable[[], None] | None = None,
    ) -> None:
        self.chancy = chancy
        #: Called for every notification, before it is published: something changed
        #: elsewhere (the app starts a new generation of shared reads).
        self._on_change = on_notify
        self.channel = f"{chancy.prefix}events"
        self.process = secrets.token_hex(4)
        self.buffer_size = buffer_size
        #: Read by the streams: how long a quiet stream waits before a heartbeat, and how
        #: often a stream checks that its session is still valid.
        self.heartbeat_s = heartbeat_s
        self.revalidate_s = revalidate_s
        self.ping_s = ping_s
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self._seq = 0
        self._ring: deque[tuple[int, StreamEvent]] = deque(maxlen=replay_size)
        self._subscribers: set[Subscription] = set()
        self._coalescer = Coalescer(coalesce_s, self._publish)
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._state: ListenerState = "idle"
        self._backend_pid: int | None = None
        self._connected_since: datetime | None = None
        self._last_event_at: datetime | None = None
        self._last_error: str | None = None
        self._reconnects = 0
        self._received = 0
        self._malformed = 0
        self._dropped = 0
        self._malformed_logged_at = 0.0

    # lifecycle

    def start(self) -> None:
        """Start listening (idempotent; a stopped listener stays stopped)."""
        if self._task is None and self._state != "stopped":
            self._state = "connecting"
            self._task = asyncio.create_task(self._run(), name="chancy-web events listener")

    @property
    def state(self) -> ListenerState:
        return self._state

    async def wait_connected(self, within_s: float) -> bool:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within_s):  # not wait_for: see chancy_web.tasks
                await self._connected.wait()
        return self._connected.is_set()

    def close_streams(self, reason: str = "The server is shutting down") -> None:
        """End every open stream (clients see `stream.closed`); new ones may still start.

        Call it when the server starts shutting down: uvicorn waits for open responses to end
        before it runs the app's shutdown, so an open stream would hold it up.
        """
        for sub in self._subscribers:
            sub.close(reason)
        self._subscribers.clear()

    async def stop(self, reason: str = "The server is shutting down") -> None:
        """End every stream and the LISTEN connection, for good."""
        self._state = "stopped"
        self._connected.clear()
        self.close_streams(reason)
        self._coalescer.cancel()
        if self._task is not None:
            await cancel_until_done([self._task])

    # subscriptions

    def subscribe(
        self,
        topics: tuple[str, ...] = (),
        last_event_id: str | None = None,
        session: bytes | None = None,
    ) -> tuple[Subscription, StreamOpen]:
        """A new subscription, holding what the client missed since `last_event_id` if known.
        `session` (a session token's digest) lets `end_session` find it."""
        self.start()
        sub = Subscription(topics, self.buffer_size, session)
        replay, resumed, gap = self._replay_after(last_event_id)
        for event in replay:
            sub.offer(event)
        if self._state == "stopped":
            sub.close("The server is shutting down")
        else:
            self._subscribers.add(sub)
        opened = StreamOpen(
            resumed=resumed,
            gap=gap,
            replayed=sub.pending,
            topics=list(topics),
            listener=self.status(),
        )
        return sub, opened

    def unsubscribe(self, sub: Subscription) -> None:
        self._subscribers.discard(sub)

    def end_session_of(self, token: str) -> None:
        """End at once the streams this process holds for the session of `token` (logged
        out, or replaced at login); other replicas' streams end at their next session check."""
        self.end_session(digest(token), SESSION_ENDED)

    def end_session(self, session: bytes, reason: str) -> None:
        """End the streams opened with `session` (its clients see `stream.closed`)."""
        for sub in [s for s in self._subscribers if s.session == session]:
            sub.close(reason)
            self._subscribers.discard(sub)

    def _replay_after(self, last_event_id: str | None) -> tuple[list[StreamEvent], bool, bool]:
        """(events after it, resumed, gap)."""
        if not last_event_id:
            return [], False, False
        process, _, seq = last_event_id.strip().rpartition("-")
        if process != self.process or not seq.isdigit() or len(seq) > 18 or int(seq) > self._seq:
            return [], False, True
        after = int(seq)
        oldest = self._ring[0][0] if self._ring else self._seq + 1
        if after + 1 < oldest:
            return [], False, True
        return [event for n, event in self._ring if n > after], True, False

    def status(self) -> ListenerStatus:
        return ListenerStatus(
            state=self._state,
            channel=self.channel,
            process=self.process,
            backend_pid=self._backend_pid,
            connected_since=self._connected_since,
            last_event_at=self._last_event_at,
            last_error=self._last_error,
            reconnects=self._reconnects,
            events_received=self._received,
            events_malformed=self._malformed,
            events_coalesced=self._coalescer.coalesced,
            events_dropped=self._dropped,
            subscribers=len(self._subscribers),
            last_id=f"{self.process}-{self._seq}" if self._seq else None,
        )

    # publishing

    def _publish(self, name: str, data: dict[str, Any], count: int) -> None:
        self._seq += 1
        event = StreamEvent(id=f"{self.process}-{self._seq}", event=name, data=data, count=count)
        self._ring.append((self._seq, event))
        for sub in self._subscribers:
            if not sub.offer(event):
                self._dropped += count

    def _on_notify(self, payload: str) -> None:
        if self._on_change is not None:
            self._on_change()
        self._received += 1
        self._last_event_at = datetime.now(UTC)
        parsed = parse_payload(payload)
        if parsed is None:
            self._malformed += 1
            now = time.monotonic()
            if now - self._malformed_logged_at > 60:  # at most one line a minute
                self._malformed_logged_at = now
                log.warning("Ignoring malformed payloads on %s: %.200r", self.channel, payload)
            return
        try:
            self._coalescer.feed(*parsed)
        except Exception:  # a bug here must not end the listener for every client
            log.exception("Failed to publish an event from %s", self.channel)

    def _set_state(self, state: ListenerState, error: str | None = None) -> None:
        was, self._state = self._state, state
        if state == "connected":
            self._connected.set()
            self._connected_since = datetime.now(UTC)
        else:
            self._connected.clear()
            self._connected_since = None
        # Tell clients when the link goes down and comes back: events in between are lost.
        if state != was and (state == "connected" or was == "connected"):
            body = StreamListener(state=state, error=error)
            self._publish(CONTROL_PREFIX + "listener", msgspec.to_builtins(body), 1)

    # the connection

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure: report it, wait, reconnect
                self._last_error = f"{type(exc).__name__}: {exc}".strip()[:500]
                if self._state == "connected":
                    self._reconnects += 1
                    failures = 0
                self._set_state("reconnecting", self._last_error)
                ceiling = min(self.backoff_max_s, self.backoff_initial_s * 2 ** min(failures, 16))
                failures += 1
                delay = ceiling / 2 + random.uniform(0, ceiling / 2)  # jitter: replicas spread
                log.warning("Event listener lost (%s); retrying in %.1fs", self._last_error, delay)
                await asyncio.sleep(delay)

    async def _listen(self) -> None:
        conn = await psycopg.AsyncConnection.connect(
            self.chancy.dsn, autocommit=True, connect_timeout=10
        )
        try:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self._backend_pid = conn.info.backend_pid
            self._last_error = None
            self._set_state("connected")
            log.info("Listening for Chancy events on %s", self.channel)
            while True:
                async for notify in conn.notifies(timeout=self.ping_s):
                    self._on_notify(notify.payload)
                # Quiet for a while: a silently dropped link would block notifies() forever.
                # Notifications that arrive meanwhile wait in psycopg's backlog.
                async with asyncio.timeout(10):
                    await conn.execute("SELECT 1")
        finally:
            self._backend_pid = None
            with contextlib.suppress(Exception):
                await conn.close()
