"""Type aliases used across the package."""

from __future__ import annotations

from typing import Any

from litestar import Request, WebSocket

#: A request of any user, auth and state type: what handlers here take (`request.user` is
#: a `chancy_web.User`, set by the guard).
AnyRequest = Request[Any, Any, Any]
AnyWebSocket = WebSocket[Any, Any, Any]
