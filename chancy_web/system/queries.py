from __future__ import annotations

from chancy import Chancy
from chancy.migrate import Migrator
from psycopg import AsyncConnection, sql

from chancy_web.db import table
from chancy_web.system.schemas import MigrationState, PoolStats


def _migrators(chancy: Chancy) -> list[Migrator]:
    """Chancy's own migrator, then each plugin's, in registration order."""
    own = Migrator("chancy", "chancy.migrations", prefix=chancy.prefix)
    plugins = [plugin.migrator(chancy) for plugin in chancy.plugins.values()]
    return [own, *(m for m in plugins if m is not None)]


async def migration_states(conn: AsyncConnection, chancy: Chancy) -> list[MigrationState]:
    cursor = await conn.execute(
        sql.SQL("SELECT version_of, version FROM {}").format(table(chancy, "schema_version"))
    )
    applied: dict[str, int] = dict(await cursor.fetchall())
    states = []
    for migrator in _migrators(chancy):
        latest = len(migrator.discover_all_migrations())
        version = int(applied.get(migrator.key, 0))
        states.append(
            MigrationState(
                key=migrator.key, version=version, latest=latest, up_to_date=version >= latest
            )
        )
    return states


def pool_stats(chancy: Chancy) -> PoolStats:
    stats = chancy.pool.get_stats()
    return PoolStats(
        min_size=stats.get("pool_min", 0),
        max_size=stats.get("pool_max", 0),
        size=stats.get("pool_size", 0),
        available=stats.get("pool_available", 0),
        requests_waiting=stats.get("requests_waiting", 0),
    )
