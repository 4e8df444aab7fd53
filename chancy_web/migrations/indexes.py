"""Indexes for the dashboard's list orders, which Chancy's own indexes do not serve.

Each state's list sorts by the time that matters for it (see `chancy_web.jobs.queries`); these
partial indexes make the first page and every keyset page an index range scan instead of a
sort of every job in that state.

Migrations v2 and v4 create them with a plain `CREATE INDEX`, which blocks writes to the jobs table
while it runs (about 2 s per million jobs). `build_concurrently` builds them without blocking
writes; the app calls it at start-up, before migrating (unless `Settings.migrate_on_start` is
off), so on a big table the migration finds them already there.
"""

from __future__ import annotations

import logging

from chancy import Chancy
from psycopg import AsyncConnection, sql

log = logging.getLogger("chancy_web")

#: The state `web_jobs_state_id` leaves out (see there); `jobs.queries` pages it by the primary key.
NOT_BY_STATE_ID = "succeeded"
#: Index name (without prefix) -> columns and predicate, on the jobs table.
JOB_INDEXES = {
    "web_jobs_finished": (
        "(state, completed_at DESC, id DESC) WHERE state IN ('succeeded', 'failed')"
    ),
    "web_jobs_waiting": "(state, scheduled_at, id) WHERE state IN ('pending', 'retrying')",
    "web_jobs_running": "(state, started_at, id) WHERE state = 'running'",
    # A state's jobs by id (chancy 0.26's `before=<id>` paging, `state=` beside it). Unfinished
    # jobs are recent, so an id from deep in the table has none of them below it: without this
    # index, Postgres walks the primary key through every older job to find there are none
    # (0.5 s at 1M jobs). Succeeded jobs are left out: they are most of the table, and the
    # primary key finds them at every depth.
    "web_jobs_state_id": f"(state, id) WHERE state <> '{NOT_BY_STATE_ID}'",
    # The jobs a cron schedule produced, newest first (Chancy's own unique_key index covers
    # only unfinished jobs).
    "web_jobs_unique_key": "(unique_key, id DESC) WHERE unique_key IS NOT NULL",
    # Distinct function names by a skip scan instead of a scan of every job (see
    # `jobs.queries.list_functions`); also serves `func:` equality.
    "web_jobs_func": "(func)",
    # The clones of a job ("Re-run with edits"); only clones are in it, so it stays tiny.
    "web_jobs_cloned_from": "((meta->>'cloned_from'), id) WHERE meta ? 'cloned_from'",
}

#: Built only when `Settings.search_indexes` is on: each costs every job insert (a GIN
#: insert of every key and value of the arguments) and disk, for `kwargs.`/`meta.` equality
#: over every job instead of the newest `search_window` (see docs/search.md).
SEARCH_INDEXES = {
    "web_jobs_kwargs": "USING gin (kwargs jsonb_path_ops)",
    "web_jobs_meta": "USING gin (meta jsonb_path_ops)",
}
#: Also with `search_indexes`, and only where the pg_trgm extension is installed (it is never
#: required, nor created here): trigrams of the latest traceback, for `error:` text.
TRGM_INDEXES = {
    "web_jobs_error_trgm": "USING gin ((errors->-1->>'traceback') gin_trgm_ops)",
}
DEFINITIONS = {**JOB_INDEXES, **SEARCH_INDEXES, **TRGM_INDEXES}


def create_statement(prefix: str, name: str, *, concurrently: bool) -> sql.Composed:
    return sql.SQL("CREATE INDEX {how} IF NOT EXISTS {name} ON {jobs} {definition}").format(
        how=sql.SQL("CONCURRENTLY" if concurrently else ""),
        name=sql.Identifier(f"{prefix}{name}"),
        jobs=sql.Identifier(f"{prefix}jobs"),
        definition=sql.SQL(DEFINITIONS[name]),  # type: ignore[arg-type]  # constant text
    )


async def build_concurrently(chancy: Chancy, *, search_indexes: bool = False) -> list[str]:
    """Build the missing indexes without blocking writes; returns the names it built.

    With `search_indexes`, the GIN indexes of `SEARCH_INDEXES` too, and `TRGM_INDEXES` if
    pg_trgm is installed. An index left invalid by an interrupted concurrent build is
    dropped and built again. Replicas starting together take turns through an advisory lock.
    """
    built: list[str] = []
    async with await AsyncConnection.connect(chancy.dsn, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"{chancy.prefix}web-idx",))
        cursor = await conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{chancy.prefix}jobs",))
        row = await cursor.fetchone()
        if not (row and row[0]):
            return built  # Chancy's own tables are not migrated yet
        names = list(JOB_INDEXES)
        if search_indexes:
            names += SEARCH_INDEXES
            cursor = await conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if await cursor.fetchone() is not None:
                names += TRGM_INDEXES
        for name in names:
            full = f"{chancy.prefix}{name}"
            cursor = await conn.execute(
                "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(%s)",
                (full,),
            )
            state = await cursor.fetchone()
            if state is not None and state[0]:
                continue
            if state is not None:
                await conn.execute(
                    sql.SQL("DROP INDEX CONCURRENTLY {}").format(sql.Identifier(full))
                )
            log.info("Building index %s concurrently (writes are not blocked)", full)
            await conn.execute(create_statement(chancy.prefix, name, concurrently=True))
            built.append(full)
    return built
