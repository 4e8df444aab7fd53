from chancy.migrate import Migration, Migrator
from psycopg import AsyncCursor, sql
from psycopg.rows import DictRow


class V3Migration(Migration):
    """The audit log: every mutation through the API, allowed, denied or failed."""

    async def up(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        await cursor.execute(
            sql.SQL(
                """
                CREATE TABLE {audit} (
                    id BIGSERIAL PRIMARY KEY,
                    at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    username TEXT,
                    role TEXT,
                    action TEXT NOT NULL,
                    target TEXT,
                    outcome TEXT NOT NULL,
                    status_code INT NOT NULL,
                    detail JSONB NOT NULL DEFAULT '{{}}',
                    client TEXT
                );
                CREATE INDEX {by_at} ON {audit} (at);
                """
            ).format(
                audit=sql.Identifier(f"{migrator.prefix}web_audit"),
                by_at=sql.Identifier(f"{migrator.prefix}web_audit_at"),
            )
        )

    async def down(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        await cursor.execute(
            sql.SQL("DROP TABLE {}").format(sql.Identifier(f"{migrator.prefix}web_audit"))
        )
