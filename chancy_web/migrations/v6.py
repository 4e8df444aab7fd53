from chancy.migrate import Migration, Migrator
from psycopg import AsyncCursor, sql
from psycopg.rows import DictRow

from chancy_web.migrations.indexes import create_statement


class V6Migration(Migration):
    """Bulk operations on a query (see `chancy_web.bulk`), and the index that finds a job's
    clones.

    An operation's set is fixed when it is created: the query (compiled against `now`, its
    creation time, so that `created:>-1h` means the same hour at every chunk) and `upper_id`,
    the newest job id at that moment (and `lower_id`, for a query bounded to the newest jobs,
    the oldest id of that window). `cursor` is the last job id done: each chunk walks
    `cursor < id <= upper_id` by keyset and commits its progress with its work.
    """

    async def up(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        await cursor.execute(
            sql.SQL(
                """
                CREATE TABLE {ops} (
                    id UUID PRIMARY KEY,
                    action TEXT NOT NULL,
                    q TEXT NOT NULL,
                    lower_id UUID,
                    upper_id UUID,
                    state TEXT NOT NULL DEFAULT 'queued',
                    matched BIGINT NOT NULL,
                    estimated BOOLEAN NOT NULL DEFAULT false,
                    processed BIGINT NOT NULL DEFAULT 0,
                    succeeded BIGINT NOT NULL DEFAULT 0,
                    skipped BIGINT NOT NULL DEFAULT 0,
                    failed BIGINT NOT NULL DEFAULT 0,
                    cursor UUID,
                    created_by TEXT NOT NULL,
                    created_role TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    started_at TIMESTAMPTZ,
                    finished_at TIMESTAMPTZ,
                    error TEXT,
                    cancel_requested BOOLEAN NOT NULL DEFAULT false
                );
                CREATE INDEX {by_created} ON {ops} (created_at DESC, id DESC);
                CREATE INDEX {unfinished} ON {ops} (created_at)
                    WHERE state IN ('queued', 'running');
                """
            ).format(
                ops=sql.Identifier(f"{migrator.prefix}web_bulk_operations"),
                by_created=sql.Identifier(f"{migrator.prefix}web_bulk_operations_created"),
                unfinished=sql.Identifier(f"{migrator.prefix}web_bulk_operations_unfinished"),
            )
        )
        await cursor.execute(
            create_statement(migrator.prefix, "web_jobs_cloned_from", concurrently=False)
        )

    async def down(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        await cursor.execute(
            sql.SQL("DROP INDEX IF EXISTS {}; DROP TABLE {};").format(
                sql.Identifier(f"{migrator.prefix}web_jobs_cloned_from"),
                sql.Identifier(f"{migrator.prefix}web_bulk_operations"),
            )
        )
