"""Folding failed attempts into failure groups, incrementally, in the background.

Every failed attempt Chancy stores (an entry of a job's `errors`) is one occurrence of the
group of its fingerprint; a failed job whose `errors` is empty counts once, as `NO_TRACEBACK`.
`web_failure_jobs` holds, per job, how many of its entries are counted, with its `attempts`,
`started_at` and `completed_at` as they were then: a job that still shows those has nothing
new (every attempt starts anew), and is skipped without reading its tracebacks. So reading a
job twice never counts it twice, and three kinds of pass can overlap freely:

- **live**: failed jobs in (completed_at, id) order past the watermark, on the
  `web_jobs_finished` index. Workers stamp `completed_at` before their update commits (up to
  a second later, more while the database is struggling), so the watermark stays
  `failure_fold_settle_s` behind the clock: each pass reads that last stretch again, finding
  late commits, and skips what it has seen.
- **retrying**: retrying jobs have no completion time, so each pass walks all of them (they
  are the jobs in flight, on the `web_jobs_waiting` index) and folds the attempts that failed
  since the last pass. An attempt that fails and is retried and succeeds between two passes is
  not seen (its job is neither failed nor retrying when looked at).
- **backfill**: on the first run, every failed job completed up to that moment, newest first
  (so the inbox shows what matters now before the last of history is in), with progress.

Each chunk of at most `failure_fold_chunk` jobs is one short transaction under the advisory
lock `<prefix>failures.fold`, and its position is saved with its counts, so two processes never
fold the same chunk and a restart resumes where the last commit stopped. Counts live in the
plugin's tables, so they survive the Pruner deleting the jobs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from chancy import Chancy
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from chancy_web.background import BackgroundJob, try_lock
from chancy_web.context import WebContext
from chancy_web.db import table
from chancy_web.failures.fingerprint import NO_TRACEBACK, Fingerprint, fingerprint

NAME = "failures.fold"
#: Past every id: positions start here, so that `(t, id) > (t0, LAST_ID)` means `t > t0`.
LAST_ID = UUID(int=(1 << 128) - 1)
#: A group keeps at most this many distinct function and queue names.
NAMES_KEPT = 50
#: The sample traceback is cut to this many characters, from the end (where the error is).
SAMPLE_MAX = 64_000


def lock_name(chancy: Chancy) -> str:
    # Per prefix: two Chancy installations in one database fold independently.
    return f"{chancy.prefix}{NAME}"


# --- Reading jobs ----------------------------------------------------------------------------

#: A job's new tracebacks (entries past those counted) and its error count, read only when the
#: job changed since it was folded: most rows a pass reads again are skipped on the join alone.
_CHANGED = """(f.job_id IS NULL OR f.attempts IS DISTINCT FROM j.attempts
    OR f.started_at IS DISTINCT FROM j.started_at
    OR f.completed_at IS DISTINCT FROM j.completed_at)"""
_ERRORS = "CASE WHEN jsonb_typeof(j.errors) = 'array' THEN j.errors ELSE '[]' END"
_JOB_COLUMNS = f"""
    j.id, j.func, j.queue, j.state, j.attempts, j.started_at, j.completed_at, j.scheduled_at,
    f.fingerprint AS known_fingerprint, coalesce(f.errors_seen, 0) AS errors_seen,
    CASE WHEN {_CHANGED} THEN ARRAY(
        SELECT e.value->>'traceback'
        FROM jsonb_array_elements({_ERRORS}) WITH ORDINALITY AS e(value, n)
        WHERE e.n > coalesce(f.errors_seen, 0) ORDER BY e.n)
    END AS tracebacks,
    CASE WHEN {_CHANGED} THEN jsonb_array_length({_ERRORS}) END AS errors_count
