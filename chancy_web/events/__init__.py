"""Live events: one LISTEN per process on Chancy's `{prefix}events`, fanned out over SSE and WS.

Wiring (see `chancy_web.app.create_app`): `EventController` behind `RequireRole`,
`stream_events_ws` outside it (it authenticates itself, to close with 1008), and
`events_lifespan` among the app's lifespans. `listener_for(app).status()` reports the LISTEN
connection's state.
"""

from chancy_web.events.controller import EventController, events_lifespan, listener_for
from chancy_web.events.listener import EventListener
from chancy_web.events.schemas import ListenerStatus, StreamEvent
from chancy_web.events.ws import stream_events_ws

__all__ = [
    "EventController",
    "EventListener",
    "ListenerStatus",
    "StreamEvent",
    "events_lifespan",
    "listener_for",
    "stream_events_ws",
]
