"""Failed-login counting in Postgres, so that every replica enforces the same limit."""

from __future__ import annotations

from chancy import Chancy
from psycopg import AsyncConnection, sql

from chancy_web.db import table
from chancy_web.settings import Settings
from chancy_web.validation import MAX_USERNAME_LENGTH


def limit_keys(settings: Settings, username: str, client: str) -> dict[str, int]:
    """Each key a failed login counts against, with the failures it may have per window."""
    return {
        f"user:{username.casefold()[:MAX_USERNAME_LENGTH]}": settings.login_failures_per_user,
        f"client:{client}": settings.login_failures_per_client,
    }


async def retry_after(
    conn: AsyncConnection, chancy: Chancy, settings: Settings, keys: dict[str, int]
) -> int | None:
    """Seconds until a login may be tried again, or None if no key is over its limit."""
    cursor = await conn.execute(
        sql.SQL(
            """
            SELECT key, count(*), ceil(extract(epoch FROM min(failed_at)
                       + make_interval(secs => %s) - now()))::int
            FROM {failures}
            WHERE key = ANY(%s) AND failed_at > now() - make_interval(secs => %s)
            GROUP BY key
            """
        ).format(failures=table(chancy, "web_login_failures")),
        (settings.login_failure_window_s, list(keys), settings.login_failure_window_s),
    )
    waits = [max(wait, 1) for key, count, wait in await cursor.fetchall() if count >= keys[key]]
    return max(waits) if waits else None


async def record_failure(conn: AsyncConnection, chancy: Chancy, keys: dict[str, int]) -> None:
    await conn.execute(
        sql.SQL("INSERT INTO {failures} (key) SELECT unnest(%s::text[])").format(
            failures=table(chancy, "web_login_failures")
        ),
        (list(keys),),
    )


async def delete_old_failures(conn: AsyncConnection, chancy: Chancy, settings: Settings) -> int:
    cursor = await conn.execute(
        sql.SQL(
            "DELETE FROM {failures} WHERE failed_at <= now() - make_interval(secs => %s)"
        ).format(failures=table(chancy, "web_login_failures")),
        (settings.login_failure_window_s,),
    )
    return cursor.rowcount
