"""Type aliases used across the package."""

from __future__ import annotations

from typing import Any

from litestar import Request, WebSocket
from litestar.connection import ASGIConnection

#: A request of any user, auth and state type: what handlers here take (`request.user` is
#: a `chancy_web.User`, set by the guard).
AnyRequest = Request[Any, Any, Any]
AnyWebSocket = WebSocket[Any, Any, Any]
#: A connection (HTTP or WebSocket) as guards and hooks see it.
AnyConnection = ASGIConnection[Any, Any, Any, Any]
