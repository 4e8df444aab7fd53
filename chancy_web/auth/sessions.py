"""Server-side sessions. The token is sent to the client once; only its SHA-256 is stored."""

from __future__ import annotations

import secrets
from datetime import datetime

import msgspec
from chancy import Chancy
from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

from chancy_web.auth.roles import Role
from chancy_web.auth.session_cache import Session, digest
from chancy_web.db import table
from chancy_web.settings import Settings

# Writing last_seen_at on every request would turn every read into a write; a minute of
# slack in the idle timeout is the price of not doing so.
TOUCH_INTERVAL_S = 60


class NewSession(msgspec.Struct, kw_only=True):
    token: str
    csrf_token: str
    expires_at: datetime


async def create_session(
    conn: AsyncConnection, chancy: Chancy, settings: Settings, username: str, role: Role
) -> NewSession:
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    cursor = await conn.execute(
        sql.SQL(
            """
            INSERT INTO {sessions} (token_hash, username, role, csrf_token, expires_at)
            VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s))
            RETURNING expires_at
            """
        ).format(sessions=table(chancy, "web_sessions")),
        (digest(token), username, role.value, csrf_token, settings.session_max_age_s),
    )
    row = await cursor.fetchone()
    assert row is not None
    return NewSession(token=token, csrf_token=csrf_token, expires_at=row[0])


async def load_session(
    conn: AsyncConnection, chancy: Chancy, settings: Settings, token: str
) -> Session | None:
    """The live session for `token`, or None if it is unknown, revoked, idle or expired."""
    async with conn.cursor(row_factory=class_row(Session)) as cursor:
        await cursor.execute(
            sql.SQL(
                """
                SELECT username, role, csrf_token, expires_at,
                       last_seen_at < now() - make_interval(secs => %s) AS stale
                FROM {sessions}
                WHERE token_hash = %s
                  AND expires_at > now()
                  AND last_seen_at > now() - make_interval(secs => %s)
                """
            ).format(sessions=table(chancy, "web_sessions")),
            (TOUCH_INTERVAL_S, digest(token), settings.session_idle_timeout_s),
        )
        session = await cursor.fetchone()
    if session is not None and session.stale:
        await conn.execute(
            sql.SQL("UPDATE {sessions} SET last_seen_at = now() WHERE token_hash = %s").format(
                sessions=table(chancy, "web_sessions")
            ),
            (digest(token),),
        )
    return session


async def revoke_session(conn: AsyncConnection, chancy: Chancy, token: str) -> None:
    await conn.execute(
        sql.SQL("DELETE FROM {sessions} WHERE token_hash = %s").format(
            sessions=table(chancy, "web_sessions")
        ),
        (digest(token),),
    )


async def delete_expired(conn: AsyncConnection, chancy: Chancy, settings: Settings) -> int:
    cursor = await conn.execute(
        sql.SQL(
            """
            DELETE FROM {sessions}
            WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => %s)
            """
        ).format(sessions=table(chancy, "web_sessions")),
        (settings.session_idle_timeout_s,),
    )
    return cursor.rowcount
