"""Benchmark the failure inbox: the backfill, the live fold's rate, and the inbox's latency.

    python scripts/bench_failures.py                          # 1M failed jobs, 10,000 groups
    python scripts/bench_failures.py --failed 100000 --live 20000
    python scripts/bench_failures.py --skew 3                 # most failures in a few groups
    python scripts/bench_failures.py --dsn postgresql://...   # a server to make a database on

On a fresh database (`chancy_bench_failures`, on `--dsn`'s server or an embedded Postgres),
migrated with chancy-web's plugin: seed `--failed` failed jobs (time-ordered ids, one realistic
traceback each, ids and numbers in their messages, spread over `--groups` failing functions,
so `--groups` groups) and `--succeeded` succeeded ones, as a table at 10M jobs would hold them.
Then, in this process, on one connection, as the background job does:

1. **backfill**: fold chunks (`--chunk` jobs each, one transaction each) from the first run
   until the backfill has finished; failed jobs per second.
2. **live**: insert `--live` more failed jobs completed now, and fold until nothing is waiting;
   failures per second (the target: keeping up with 1,000/s).
3. **inbox**, straight after the fold and again once the failure tables are vacuumed (as
   autovacuum leaves them): over the app (Litestar's in-process ASGI client, the real
   handlers, queries and pool; no network), `--requests` requests each of the open tab's
   first page, a later page, a search and a group's detail; p50 and p95 (the target: p95 <
   50 ms at 10,000 groups).

Prints one JSON object. The machine is shared: numbers move with the other load on it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "chancy_bench_failures"

#: One failed job: an id made from its completion time (as Chancy's are), its function one of
#: `groups`, and the threaded executor's traceback of `raise LookupError(f"order {n} not
#: found")` under a few library frames.
SEED = """
INSERT INTO {jobs} (id, queue, func, kwargs, limits, meta, errors, state, priority, attempts,
                    max_attempts, created_at, scheduled_at, started_at, completed_at)
SELECT (lpad(to_hex((extract(epoch FROM at) * 10000000)::bigint), 14, '0') || '7a'
        || substr(md5(i::text || %(salt)s), 1, 16))::uuid,
       'q' || mod(i, 7), 'shop.jobs.task_' || g, '{{}}', '[]', '{{}}',
       CASE WHEN %(state)s = 'failed' THEN jsonb_build_array(jsonb_build_object('attempt', 0,
         'traceback', 'Traceback (most recent call last):' || chr(10)
         || '  File "/usr/lib/python3.11/concurrent/futures/thread.py", line 58, in run' || chr(10)
         || '    result = self.fn(*self.args, **self.kwargs)' || chr(10)
         || '  File "/app/.venv/lib/python3.11/site-packages/chancy/executors/base.py", line 272,'
         || ' in run_function' || chr(10) || '    return func(**kwargs)' || chr(10)
         || '  File "/srv/shop/shop/jobs.py", line ' || (10 + mod(i, 90)) || ', in task_'
         || g || chr(10)
         || '    raise LookupError(f"order {{order_id}} not found")' || chr(10)
         || 'LookupError: order ' || i || ' not found for customer '
         || md5(i::text) || chr(10)))
       ELSE '[]' END,
       %(state)s, 0, 1, 1, at - interval '3 seconds', at - interval '3 seconds',
       at - interval '1 second', at
FROM (SELECT i, %(until)s::timestamptz - i * %(step)s::interval AS at,
             -- Uniform (skew 1: consecutive jobs in different groups, the worst case for a
             -- chunk), or skewed towards the first groups, as real failures are.
             CASE WHEN %(skew)s = 1 THEN mod(i, %(groups)s)
                  ELSE floor(%(groups)s * power(random(), %(skew)s))::int END AS g
      FROM generate_series(1, %(count)s) AS i) AS rows
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def server(dsn: str | None) -> Iterator[str]:
    if dsn:
        yield dsn
        return
    from chancy_web.demo.postgres import embedded_postgres

    with embedded_postgres(None) as demo:
        yield demo


def fresh_database(server_dsn: str) -> str:
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    info = psycopg.conninfo.conninfo_to_dict(server_dsn)
    info["dbname"] = DATABASE
    return psycopg.conninfo.make_conninfo(**info)


def seed(
    dsn: str, state: str, count: int, groups: int, until: str, step: str, salt: str, skew: float
) -> None:
    batch = 200_000
    with psycopg.connect(dsn, autocommit=True) as conn:
        for start in range(0, count, batch):
            n = min(batch, count - start)
            conn.execute(
                sql.SQL(SEED).format(jobs=sql.Identifier("chancy_jobs")),
                {
                    "state": state,
                    "count": n,
                    "groups": groups,
                    "skew": skew,
                    # Each batch before the one inserted before it.
                    "until": until,
                    "step": step,
                    "salt": f"{salt}{start}",
                },
            )
            until_row = conn.execute(
                "SELECT min(completed_at) FROM chancy_jobs WHERE state = %s", (state,)
            ).fetchone()
            assert until_row is not None
            until = until_row[0].isoformat()
            log(f"seeded {start + n:,} {state} jobs")
        conn.execute("ANALYZE chancy_jobs")


