"""Benchmark the Metrics page's slowest jobs and the `duration:` search on a big jobs table.

    python scripts/bench_slowest.py                                   # 10M jobs, embedded
    python scripts/bench_slowest.py --jobs 1000000 --requests 50
    python scripts/bench_slowest.py --data-dir /tmp/slowest-pg --reuse  # seed once, rerun
    python scripts/bench_slowest.py --sizes 20000,50000,100000        # slowest_jobs_window
    python scripts/bench_slowest.py --dsn postgresql://...            # a server to use

On a database (`chancy_bench_slowest`, on `--dsn`'s server or an embedded Postgres), migrated
with chancy-web's plugin and seeded by `scripts/seed.py` (realistic history over 30 days,
run times spread log-normally per function), over the app in this process (Litestar's
in-process ASGI client, the real handlers, queries and pool; no network; `share_reads` off,
so every request runs its own query): `--requests` requests of each window and filter of
`GET /api/v1/metrics/slowest-jobs`, and of the jobs list's "all slow jobs" search the panel
links to; p50 and p95, whether the window was bounded, and whether the search found the
slowest jobs the panel listed. Each for every bound of `--sizes` (`slowest_jobs_window`).
Then the rows each finished state's index scan read (EXPLAIN ANALYZE of the 30-day window).

Prints one JSON object. The machine is shared: numbers move with the other load on it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "chancy_bench_slowest"
DAY = 86400


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def server(args: argparse.Namespace) -> Iterator[str]:
    if args.dsn:
        yield args.dsn
        return
    from chancy_web.demo.postgres import embedded_postgres

    with embedded_postgres(Path(args.data_dir) if args.data_dir else None) as demo:
        yield demo


def database(server_dsn: str, *, fresh: bool) -> tuple[str, bool]:
    """The bench database's DSN, and whether it had to be made."""
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        name = sql.Identifier(DATABASE)
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
        exists = found.fetchone() is not None
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
        if not exists or fresh:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    info = psycopg.conninfo.conninfo_to_dict(server_dsn)
    info["dbname"] = DATABASE
    return psycopg.conninfo.make_conninfo(**info), fresh or not exists


