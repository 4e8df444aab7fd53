from chancy.migrate import Migration, Migrator
from psycopg import AsyncCursor, sql
from psycopg.rows import DictRow

from chancy_web.migrations.indexes import create_statement


class V4Migration(Migration):
    """The jobs of a unique key (a cron schedule's runs), newest first."""

    async def up(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        await cursor.execute(
            create_statement(migrator.prefix, "web_jobs_unique_key", concurrently=False)
        )

    async def down(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        await cursor.execute(
            sql.SQL("DROP INDEX IF EXISTS {}").format(
                sql.Identifier(f"{migrator.prefix}web_jobs_unique_key")
            )
        )
