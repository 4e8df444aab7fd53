from chancy.migrate import Migration, Migrator
from psycopg import AsyncCursor, sql
from psycopg.rows import DictRow

from chancy_web.migrations.indexes import create_statement


class V8Migration(Migration):
    """A state's jobs by id, for pages from an id (`before=<id>`) in one state (see
    `indexes.py` to build it without locks)."""

    async def up(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        await cursor.execute(
            create_statement(migrator.prefix, "web_jobs_state_id", concurrently=False)
        )

    async def down(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        await cursor.execute(
            sql.SQL("DROP INDEX IF EXISTS {}").format(
                sql.Identifier(f"{migrator.prefix}web_jobs_state_id")
            )
        )
