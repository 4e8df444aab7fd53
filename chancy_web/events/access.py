"""Who may hold a stream open: the same sessions as every other route, checked again over time.

A stream outlives the request that opened it, so a logout or an expired session would
otherwise keep receiving events. A logout through this process ends the session's streams at
once (`EventListener.end_session_of`); otherwise streams re-check their session every `revalidate_s`
seconds and end with `stream.closed` when it is gone. A database outage during that check does not
end streams (the session cannot be judged; the next check decides).
"""

from __future__ import annotations

import logging

import psycopg
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from psycopg_pool import PoolTimeout

from chancy_web.auth.guards import authenticate, read_token, session_for, user_of
from chancy_web.auth.origins import origin_allowed
from chancy_web.auth.roles import Role
from chancy_web.auth.schemas import User
from chancy_web.auth.session_cache import digest
from chancy_web.context import web_context
from chancy_web.types import AnyConnection
from chancy_web.validation import printable

log = logging.getLogger("chancy_web.events")

#: A check could not be made (database unavailable); the caller keeps what it had.
UNAVAILABLE = (psycopg.Error, PoolTimeout, OSError)


async def authenticate_stream(
    connection: AnyConnection,
    query_token: str | None = None,
) -> User | None:
    """The user behind `connection` (bearer header, session cookie, the auth backend's own
    means, or, for clients of chancy 0.26's web plugin only, `?token=`), or None.

    Database errors propagate (see `UNAVAILABLE`).
    """
    ctx = web_context(connection.app)
    found = read_token(connection, ctx.settings.session_cookie)
    try:
        if found is not None or not query_token:
            via_cookie = found is not None and found[1]
            is_socket = connection.scope["type"] == ScopeType.WEBSOCKET
            if via_cookie and is_socket and not origin_allowed(connection):
                return None
            user = await authenticate(connection)
        else:
            # chancy 0.26's `?token=`: kept for its clients, discouraged because URLs end
            # up in proxy and access logs. Browsers send the session cookie instead. The
            # token is checked as the guard checks a bearer token.
            session = await session_for(ctx, query_token)
            if session is None:
                return None
            log.debug(
                "%s authenticated a stream with ?token= (discouraged)", printable(session.username)
            )
            user = user_of(session)
    except (NotAuthorizedException, PermissionDeniedException):
        return None
    return user if user.role.allows(Role.VIEWER) else None


def session_of(
    connection: AnyConnection,
    query_token: str | None = None,
) -> bytes | None:
    """The digest of the session token a stream is opened with (see `authenticate_stream`),
    by which a logout finds the stream; None when the auth backend vouched by other means."""
    found = read_token(connection, web_context(connection.app).settings.session_cookie)
    token = found[0] if found is not None else query_token
    return digest(token) if token else None


async def still_allowed(
    connection: AnyConnection,
    query_token: str | None = None,
) -> bool:
    try:
        return await authenticate_stream(connection, query_token) is not None
    except UNAVAILABLE:
        return True
