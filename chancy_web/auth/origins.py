"""Whether a browser's request comes from this site (or an origin the app allows)."""

from __future__ import annotations

from urllib.parse import urlsplit

from chancy_web.types import AnyConnection


def origin_allowed(connection: AnyConnection) -> bool:
    """True unless the request names an `Origin` that is neither this host nor allowed.

    Browsers send cookies with cross-site form posts and WebSocket handshakes, where no CORS
    check applies, so the routes a page on another site could use that way (the login, which
    sets a cookie; the cookie-authenticated WebSocket) check `Origin` themselves. Clients that
    send no Origin are not browsers and are let through. Only `Host` counts as this host:
    `X-Forwarded-Host` is the client's to set. Behind a proxy that rewrites `Host`, list the
    public origin in `allow_origins`.
    """
    origin = connection.headers.get("origin")
    if origin is None:
        return True
    cors = connection.app.cors_config
    if cors is not None and ("*" in cors.allow_origins or origin in cors.allow_origins):
        return True
    host = urlsplit(origin).netloc.casefold()
    return bool(host) and host == connection.headers.get("host", "").casefold()