async def fold_until_done(chancy: Any, settings: Any) -> tuple[int, int, float]:
    """Chunks, occurrences and seconds until nothing more is waiting."""
    from chancy_web.failures import fold

    chunks = occurrences = 0
    started = time.perf_counter()
    while True:
        async with chancy.pool.connection() as conn, conn.transaction():
            done = await fold.fold_chunk(conn, chancy, settings)
        assert done is not None, "another process folds this database"
        chunks += 1
        occurrences += done.occurrences
        if chunks % 100 == 0:
            log(f"{chunks} chunks, {occurrences:,} occurrences")
        if not done.more:
            return chunks, occurrences, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def inbox_latency(dsn: str, requests: int) -> dict[str, Any]:
    from chancy import Chancy
    from litestar.testing import AsyncTestClient

    from chancy_web import Settings, SimpleAuthBackend, create_app
    from chancy_web.auth.passwords import hash_password

    app = create_app(
        Chancy(dsn),
        authentication_backend=SimpleAuthBackend({"admin": hash_password("bench")}),
        settings=Settings(run_background=False),
    )
    results: dict[str, Any] = {}
    async with AsyncTestClient(app) as client:
        token = (
            await client.post("/api/v1/login", json={"username": "admin", "password": "bench"})
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        first = (await client.get("/api/v1/failures", headers=headers)).json()
        later = first
        for _ in range(20):  # a page well into the tab
            later = (
                await client.get(
                    "/api/v1/failures", params={"cursor": later["next_cursor"]}, headers=headers
                )
            ).json()
        fp = first["items"][0]["fingerprint"]
        variants = {
            "open_first_page": ("/api/v1/failures", {}),
            "open_page_21": ("/api/v1/failures", {"cursor": later["next_cursor"]}),
            "search": ("/api/v1/failures", {"q": "task_77"}),
            "group_detail": (f"/api/v1/failures/{fp}", {}),
        }
        for name, (path, params) in variants.items():
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = await client.get(path, params=params, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
            body = response.json()
            results[name] = {
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(percentile(times, 95), 2),
                **({"items": len(body["items"])} if "items" in body else {}),  # not the detail
            }
            log(f"{name}: {results[name]}")
    return results


async def run(dsn: str, args: argparse.Namespace) -> dict[str, Any]:
    from chancy import Chancy

    from chancy_web import Api, Settings, SimpleAuthBackend

    settings = Settings(failure_fold_chunk=args.chunk)
    api = Api(authentication_backend=SimpleAuthBackend({}))
    async with Chancy(dsn, plugins=[api], no_default_plugins=True) as chancy:
        await chancy.migrate()
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    log("seeding")
    started = time.perf_counter()
    seed(dsn, "succeeded", args.succeeded, args.groups, now, "0.02 seconds", "s", 1)
    seed(dsn, "failed", args.failed, args.groups, now, "0.5 seconds", "f", args.skew)
    seeded_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "failed": args.failed,
        "succeeded": args.succeeded,
        "groups": args.groups,
        "chunk": args.chunk,
        "skew": args.skew,
        "seed_s": round(seeded_s, 1),
    }
    async with Chancy(dsn, no_default_plugins=True) as chancy:
        log("backfill")
        chunks, occurrences, seconds = await fold_until_done(chancy, settings)
        result["backfill"] = {
            "chunks": chunks,
            "occurrences": occurrences,
            "seconds": round(seconds, 1),
            "per_second": round(occurrences / seconds),
        }
        log(f"backfill: {result['backfill']}")
        # Completed now, in a stretch shorter than the backfill took: all after the first fold.
        live_until = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        step = min(0.0001, seconds / 2 / max(args.live, 1))
        seed(
            dsn, "failed", args.live, args.groups, live_until, f"{step:.9f} seconds", "l", args.skew
        )
        chunks, occurrences, seconds = await fold_until_done(chancy, settings)
        result["live"] = {
            "chunks": chunks,
            "occurrences": occurrences,
            "seconds": round(seconds, 1),
            "per_second": round(occurrences / seconds),
        }
        log(f"live: {result['live']}")
        async with chancy.pool.connection() as conn:
            row = await (
                await conn.execute("SELECT count(*) FROM chancy_web_failure_groups")
            ).fetchone()
            result["groups_folded"] = row[0] if row else None
    # Straight after the fold, then as autovacuum leaves the tables (the groups table is
    # vacuumed after every 5,000 dead rows; a backfill rewrites each group many times over).
    result["inbox_after_fold"] = await inbox_latency(dsn, args.requests)
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name in ("web_failure_groups", "web_failure_hours", "web_failure_jobs"):
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(f"chancy_{name}")))
    result["inbox_vacuumed"] = await inbox_latency(dsn, args.requests)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dsn", help="a server where a database may be created (default: embedded)"
    )
    parser.add_argument("--failed", type=int, default=1_000_000)
    parser.add_argument("--succeeded", type=int, default=0)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--live", type=int, default=50_000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument(
        "--skew", type=float, default=1, help="1: uniform; 3: most failures in a few groups"
    )
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with server(args.dsn) as server_dsn:
        dsn = fresh_database(server_dsn)
        print(json.dumps(asyncio.run(run(dsn, args)), indent=2))


if __name__ == "__main__":
    main()
