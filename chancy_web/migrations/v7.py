from chancy.migrate import Migration, Migrator
from psycopg import AsyncCursor, sql
from psycopg.rows import DictRow

from chancy_web.migrations.indexes import create_statement


class V7Migration(Migration):
    """Saved views (a named search, personal or shared), and the index on func that lists
    function names by a skip scan (see `indexes.py` to build it without locks)."""

    async def up(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        await cursor.execute(
            sql.SQL(
                """
                CREATE TABLE {views} (
                    id BIGSERIAL PRIMARY KEY,
                    name TEXT NOT NULL,
                    q TEXT NOT NULL,
                    shared BOOLEAN NOT NULL DEFAULT false,
                    owner TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
                );
                CREATE INDEX {by_owner} ON {views} (owner);
                """
            ).format(
                views=sql.Identifier(f"{migrator.prefix}web_views"),
                by_owner=sql.Identifier(f"{migrator.prefix}web_views_owner"),
            )
        )
        await cursor.execute(create_statement(migrator.prefix, "web_jobs_func", concurrently=False))

    async def down(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        await cursor.execute(
            sql.SQL("DROP TABLE {}; DROP INDEX IF EXISTS {};").format(
                sql.Identifier(f"{migrator.prefix}web_views"),
                sql.Identifier(f"{migrator.prefix}web_jobs_func"),
            )
        )