"""

_PASSES = {
    "live": (
        "j.state = 'failed' AND (j.completed_at, j.id) > (%s, %s)",
        "j.completed_at, j.id",
    ),
    "backfill": (
        "j.state = 'failed' AND (j.completed_at, j.id) < (%s, %s)",
        "j.completed_at DESC, j.id DESC",
    ),
}


#: The retrying pass looks at a chunk of retrying jobs but hands over only those that changed
#: since they were folded, with the chunk's size and last position: it walks the whole set again
#: and again, and a backlog of retries is mostly jobs already folded (building their rows in
#: Python took 9% of a core at 40,000 retrying jobs).
_RETRYING_QUERY = (
    """WITH w AS MATERIALIZED (
        SELECT j.id, j.scheduled_at FROM {jobs} j
        WHERE j.state = 'retrying' AND (j.scheduled_at, j.id) > (%s, %s)
        ORDER BY j.scheduled_at, j.id LIMIT %s
    ), last AS (
        SELECT scheduled_at, id, count(*) OVER () AS read FROM w
        ORDER BY scheduled_at DESC, id DESC LIMIT 1
    )
    SELECT last.read, last.scheduled_at AS last_at, last.id AS last_id, changed.*
    FROM last LEFT JOIN LATERAL (
        SELECT """
    + _JOB_COLUMNS
    + """ FROM w JOIN {jobs} j ON j.id = w.id LEFT JOIN {folded} f ON f.job_id = j.id
        WHERE """
    + _CHANGED
    + """
    ) AS changed ON true"""
)


def _pass_query(chancy: Chancy, kind: str) -> sql.Composed:
    """The query of a pass: `live`, `backfill` or `retrying` (`_RETRYING_QUERY`)."""
    if kind == "retrying":
        return sql.SQL(_RETRYING_QUERY).format(  # type: ignore[arg-type]  # constant text
            jobs=table(chancy, "jobs"), folded=table(chancy, "web_failure_jobs")
        )
    where, order = _PASSES[kind]
    return sql.SQL(
        "SELECT " + _JOB_COLUMNS + " FROM {jobs} j LEFT JOIN {folded} f ON f.job_id = j.id"
        " WHERE " + where + " ORDER BY " + order + " LIMIT %s"  # constant text
    ).format(jobs=table(chancy, "jobs"), folded=table(chancy, "web_failure_jobs"))


# --- Aggregating a chunk ---------------------------------------------------------------------


@dataclass
class _Group:
    found: Fingerprint
    count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    sample_job_id: UUID | None = None
    sample_traceback: str | None = None
    functions: set[str] = field(default_factory=set)
    queues: set[str] = field(default_factory=set)

    def add(self, row: dict[str, Any], at: datetime, traceback: str | None) -> None:
        self.count += 1
        self.first_seen = at if self.first_seen is None else min(self.first_seen, at)
        if self.last_seen is None or at >= self.last_seen:
            self.last_seen, self.sample_job_id = at, row["id"]
            self.sample_traceback = (traceback or "")[-SAMPLE_MAX:] or None
        self.functions.add(row["func"])
        self.queues.add(row["queue"])


@dataclass
class Chunk:
    groups: dict[str, _Group] = field(default_factory=dict)
    hours: dict[tuple[str, datetime], int] = field(default_factory=lambda: defaultdict(int))
    jobs: list[dict[str, Any]] = field(default_factory=list)
    occurrences: int = 0

    def add(self, row: dict[str, Any], now: datetime) -> None:
        tracebacks: list[str | None] | None = row["tracebacks"]
        if tracebacks is None:
            return  # unchanged since it was folded
        found = [fingerprint(text, row["func"]) for text in tracebacks]
        if row["state"] == "retrying" and row["attempts"] == 0:
            # Retried by hand (Chancy resets attempts): nothing has failed since, and the
            # errors it holds are history (a success's earlier attempts, say). Remember
            # them as seen without counting them.
            counted: list[tuple[str | None, Fingerprint]] = []
        elif not found and row["known_fingerprint"] is None and row["state"] == "failed":
            counted = [(None, NO_TRACEBACK)]
        else:
            counted = list(zip(tracebacks, found, strict=True))
        # A failed job's attempts all ended by its completion; a retrying one's just now.
        at = (row["completed_at"] if row["state"] == "failed" else None) or now
        hour = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        for text, fp in counted:
            group = self.groups.setdefault(fp.fingerprint, _Group(fp))
            group.add(row, at, text)
            self.hours[(fp.fingerprint, hour)] += 1
            self.occurrences += 1
        latest = counted[-1][1] if counted else (found[-1] if found else None)
        key = latest.fingerprint if latest else row["known_fingerprint"]
        if key is None:
            return  # a retrying job without any error (retried by hand): nothing to say yet
        self.jobs.append(
            {
                "job_id": str(row["id"]),
                "fingerprint": key,
                "errors_seen": max(row["errors_count"], row["errors_seen"]),
                "attempts": row["attempts"],
                "started_at": row["started_at"].isoformat() if row["started_at"] else None,
                "completed_at": row["completed_at"].isoformat() if row["completed_at"] else None,
            }
        )


_UPSERT_GROUPS = """
INSERT INTO {groups} AS g (fingerprint, exception, message_template, frame, sample_job_id,
    sample_traceback, first_seen, last_seen, total, functions, queues)
