"""`GET /api/v1/events`: the live event stream as Server-Sent Events."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, Litestar, Request, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from chancy_web.auth.session_cache import digest
from chancy_web.context import WebContext
from chancy_web.events import access
from chancy_web.events.fanout import TOPICS_PATTERN, control, encode, parse_topics
from chancy_web.events.listener import EventListener
from chancy_web.events.schemas import StreamClosed, StreamEvent, StreamHeartbeat

STATE_KEY = "chancy_web.events"
#: Milliseconds an EventSource waits before reconnecting after the stream ends.
RETRY_MS = 3_000
SESSION_ENDED = "Session ended"

CATALOGUE = """\
One stream of the cluster's Chancy events, read from Postgres LISTEN on `{prefix}events`, so
every replica sees every event. Each SSE message is of the default type (so
`EventSource.onmessage` sees them all) and its `data` is one JSON `StreamEvent`:
`{"id", "event", "data", "count"}`, the same envelope as the `/api/v1/ws` frames.

Chancy's events (`data` as Chancy sent it):

| event | data |
|---|---|
| `queue.declared`, `queue.pushed`, `queue.paused`, `queue.resumed` | `{q}` |
| `job.cancelled` | `{j}` |
| `job.recovered` | `{j, c}` (job id, old claim id) |
| `worker.announced` | `{worker_id}` (every worker heartbeat) |
| `leadership.gained`, `leadership.renewed`, `leadership.lost` | `{worker_id}` |
| `pruner.removed` | `{elapsed, rows_removed}` |
| `recovery.recovered` | `{elapsed, rows_recovered}` |
| `workflow.created`, `workflow.updated` | `{id, name}` |
| `workflow.step_completed` | `{workflow_id}` |

Worker-local events of the reference (`metrics.*`, `worker.started`, `worker.queue.full`, ...)
are not NOTIFY'd by Chancy and are not streamed.

chancy-web's own notices, sent whatever the `topics`:

| event | data |
|---|---|
| `stream.open` | `StreamOpen`: first message; `gap: true` means reload what is shown |
| `stream.heartbeat` | `StreamHeartbeat`, after 15 s without a message |
| `stream.dropped` | `StreamDropped`: this client read too slowly; `dropped` events were lost |
| `stream.listener` | `StreamListener`: the LISTEN link went down or came back (reload) |
| `stream.closed` | `StreamClosed`: the server ends the stream (session ended, shutdown) |

Identical events (same name and data) within 0.25 s are coalesced into one whose `count` says
how many it stands for; the first of a burst is sent at once. Ids are `<process>-<n>`: send the
last one back as `Last-Event-ID` (EventSource does) or `last_event_id` to resume. Resuming is
best effort, from a small per-process ring; otherwise `stream.open` reports a gap.
"""


def listener_for(app: Litestar) -> EventListener:
    """The app's event listener, made on first use (not started until something subscribes or
    the app starts). Put one in `app.state[STATE_KEY]` beforehand to tune it."""
    listener: EventListener | None = app.state.get(STATE_KEY)
    if listener is None:
        ctx: WebContext = app.state["chancy_web"]
        # An event is a change committed elsewhere: reads begun before it must not be shared
        # with the refreshes it prompts.
        listener = app.state[STATE_KEY] = EventListener(ctx.chancy, on_notify=ctx.reads.invalidate)
    return listener


@asynccontextmanager
async def events_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Listen from start-up, so the first client misses nothing; at shutdown end every stream."""
    listener_for(app).start()
    try:
        yield
    finally:
        await listener_for(app).stop()


def end_session_streams(app: Litestar, token: str) -> None:
    """End at once the streams this process holds for the session of `token` (logged out);
    other replicas' streams end at their next session check."""
    listener: EventListener | None = app.state.get(STATE_KEY)
    if listener is not None:
        listener.end_session(digest(token), SESSION_ENDED)


def provide_listener(request: Request) -> EventListener:  # type: ignore[type-arg]
    return listener_for(request.app)


def _message(event: StreamEvent, retry: int | None = None) -> ServerSentEventMessage:
    return ServerSentEventMessage(data=encode(event), id=event.id, retry=retry)


async def _sse(
    request: Request,  # type: ignore[type-arg]
    listener: EventListener,
    topics: tuple[str, ...],
    last_event_id: str | None,
) -> AsyncIterator[ServerSentEventMessage]:
    # Subscribing here rather than in the handler: a response that is never streamed (the
    # client left first) then leaves no subscription behind.
    if listener.state == "connecting":
        # The first client of a lazily started listener: let LISTEN begin, so that an event
        # NOTIFY'd right after `stream.open` is not missed.
        await listener.wait_connected(within_s=2.0)
    sub, opened = listener.subscribe(topics, last_event_id, access.session_of(request))
    try:
        yield _message(control("open", opened), retry=RETRY_MS)
        recheck_at = time.monotonic() + listener.revalidate_s
        while True:
            event = await sub.next(wait_s=listener.heartbeat_s)
            if event is None:
                beat = StreamHeartbeat(at=datetime.now(UTC), listener=listener.state)
                event = control("heartbeat", beat)
            yield _message(event)
            if event.event == "stream.closed":
                return
            if time.monotonic() >= recheck_at:
                recheck_at = time.monotonic() + listener.revalidate_s
                if not await access.still_allowed(request):
                    yield _message(control("closed", StreamClosed(reason=SESSION_ENDED)))
                    return
    finally:
        # Also runs when the client goes away: Litestar cancels the stream on disconnect.
        listener.unsubscribe(sub)


class EventController(Controller):
    path = "/events"
    tags = ["events"]
    dependencies = {"listener": Provide(provide_listener, sync_to_thread=False)}

    @get(
        "/",
        operation_id="streamEvents",
        summary="Live cluster events as Server-Sent Events",
        description=CATALOGUE,
        # No `media_type` here: Litestar would also give it to the JSON error responses.
        responses={
            200: ResponseSpec(
                data_container=StreamEvent,
                generate_examples=False,
                media_type="text/event-stream",
                description="A text/event-stream; each message's `data` is a StreamEvent.",
            )
        },
        raises=[ValidationException],
    )
    async def stream_events(
        self,
        request: Request,  # type: ignore[type-arg]
        listener: NamedDependency[EventListener],
        topics: Annotated[
            str | None,
            QueryParameter(
                description="Comma-separated event name prefixes, e.g. `queue.,job.cancelled`.",
                # In the schema only: parse_topics refuses the rest with a clearer message.
                schema_extra={"pattern": TOPICS_PATTERN},
            ),
        ] = None,
        last_event_id: Annotated[
            str | None,
            QueryParameter(
                description="Resume after this id, for clients that cannot set the "
                "`Last-Event-ID` header.",
                max_length=64,
            ),
        ] = None,
        last_event_id_header: Annotated[
            str | None, HeaderParameter(name="last-event-id", max_length=64)
        ] = None,
    ) -> ServerSentEvent:
        try:
            wanted = parse_topics(topics)
        except ValueError as exc:
            raise ValidationException(str(exc)) from exc
        listener.start()
        return ServerSentEvent(
            _sse(request, listener, wanted, last_event_id_header or last_event_id)
        )
