"""The API's response middleware: security headers on every response."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

#: Defaults for every other response (the API's JSON), added unless already set.
API_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_API_SECURITY_HEADERS = [(k.lower().encode(), v.encode()) for k, v in API_SECURITY_HEADERS.items()]


class SecurityHeadersMiddleware(ASGIMiddleware):
    """Adds `API_SECURITY_HEADERS` to every HTTP response that does not set them itself
    (the dashboard's own responses carry the stricter `SECURITY_HEADERS`)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                present = {name.lower() for name, _ in headers}
                extra = [h for h in _API_SECURITY_HEADERS if h[0] not in present]
                message["headers"] = [*headers, *extra]
            await send(message)

        await next_app(scope, receive, send_with_headers)
