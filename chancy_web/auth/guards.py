"""Every protected route's check: find the user, check their role, and check CSRF.

`RequireRole` runs it for every route of the API's protected router; `require_role` is the
same check as a guard, for routes outside it.

A request is authenticated by its session token, read from `Authorization: Bearer` (scripts)
or from the HttpOnly session cookie (the dashboard). Cookies are sent by browsers on their own,
so unsafe requests that rely on the cookie must also carry the session's CSRF token in the
`X-CSRF-Token` header. With no token at all, the auth backend may still authenticate the
request by other means (an SSO or proxy header).
"""

from __future__ import annotations

import secrets

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from chancy_web.auth.roles import Role
from chancy_web.auth.schemas import SessionInfo, User
from chancy_web.auth.session_cache import Session
from chancy_web.auth.sessions import load_session
from chancy_web.context import WebContext, web_context
from chancy_web.db import pooled
from chancy_web.types import AnyConnection

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
#: Where the guard leaves what it found, for handlers that describe the session.
SESSION_SCOPE_KEY = "chancy_web.session"


def read_token(connection: AnyConnection, cookie_name: str) -> tuple[str, bool] | None:
    """The session token and whether it came from the cookie, or None."""
    scheme, _, value = connection.headers.get("authorization", "").partition(" ")
    if scheme.casefold() == "bearer" and value.strip():
        return value.strip(), False
    cookie = connection.cookies.get(cookie_name)
    return (cookie, True) if cookie else None


async def session_for(ctx: WebContext, token: str) -> Session | None:
    """The live session of `token` (through this process's short cache), or None."""
    session = ctx.sessions.get(token)
    if session is None:
        async with pooled(ctx) as conn:
            session = await load_session(conn, ctx.chancy, ctx.settings, token)
        if session is not None:
            ctx.sessions.put(token, session)
    return session


def user_of(session: Session) -> User:
    return User(username=session.username, role=Role(session.role))


async def authenticate(connection: AnyConnection) -> User:
    ctx = web_context(connection.app)
    found = read_token(connection, ctx.settings.session_cookie)
    if found is None:
        user = await ctx.auth.authenticate(connection)
        if user is None:
            raise NotAuthorizedException("Authentication required")
        connection.scope[SESSION_SCOPE_KEY] = SessionInfo(  # type: ignore[literal-required]
            username=user.username, role=user.role, csrf_token=None, expires_at=None
        )
    else:
        token, via_cookie = found
        session = await session_for(ctx, token)
        if session is None:
            raise NotAuthorizedException("Session expired or revoked; log in again")
        if via_cookie and connection.scope.get("method", "GET") not in SAFE_METHODS:
            sent = connection.headers.get(CSRF_HEADER, "")
            if not secrets.compare_digest(sent.encode(), session.csrf_token.encode()):
                raise PermissionDeniedException("CSRF token missing or invalid")
        user = user_of(session)
        connection.scope[SESSION_SCOPE_KEY] = SessionInfo(  # type: ignore[literal-required]
            username=user.username,
            role=user.role,
            csrf_token=session.csrf_token if via_cookie else None,
            expires_at=session.expires_at,
        )
    connection.scope["user"] = user
    return user


async def require_role(connection: AnyConnection, handler: BaseRouteHandler) -> None:
    """Guard for protected routes; a handler names the least role it needs in `opt["role"]`."""
    user = await authenticate(connection)
    needed = Role(handler.opt.get("role", Role.VIEWER))
    if not user.role.allows(needed):
        raise PermissionDeniedException(f"This action needs the {needed} role")


class RequireRole(ASGIMiddleware):
    """`require_role` for every route of a router, as middleware rather than a guard.

    Same check, same errors (raised inside the route, so they get the app's JSON error shape
    and reach the audit hook): Litestar copies the route handler for every guard call, which
    cost more than the rest of the check on a request that reads a cached session.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        await require_role(ASGIConnection(scope, receive, send), scope["route_handler"])
        await next_app(scope, receive, send)
