from chancy.migrate import Migration, Migrator
from psycopg import AsyncCursor, sql
from psycopg.rows import DictRow


class V1Migration(Migration):
    """Sessions (only a hash of each token is stored) and failed logins for rate limiting."""

    async def up(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        p = migrator.prefix
        await cursor.execute(
            sql.SQL(
                """
                CREATE TABLE {sessions} (
                    token_hash BYTEA PRIMARY KEY,
                    username TEXT NOT NULL,
                    role TEXT NOT NULL,
                    csrf_token TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    expires_at TIMESTAMPTZ NOT NULL
                );
                CREATE INDEX {sessions_expiry} ON {sessions} (expires_at);
                CREATE TABLE {failures} (
                    key TEXT NOT NULL,
                    failed_at TIMESTAMPTZ NOT NULL DEFAULT now()
                );
                CREATE INDEX {failures_key} ON {failures} (key, failed_at);
                """
            ).format(
                sessions=sql.Identifier(f"{p}web_sessions"),
                sessions_expiry=sql.Identifier(f"{p}web_sessions_expires_at"),
                failures=sql.Identifier(f"{p}web_login_failures"),
                failures_key=sql.Identifier(f"{p}web_login_failures_key"),
            )
        )

    async def down(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        p = migrator.prefix
        await cursor.execute(
            sql.SQL("DROP TABLE {failures}; DROP TABLE {sessions};").format(
                failures=sql.Identifier(f"{p}web_login_failures"),
                sessions=sql.Identifier(f"{p}web_sessions"),
            )
        )