SELECT * FROM jsonb_to_recordset(%s) AS x(fingerprint text, exception text,
    message_template text, frame text, sample_job_id uuid, sample_traceback text,
    first_seen timestamptz, last_seen timestamptz, total bigint, functions text[], queues text[])
ON CONFLICT (fingerprint) DO UPDATE SET
    first_seen = least(g.first_seen, EXCLUDED.first_seen),
    last_seen = greatest(g.last_seen, EXCLUDED.last_seen),
    total = g.total + EXCLUDED.total,
    sample_job_id = CASE WHEN EXCLUDED.last_seen >= g.last_seen
        THEN EXCLUDED.sample_job_id ELSE g.sample_job_id END,
    sample_traceback = CASE WHEN EXCLUDED.last_seen >= g.last_seen
        THEN EXCLUDED.sample_traceback ELSE g.sample_traceback END,
    -- Most chunks bring no new name: then the array is kept as it is.
    functions = CASE WHEN EXCLUDED.functions <@ g.functions THEN g.functions
        ELSE ARRAY(SELECT DISTINCT v FROM unnest(g.functions || EXCLUDED.functions) v
            ORDER BY v LIMIT {kept}) END,
    queues = CASE WHEN EXCLUDED.queues <@ g.queues THEN g.queues
        ELSE ARRAY(SELECT DISTINCT v FROM unnest(g.queues || EXCLUDED.queues) v
            ORDER BY v LIMIT {kept}) END,
    -- A regression: it happened again after it was resolved. Ignored groups stay ignored.
    status = CASE WHEN g.status = 'resolved' AND EXCLUDED.last_seen > g.resolved_at
        THEN 'open' ELSE g.status END,
    regressed = g.regressed OR (g.status = 'resolved' AND EXCLUDED.last_seen > g.resolved_at),
    reopened_at = CASE WHEN g.status = 'resolved' AND EXCLUDED.last_seen > g.resolved_at
        THEN now() ELSE g.reopened_at END,
    updated_at = now()
"""

_UPSERT_HOURS = """
INSERT INTO {hours} AS h (fingerprint, hour, count)
SELECT * FROM jsonb_to_recordset(%s) AS x(fingerprint text, hour timestamptz, count bigint)
ON CONFLICT (fingerprint, hour) DO UPDATE SET count = h.count + EXCLUDED.count
"""

_UPSERT_JOBS = """
INSERT INTO {folded} AS f (job_id, fingerprint, errors_seen, attempts, started_at,
    completed_at)
SELECT * FROM jsonb_to_recordset(%s) AS x(job_id uuid, fingerprint text, errors_seen int,
    attempts int, started_at timestamptz, completed_at timestamptz)
