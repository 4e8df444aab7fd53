"""Live events: one LISTEN per process on Chancy's `{prefix}events`, fanned out over SSE and WS.

Wiring (see `chancy_web.app.create_app`): `controller.EventController` behind `RequireRole`,
`ws.stream_events_ws` outside it (it authenticates itself, to close with 1008), and
`controller.events_lifespan` among the app's lifespans. The listener is the app's
`WebContext.listener`; its `status()` reports the LISTEN connection's state.
"""
