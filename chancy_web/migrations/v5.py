from chancy.migrate import Migration, Migrator
from psycopg import AsyncCursor, sql
from psycopg.rows import DictRow

#: The tables, without the prefix, in the order `down` drops them.
TABLES = ("web_failure_fold", "web_failure_jobs", "web_failure_hours", "web_failure_groups")


class V5Migration(Migration):
    """Failure groups (see `chancy_web.failures.fold`): one row per fingerprint, its hourly
    counts, one row per job folded (so that no attempt is counted twice, and `failure:<fp>`
    finds the group's jobs), and the fold's own position. None of them references the jobs
    table, so they outlive the Pruner."""

    async def up(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        p = migrator.prefix
        await cursor.execute(
            sql.SQL(
                """
                CREATE TABLE {groups} (
                    fingerprint TEXT PRIMARY KEY,
                    exception TEXT NOT NULL,
                    message_template TEXT NOT NULL,
                    frame TEXT NOT NULL,
                    -- The latest occurrence's job and traceback (kept here: the job may be
                    -- pruned).
                    sample_job_id UUID,
                    sample_traceback TEXT,
                    first_seen TIMESTAMPTZ NOT NULL,
                    last_seen TIMESTAMPTZ NOT NULL,
                    total BIGINT NOT NULL,
                    functions TEXT[] NOT NULL DEFAULT '{{}}',
                    queues TEXT[] NOT NULL DEFAULT '{{}}',
                    status TEXT NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'resolved', 'ignored')),
                    resolved_at TIMESTAMPTZ,
                    reopened_at TIMESTAMPTZ,
                    regressed BOOLEAN NOT NULL DEFAULT false,
                    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                -- Small and rewritten by every fold (last_seen is indexed, so no update is
                -- HOT): vacuumed after a fixed number of dead rows, not a fraction of it.
                WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
                      autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
                -- The inbox: a tab, most recently seen first.
                CREATE INDEX {groups_inbox}
                    ON {groups} (status, last_seen DESC, fingerprint DESC);
                CREATE TABLE {hours} (
                    fingerprint TEXT NOT NULL,
                    hour TIMESTAMPTZ NOT NULL,
                    count BIGINT NOT NULL,
                    PRIMARY KEY (fingerprint, hour)
                );
                CREATE TABLE {jobs} (
                    job_id UUID PRIMARY KEY,
                    -- The group of the job's latest error.
                    fingerprint TEXT NOT NULL,
                    -- How many entries of the job's `errors` are counted, and the job's
                    -- attempts, started_at and completed_at when it was folded: a job that
                    -- still shows those has nothing new (each attempt starts anew).
                    errors_seen INT NOT NULL,
                    attempts INT NOT NULL,
                    started_at TIMESTAMPTZ,
                    completed_at TIMESTAMPTZ
                );
                CREATE INDEX {jobs_by_group} ON {jobs} (fingerprint, job_id DESC);
                CREATE TABLE {fold} (
                    only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
                    -- Failed jobs are folded in (completed_at, id) order past this point.
                    watermark_at TIMESTAMPTZ,
                    watermark_id UUID,
                    -- Where the current live pass stands, ahead of the watermark while it
                    -- reads the last few seconds again; null between passes.
                    live_at TIMESTAMPTZ,
                    live_id UUID,
                    -- Where the pass over retrying jobs stands, in (scheduled_at, id) order;
                    -- null between passes.
                    retrying_at TIMESTAMPTZ,
                    retrying_id UUID,
                    -- The backfill walks failed jobs completed up to backfill_until, newest
                    -- first; it stands before (backfill_at, backfill_id).
                    backfill_until TIMESTAMPTZ,
                    backfill_at TIMESTAMPTZ,
                    backfill_id UUID,
                    backfill_total BIGINT,
                    backfill_done BIGINT NOT NULL DEFAULT 0,
                    backfill_started_at TIMESTAMPTZ,
                    backfill_finished_at TIMESTAMPTZ,
                    folded_at TIMESTAMPTZ
                );
                """
            ).format(
                groups=sql.Identifier(f"{p}web_failure_groups"),
                groups_inbox=sql.Identifier(f"{p}web_failure_groups_inbox"),
                hours=sql.Identifier(f"{p}web_failure_hours"),
                jobs=sql.Identifier(f"{p}web_failure_jobs"),
                jobs_by_group=sql.Identifier(f"{p}web_failure_jobs_fingerprint"),
                fold=sql.Identifier(f"{p}web_failure_fold"),
            )
        )

    async def down(self, migrator: Migrator, cursor: AsyncCursor[DictRow]) -> None:
        for name in TABLES:
            await cursor.execute(
                sql.SQL("DROP TABLE IF EXISTS {}").format(
                    sql.Identifier(f"{migrator.prefix}{name}")
                )
            )
