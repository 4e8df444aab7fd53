"""scripts/seed.py writes realistic, time-ordered, deterministic job history; pure helpers of
scripts/bench.py. Seeding goes to tables of their own prefix, so other tests' data is untouched."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from chancy import Chancy
from chancy.plugins.cron import Cron
from chancy.plugins.workflow import WorkflowPlugin

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
PREFIX = "seedtest_"
JOBS = 2_000
NOW = 1_750_000_000.0


def load(name: str) -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))  # bench.py imports seed.py as a sibling
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


seeding = load("seed")
bench = load("bench")


def run_seed(dsn: str, rng_seed: int = 7, jobs: int = JOBS) -> dict[str, Any]:
    return seeding.seed(dsn, PREFIX, jobs, reset=True, rng_seed=rng_seed, now=NOW, vacuum=False)


@pytest.fixture(scope="module")
async def seeded(dsn: str) -> AsyncIterator[str]:
    async with Chancy(dsn, prefix=PREFIX, plugins=[Cron(), WorkflowPlugin()]) as chancy:
        await chancy.migrate()
    await asyncio.to_thread(run_seed, dsn)
    yield dsn


def rows(dsn: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query.replace("{p}", PREFIX), params).fetchall()


def checksum(dsn: str) -> str:
    return rows(
        dsn,
        "SELECT md5(string_agg(j::text, ',' ORDER BY id)) FROM {p}jobs j",
    )[0][0]


async def test_seed_writes_the_requested_number_of_jobs(seeded: str) -> None:
    assert rows(seeded, "SELECT count(*) FROM {p}jobs") == [(JOBS,)]


async def test_seed_mixes_states_mostly_succeeded(seeded: str) -> None:
    counts = dict(rows(seeded, "SELECT state, count(*) FROM {p}jobs GROUP BY state"))
    assert set(counts) == {"succeeded", "failed", "pending", "retrying", "running"}
    assert counts["succeeded"] > JOBS * 0.7
    assert 0.02 * JOBS < counts["failed"] < 0.12 * JOBS
    assert counts["running"] < counts["retrying"] < counts["pending"]


async def test_seeded_ids_follow_creation_order(seeded: str) -> None:
    (out_of_order,) = rows(
        seeded,
        """SELECT count(*) FROM (
            SELECT created_at < lag(created_at) OVER (ORDER BY id) AS back FROM {p}jobs
        ) s WHERE back""",
    )[0]
    assert out_of_order == 0
    # Chancy's layout: the creation time in 100 ns units in the high bits.
    job_id, created = rows(seeded, "SELECT id, created_at FROM {p}jobs LIMIT 1")[0]
    assert abs((job_id.int >> 68) / 10_000_000 - created.timestamp()) < 1e-5


async def test_seeded_times_are_consistent(seeded: str) -> None:
    bad = rows(
        seeded,
        """SELECT state, count(*) FROM {p}jobs WHERE
            started_at < created_at OR completed_at < started_at
            OR (state IN ('succeeded', 'failed')) <> (completed_at IS NOT NULL)
            OR (state = 'running' AND (taken_by IS NULL OR claim_id IS NULL))
            OR (state = 'retrying' AND scheduled_at <= to_timestamp(%s))
            OR created_at > to_timestamp(%s)
        GROUP BY state""",
        NOW,
        NOW,
    )
    assert bad == []
    (later,) = rows(
        seeded,
        "SELECT count(*) FROM {p}jobs WHERE state = 'pending' AND scheduled_at > to_timestamp(%s)",
        NOW,
    )[0]
    assert later > 0


async def test_failed_jobs_carry_a_traceback_per_attempt(seeded: str) -> None:
    failed = rows(
        seeded, "SELECT attempts, max_attempts, errors FROM {p}jobs WHERE state = 'failed'"
    )
    assert failed
    for attempts, max_attempts, errors in failed:
        assert attempts == max_attempts == len(errors)
        assert [e["attempt"] for e in errors] == list(range(attempts))
        text = errors[-1]["traceback"]
        assert text.startswith("Traceback (most recent call last):\n")
        assert text.count("\n") >= 5 and 'File "' in text


async def test_seed_declares_its_queues(seeded: str) -> None:
    declared = {name for (name,) in rows(seeded, "SELECT name FROM {p}queues")}
    used = {name for (name,) in rows(seeded, "SELECT DISTINCT queue FROM {p}jobs")}
    assert used and used <= declared


async def test_seed_writes_workflows_whose_steps_point_at_jobs(seeded: str) -> None:
    steps = rows(
        seeded,
        """SELECT s.workflow_id, j.meta->>'workflow_id' FROM {p}workflow_steps s
        JOIN {p}jobs j ON j.id = s.job_id""",
    )
    assert steps
    assert all(str(workflow_id) == meta for workflow_id, meta in steps)
    assert rows(seeded, "SELECT count(*) FROM {p}workflows")[0][0] == JOBS // 500


async def test_seed_writes_crons_whose_jobs_appear_in_history(seeded: str) -> None:
    crons = rows(seeded, "SELECT unique_key, job FROM {p}cron")
    assert crons
    for key, job in crons:
        assert job["u"] == key
    keys = {
        k
        for (k,) in rows(
            seeded, "SELECT DISTINCT unique_key FROM {p}jobs WHERE unique_key LIKE 'seed:%%'"
        )
    }
    assert keys == {key for key, _ in crons}


async def test_seed_is_deterministic_per_rng_seed(seeded: str) -> None:
    first = checksum(seeded)
    await asyncio.to_thread(run_seed, seeded, 7)
    assert checksum(seeded) == first
    await asyncio.to_thread(run_seed, seeded, 8)
    assert checksum(seeded) != first
    await asyncio.to_thread(run_seed, seeded, 7)
    assert checksum(seeded) == first


async def test_reset_keeps_jobs_that_were_not_seeded(seeded: str) -> None:
    own = uuid.uuid4()
    with psycopg.connect(seeded) as conn:
        conn.execute(
            f"INSERT INTO {PREFIX}jobs (id, queue, func) VALUES (%s, 'mine', 'my.func')", (own,)
        )
    try:
        await asyncio.to_thread(run_seed, seeded, 7, 300)
        assert rows(seeded, "SELECT count(*) FROM {p}jobs") == [(301,)]
        assert rows(seeded, "SELECT queue FROM {p}jobs WHERE id = %s", own) == [("mine",)]
    finally:
        with psycopg.connect(seeded) as conn:
            conn.execute(f"DELETE FROM {PREFIX}jobs WHERE id = %s", (own,))
        await asyncio.to_thread(run_seed, seeded)


def test_percentile_interpolates_between_ranks() -> None:
    assert bench.percentile([], 50) is None
    assert bench.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert bench.percentile([1.0, 2.0, 3.0, 4.0], 95) == pytest.approx(3.85)


def test_first_page_js_follows_static_imports_only(tmp_path: Path) -> None:
    immutable = tmp_path / "_app" / "immutable"
    for folder in ("entry", "chunks", "nodes"):
        (immutable / folder).mkdir(parents=True)
    (tmp_path / "index.html").write_text(
        '<link href="/__CHANCY_WEB_BASE__/_app/immutable/entry/start.js" rel="modulepreload">'
        '<script src="/__CHANCY_WEB_BASE__/_app/immutable/boot.js"></script>'
    )
    (immutable / "boot.js").write_text('import(base + "/_app/immutable/entry/app.js")')
    (immutable / "entry" / "start.js").write_text('import{a}from"../chunks/shared.js";')
    (immutable / "entry" / "app.js").write_text(
        'import"../chunks/shared.js";const n=[()=>import(`../nodes/9.js`)];'
    )
    (immutable / "chunks" / "shared.js").write_text("export const a=1;" * 50)
    (immutable / "nodes" / "4.js").write_text('import{a}from"../chunks/shared.js";')
    (immutable / "nodes" / "9.js").write_text("lazy, not on the first page")
    (tmp_path / "_app" / "routes.json").write_text(
        json.dumps([{"pattern": "^\\/jobs\\/?$", "js": ["_app/immutable/nodes/4.js"]}])
    )

    found = bench.first_page_js(tmp_path, "/jobs")

    assert found["files"] == [
        "_app/immutable/boot.js",
        "_app/immutable/chunks/shared.js",
        "_app/immutable/entry/app.js",
        "_app/immutable/entry/start.js",
        "_app/immutable/nodes/4.js",
    ]
    assert found["raw"] == sum(len((tmp_path / f).read_bytes()) for f in found["files"])
    assert 0 < found["gzip"] < found["raw"]
