"""The web layer's own tables, applied by Chancy's plugin migrations (`chancy misc migrate`).

When chancy-web runs outside the `Api` plugin (standalone or embedded), the app applies them
itself at start-up, under an advisory lock so that replicas starting together take turns.
"""

from __future__ import annotations

from chancy import Chancy
from chancy.migrate import Migrator
from psycopg.rows import dict_row

MIGRATE_KEY = "web"


def migrator(chancy: Chancy) -> Migrator:
    return Migrator(MIGRATE_KEY, __name__, prefix=chancy.prefix)


async def is_up_to_date(chancy: Chancy) -> bool:
    async with chancy.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
        return not await migrator(chancy).is_migration_required(cursor)


async def all_applied(chancy: Chancy) -> bool:
    """Whether Chancy's migrations, its plugins' and the web layer's are all applied."""
    return await chancy.is_up_to_date() and await is_up_to_date(chancy)


async def migrate(chancy: Chancy) -> bool:
    """Apply pending web migrations; True if any ran."""
    async with chancy.pool.connection() as conn:
        await conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"{chancy.prefix}web",))
        try:
            return await migrator(chancy).migrate(conn)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"{chancy.prefix}web",))
            await conn.commit()
