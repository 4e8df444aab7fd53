from chancy.migrate import Migration, Migrator
from psycopg import AsyncCursor, sql
from psycopg.rows import DictRow

from chancy_web.migrations.indexes import create_statement

NAMES = ("web_jobs_finished", "web_jobs_waiting", "web_jobs_running")


class V2Migration(Migration):
    """Indexes for each state's list order (see `indexes.py` to build them without locks)."""

    async def up(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        for name in NAMES:
            await cursor.execute(create_statement(migrator.prefix, name, concurrently=False))

    async def down(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        for name in NAMES:
            await cursor.execute(
                sql.SQL("DROP INDEX IF EXISTS {}").format(
                    sql.Identifier(f"{migrator.prefix}{name}")
                )
            )