ON CONFLICT (job_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,
    errors_seen = EXCLUDED.errors_seen, attempts = EXCLUDED.attempts,
    started_at = EXCLUDED.started_at, completed_at = EXCLUDED.completed_at
"""


def _sorted(names: set[str]) -> list[str]:
    return sorted(names)[:NAMES_KEPT]


async def save(conn: AsyncConnection, chancy: Chancy, chunk: Chunk) -> None:
    """Add the chunk's counts to the groups (in fingerprint order: concurrent writers, such
    as a resolve, always lock rows in the same order)."""
    groups = [
        {
            "fingerprint": key,
            "exception": g.found.exception,
            "message_template": g.found.message_template,
            "frame": g.found.frame,
            "sample_job_id": str(g.sample_job_id),
            "sample_traceback": g.sample_traceback,
            "first_seen": g.first_seen.isoformat() if g.first_seen else None,
            "last_seen": g.last_seen.isoformat() if g.last_seen else None,
            "total": g.count,
            "functions": _sorted(g.functions),
            "queues": _sorted(g.queues),
        }
        for key, g in sorted(chunk.groups.items())
    ]
    hours = [
        {"fingerprint": fp, "hour": hour.isoformat(), "count": n}
        for (fp, hour), n in sorted(chunk.hours.items())
    ]
    jobs = sorted(chunk.jobs, key=lambda j: j["job_id"])
    names = {
        "groups": table(chancy, "web_failure_groups"),
        "hours": table(chancy, "web_failure_hours"),
        "folded": table(chancy, "web_failure_jobs"),
        "kept": sql.Literal(NAMES_KEPT),
    }
    for text, rows in ((_UPSERT_GROUPS, groups), (_UPSERT_HOURS, hours), (_UPSERT_JOBS, jobs)):
        if rows:
            await conn.execute(sql.SQL(text).format(**names), (Jsonb(rows),))  # type: ignore[arg-type]


# --- The fold's position ---------------------------------------------------------------------


async def _state(conn: AsyncConnection, chancy: Chancy) -> dict[str, Any]:
    """The fold's row, created on the first run: history up to now is the backfill's."""
    fold, jobs = table(chancy, "web_failure_fold"), table(chancy, "jobs")
    query = sql.SQL("SELECT * FROM {fold}").format(fold=fold)
    async with conn.cursor(row_factory=dict_row) as cursor:
        await cursor.execute(query)
        state = await cursor.fetchone()
        if state is not None:
            return state
        await cursor.execute(
            sql.SQL(
                """
                INSERT INTO {fold} (watermark_at, watermark_id, backfill_until, backfill_at,
                    backfill_id, backfill_total, backfill_started_at)
                SELECT now(), %(last)s, now(), now(), %(last)s,
                    (SELECT count(*) FROM {jobs} WHERE state = 'failed'), now()
                """
            ).format(fold=fold, jobs=jobs),
            {"last": LAST_ID},
        )
        await cursor.execute(query)
        state = await cursor.fetchone()
    assert state is not None
    return state


async def _set(conn: AsyncConnection, chancy: Chancy, **values: Any) -> None:
    await conn.execute(
        sql.SQL("UPDATE {fold} SET folded_at = now(), {values}").format(
            fold=table(chancy, "web_failure_fold"),
            values=sql.SQL(", ").join(
                sql.SQL("{} = %s").format(sql.Identifier(name)) for name in values
            ),
        ),
        list(values.values()),
    )


# --- The step --------------------------------------------------------------------------------


@dataclass
class Folded:
    """What one chunk did: jobs read, occurrences counted, and whether more is waiting."""

    kind: str
    read: int = 0
    occurrences: int = 0
    more: bool = False
    #: Of the jobs read, those handed over to be folded (the retrying pass skips, in the
    #: database, the jobs that did not change since they were folded).
    changed: int = 0


async def _read(
    conn: AsyncConnection, chancy: Chancy, kind: str, at: datetime, id_: UUID, limit: int
) -> tuple[list[dict[str, Any]], datetime]:
    async with conn.cursor(row_factory=dict_row) as cursor:
        await cursor.execute(_pass_query(chancy, kind), (at, id_, limit))
        rows = await cursor.fetchall()
        await cursor.execute("SELECT now() AS now")
        now = await cursor.fetchone()
    assert now is not None
    return rows, now["now"]


@dataclass
class Retrying:
    """A chunk of the retrying pass: how many jobs it looked at, the last one's position, and
    those that changed since they were folded."""

    read: int
    last: tuple[datetime, UUID] | None
    changed: list[dict[str, Any]]
    now: datetime


async def _read_retrying(
    conn: AsyncConnection, chancy: Chancy, at: datetime, id_: UUID, limit: int
) -> Retrying:
    async with conn.cursor(row_factory=dict_row) as cursor:
        await cursor.execute(_pass_query(chancy, "retrying"), (at, id_, limit))
        rows = await cursor.fetchall()
        await cursor.execute("SELECT now() AS now")
        now = await cursor.fetchone()
    assert now is not None
    if not rows:
        return Retrying(read=0, last=None, changed=[], now=now["now"])
    return Retrying(
        read=rows[0]["read"],
        last=(rows[0]["last_at"], rows[0]["last_id"]),
        changed=[row for row in rows if row["id"] is not None],
        now=now["now"],
    )


async def fold_chunk(conn: AsyncConnection, chancy: Chancy, settings: Any) -> Folded | None:
    """One chunk of the first pass that has work, in `conn`'s transaction (the caller
    commits). None when another process holds the lock."""
    if not await try_lock(conn, lock_name(chancy)):
        return None
    # A chunk is small; a stuck one must not hold the lock (and the chunk) for ever.
    await conn.execute("SET LOCAL statement_timeout = '60s'")
    state = await _state(conn, chancy)
    limit = settings.failure_fold_chunk
    settle = timedelta(seconds=settings.failure_fold_settle_s)

    # Live: from the pass's own position, or from the settled watermark when a pass begins.
    if state["live_at"] is not None:
        start = state["live_at"], state["live_id"]
    else:
        start = state["watermark_at"], state["watermark_id"]
    rows, now = await _read(conn, chancy, "live", *start, limit)
    done = Folded("live", read=len(rows), more=len(rows) == limit, changed=len(rows))
    chunk = Chunk()
    for row in rows:
        chunk.add(row, now)
    watermark = state["watermark_at"], state["watermark_id"]
    last = (rows[-1]["completed_at"], rows[-1]["id"]) if rows else start
    if rows or state["live_at"] is not None:
        # The watermark only moves forwards, and never into the last few seconds; the
        # pass's position is kept while chunks come full, and dropped at the pass's end.
        watermark = max(min(last, (now - settle, LAST_ID)), watermark)
        await _set(
            conn,
            chancy,
            watermark_at=watermark[0],
            watermark_id=watermark[1],
            live_at=last[0] if done.more else None,
            live_id=last[1] if done.more else None,
        )
    if not done.more:
        # Retrying jobs, a chunk at a time; the pass starts again once it reaches the end.
        position = state["retrying_at"] or datetime.min.replace(tzinfo=UTC)
        retrying = await _read_retrying(
            conn, chancy, position, state["retrying_id"] or UUID(int=0), limit
        )
        for row in retrying.changed:
            chunk.add(row, retrying.now)
        full = retrying.read == limit and retrying.last is not None
        await _set(
            conn,
            chancy,
            retrying_at=retrying.last[0] if full and retrying.last else None,
            retrying_id=retrying.last[1] if full and retrying.last else None,
        )
        done = Folded(
            "retrying",
            read=done.read + retrying.read,
            more=full,
            changed=done.changed + len(retrying.changed),
        )
    if not done.more and state["backfill_finished_at"] is None:
        rows, now = await _read(
            conn, chancy, "backfill", state["backfill_at"], state["backfill_id"], limit
        )
        for row in rows:
            chunk.add(row, now)
        if rows:
            await _set(
                conn,
                chancy,
                backfill_at=rows[-1]["completed_at"],
                backfill_id=rows[-1]["id"],
                backfill_done=state["backfill_done"] + len(rows),
            )
        if len(rows) < limit:
            await conn.execute(
                sql.SQL("UPDATE {} SET backfill_finished_at = now()").format(
                    table(chancy, "web_failure_fold")
                )
            )
        done = Folded(
            "backfill",
            read=done.read + len(rows),
            more=len(rows) == limit,
            changed=done.changed + len(rows),
        )
    await save(conn, chancy, chunk)
    done.occurrences = chunk.occurrences
    return done


#: Most rows of `web_failure_jobs` one cleanup forgets.
FORGET_MAX = 10_000


async def forget_pruned(conn: AsyncConnection, chancy: Chancy) -> int:
    """Forget the jobs the Pruner deleted (called from its cleanup): their counts stay in the
    groups; only the record that they were counted goes, since they cannot fail again."""
    cursor = await conn.execute(
        sql.SQL(
            """
            DELETE FROM {folded} f WHERE f.job_id IN (
                SELECT g.job_id FROM {folded} g
                WHERE NOT EXISTS (SELECT 1 FROM {jobs} j WHERE j.id = g.job_id)
                LIMIT {most})
            """
        ).format(
            folded=table(chancy, "web_failure_jobs"),
            jobs=table(chancy, "jobs"),
            most=sql.Literal(FORGET_MAX),
        )
    )
    return cursor.rowcount


async def step(ctx: WebContext) -> bool:
    """The background step: one chunk in a short transaction of its own."""
    async with ctx.chancy.pool.connection() as conn, conn.transaction():
        folded = await fold_chunk(conn, ctx.chancy, ctx.settings)
    return folded is not None and folded.more


#: Registered in `chancy_web.app.BACKGROUND_JOBS`; the app sets its interval from its settings.
JOB: BackgroundJob[WebContext] = BackgroundJob(NAME, step, interval_s=2.0)
