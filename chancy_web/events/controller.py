"""`GET /api/v1/events`: the live event stream as Server-Sent Events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from litestar import Controller, Litestar, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from chancy_web.context import Ctx, web_context
from chancy_web.events import access
from chancy_web.events.fanout import TOPICS_PATTERN, encode, parse_topics
from chancy_web.events.listener import EventListener
from chancy_web.events.schemas import StreamEvent
from chancy_web.events.stream import event_stream
from chancy_web.types import AnyRequest

#: Milliseconds an EventSource waits before reconnecting after the stream ends.
RETRY_MS = 3_000

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

Worker-local events of chancy 0.26's web plugin (`metrics.*`, `worker.started`,
`worker.queue.full`, ...)
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


@asynccontextmanager
async def events_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Listen from start-up, so the first client misses nothing; at shutdown end every stream."""
    web_context(app).listener.start()
    try:
        yield
    finally:
        await web_context(app).listener.stop()


def provide_listener(ctx: Ctx) -> EventListener:
    return ctx.listener


def _message(event: StreamEvent, retry: int | None = None) -> ServerSentEventMessage:
    return ServerSentEventMessage(data=encode(event), id=event.id, retry=retry)


async def _sse(
    request: AnyRequest,
    listener: EventListener,
    topics: tuple[str, ...],
    last_event_id: str | None,
) -> AsyncIterator[ServerSentEventMessage]:
    events = event_stream(
        listener,
        topics=topics,
        last_event_id=last_event_id,
        session=access.session_of(request),
        still_allowed=lambda: access.still_allowed(request),
        heartbeats=True,
    )
    retry: int | None = RETRY_MS  # sent once, with `stream.open`
    async for event in events:
        yield _message(event, retry=retry)
        retry = None


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
        request: AnyRequest,
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