async def migrate(dsn: str) -> None:
    from chancy import Chancy

    from chancy_web import Api, SimpleAuthBackend

    async with Chancy(dsn, plugins=[Api(authentication_backend=SimpleAuthBackend({}))]) as app:
        await app.migrate()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def latencies(dsn: str, requests: int, size: int) -> dict[str, Any]:
    from chancy import Chancy
    from chancy.plugins.metrics import Metrics
    from litestar.testing import AsyncTestClient

    from chancy_web import Settings, SimpleAuthBackend, create_app
    from chancy_web.auth.passwords import hash_password

    app = create_app(
        Chancy(dsn, plugins=[Metrics()], no_default_plugins=True),
        authentication_backend=SimpleAuthBackend({"admin": hash_password("bench")}),
        settings=Settings(run_background=False, share_reads=False, slowest_jobs_window=size),
    )
    results: dict[str, Any] = {}
    async with AsyncTestClient(app) as client:
        login = {"username": "admin", "password": "bench"}
        token = (await client.post("/api/v1/login", json=login)).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        route = "/api/v1/metrics/slowest-jobs"
        # A common function and queue of the seeded history, for the filtered variants.
        sample = (await client.get(route, params={"range": DAY}, headers=headers)).json()
        func, queue = sample["items"][0]["func"], sample["items"][0]["queue"]
        variants: dict[str, tuple[str, dict[str, Any]]] = {
            f"slowest_{name}": (route, {"range": seconds})
            for name, seconds in (("1h", 3600), ("24h", DAY), ("7d", 7 * DAY), ("30d", 30 * DAY))
        }
        variants["slowest_24h_func"] = (route, {"range": DAY, "func": func})
        variants["slowest_24h_queue"] = (route, {"range": DAY, "queue": queue})
        slowest = (await client.get(route, params={"range": DAY}, headers=headers)).json()
        listed = {item["id"] for item in slowest["items"]}
        tenth = int(slowest["items"][-1]["duration"] * 1000)
        search = f"state:succeeded,failed completed:>-24h duration:>={tenth}ms"
        list_params = {"q": search, "view": "summary", "pagination": "true", "limit": 50}
        variants["all_slow_jobs_search"] = ("/api/v1/jobs", list_params)
        for name, (path, params) in variants.items():
            times, body = [], {}
            for i in range(requests + 3):
                started = time.perf_counter()
                response = await client.get(path, params=params, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, response.text
                body = response.json()
                if i >= 3:  # warm-up
                    times.append(elapsed)
            results[name] = {
                "params": params,
                "p50_ms": round(percentile(times, 50), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "rows": len(body["items"]),
                "bounded": body.get("bounded", body.get("searched", {}).get("bounded")),
            }
            if path == "/api/v1/jobs":
                found = listed & {item["id"] for item in body["items"]}
                results[name]["found_of_the_24h_panel"] = f"{len(found)} of {len(listed)}"
            log(f"{name}: {results[name]}")
    return results


async def rows_read(dsn: str, size: int) -> list[dict[str, Any]]:
    """What each scan of the jobs table read for the 30-day window."""
    from chancy import Chancy

    from chancy_web.metrics import queries

    async with Chancy(dsn, no_default_plugins=True) as chancy:
        f = queries.SlowestFilter(start=datetime.now(UTC) - timedelta(days=30), size=size, limit=10)
        query, params = queries.slowest_query(chancy, f)
        async with chancy.pool.connection() as conn:
            cursor = psycopg.AsyncClientCursor(conn)
            explain = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "
            await cursor.execute(explain + query.as_string(conn), params)
            row = await cursor.fetchone()
    assert row is not None
    nodes, stack = [], [row[0][0]["Plan"]]
    while stack:
        node = stack.pop()
        stack.extend(node.get("Plans", []))
        if node.get("Relation Name") == "chancy_jobs":
            nodes.append(
                {
                    "node": node["Node Type"],
                    "index": node.get("Index Name"),
                    "rows": node["Actual Rows"],
                    "ms": round(node["Actual Total Time"], 1),
                }
            )
    return nodes


async def run(args: argparse.Namespace) -> dict[str, Any]:
    sizes = [int(size) for size in args.sizes.split(",")]
    with server(args) as server_dsn:
        dsn, made = database(server_dsn, fresh=not args.reuse)
        if made:
            await migrate(dsn)
            log(f"seeding {args.jobs:,} jobs")
            started = time.perf_counter()
            sys.path.insert(0, str(ROOT / "scripts"))
            from seed import seed

            await asyncio.to_thread(seed, dsn, jobs=args.jobs, progress=sys.stderr)
            log(f"seeded in {time.perf_counter() - started:.0f} s")
        with psycopg.connect(dsn) as conn:
            count = conn.execute("SELECT count(*) FROM chancy_jobs").fetchone()
            finished = conn.execute(
                "SELECT count(*) FROM chancy_jobs WHERE state IN ('succeeded', 'failed')"
            ).fetchone()
        return {
            "jobs": count[0] if count else 0,
            "finished": finished[0] if finished else 0,
            "requests": args.requests,
            "by_size": {
                size: {
                    "latency": await latencies(dsn, args.requests, size),
                    "scans_30d": await rows_read(dsn, size),
                }
                for size in sizes
            },
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", help="a server where a database may be made (default: embedded)")
    parser.add_argument("--data-dir", help="keep the embedded Postgres here")
    parser.add_argument("--reuse", action="store_true", help="keep a database seeded before")
    parser.add_argument("--jobs", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--sizes", default="20000,100000", help="bounds (slowest_jobs_window) to measure"
    )
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), indent=2, default=str))


if __name__ == "__main__":
    main()
