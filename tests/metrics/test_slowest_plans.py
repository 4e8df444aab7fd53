"""The slowest jobs never scan the jobs table: the exact SQL the API runs, EXPLAINed on 300k
analysed jobs, reads each finished state through an index, whatever the filters. When the
window holds many more of a state's jobs than the bound, the read is an ordered walk of
`web_jobs_finished` that stops after the newest `size + 1`; when it holds not many more, the
planner may rather read them all by a bitmap scan (of a state's few failed jobs, say)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chancy import Chancy

from chancy_web import Settings
from chancy_web.db import Reader
from chancy_web.metrics import queries
from chancy_web.metrics.queries import SlowestFilter
from tests.big_table import big_jobs_table, explain

PREFIX = "splans_"
#: The default bound, and one far below each state's jobs in the table (234k succeeded,
#: 17k failed), at which the planner walks the index in order.
SIZE = Settings().slowest_jobs_window
SMALL = 5_000


@pytest.fixture(scope="module")
async def big(dsn: str, chancy: Chancy) -> AsyncIterator[Chancy]:
    # chancy: the session's migrations ran first
    async with big_jobs_table(dsn, PREFIX) as app:
        yield app


def _filter(window: timedelta, size: int = SIZE, **filters: Any) -> SlowestFilter:
    start = datetime.now(UTC) - window
    return SlowestFilter(start=start, size=size, limit=10, **filters)


def _index(node: dict[str, Any]) -> str | None:
    """The index a scan reads: its own, or its bitmap's (None for a sequential scan)."""
    if node["Node Type"] == "Bitmap Heap Scan":
        return str(node["Plans"][0]["Index Name"])
    return node.get("Index Name")


async def _plan(app: Chancy, f: SlowestFilter, analyze: bool = False) -> list[dict[str, Any]]:
    query, params = queries.slowest_query(app, f)
    nodes = await explain(app, query, params, analyze=analyze)
    return [n for n in nodes if n.get("Relation Name") == f"{PREFIX}jobs"]


VARIANTS = {
    "last hour": _filter(timedelta(hours=1)),
    "last 30 days": _filter(timedelta(days=30)),
    "a function": _filter(timedelta(days=7), func="app.tasks.sync"),
    "a queue and a worker": _filter(timedelta(days=1), queue="emails", worker="worker-1"),
    "30 days, a small bound": _filter(timedelta(days=30), size=SMALL),
}


@pytest.mark.parametrize("name", list(VARIANTS))
async def test_each_state_is_read_through_an_index(big, name):
    scans = await _plan(big, VARIANTS[name])
    assert not [n for n in scans if n["Node Type"] == "Seq Scan"], scans
    assert len(scans) == 2 and all(_index(n) for n in scans), scans
    # An ordered read (what the bound stops) is a walk of the finished jobs' index.
    walks = [n for n in scans if n["Node Type"] == "Index Scan"]
    assert all(n["Index Name"] == f"{PREFIX}web_jobs_finished" for n in walks), scans


async def test_a_window_far_larger_than_the_bound_is_read_only_up_to_it(big):
    # 30 days hold all 252k finished jobs of the table: each state's scan walks the index
    # newest first, and the two stop once they have given the newest size + 1 between them
    # (and one more each, which the merge compares).
    scans = await _plan(big, VARIANTS["30 days, a small bound"], analyze=True)
    assert [(n["Node Type"], n["Index Name"]) for n in scans] == [
        ("Index Scan", f"{PREFIX}web_jobs_finished")
    ] * 2, scans
    assert sum(n["Actual Rows"] for n in scans) <= SMALL + 1 + 2, scans


async def test_a_window_of_more_finished_jobs_than_the_bound_says_so(big):
    async with big.pool.connection() as conn:
        result = await queries.slowest_jobs(Reader(conn), big, VARIANTS["last 30 days"])
        cursor = await conn.execute(
            f"SELECT completed_at FROM {PREFIX}jobs WHERE state IN ('succeeded', 'failed') "
            "ORDER BY completed_at DESC, id DESC OFFSET %s LIMIT 1",
            (SIZE - 1,),
        )
        row = await cursor.fetchone()
    assert row is not None
    assert result.bounded and result.considered_since == row[0]
    assert len(result.items) == 10
    # Every job of the big table ran for two seconds.
    assert {item.duration for item in result.items} == {2.0}
    assert all(item.completed_at >= row[0] for item in result.items)


async def test_a_window_within_the_bound_is_not_bounded(big):
    async with big.pool.connection() as conn:
        result = await queries.slowest_jobs(Reader(conn), big, VARIANTS["last hour"])
    assert not result.bounded and result.considered_since is None
    assert len(result.items) == 10
