"""The fold never scans the jobs table: each pass's exact SQL, EXPLAINed on 300k analysed
jobs, is a range scan of the list index of its state (`web_jobs_finished` for failed jobs,
`web_jobs_waiting` for retrying ones), and `failure:<fp>` probes the folded jobs' index."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chancy import Chancy
from psycopg import sql

from chancy_web import Settings
from chancy_web.failures import fold
from chancy_web.query import compile_query
from tests.big_table import big_jobs_table, explain

PREFIX = "fplans_"


@pytest.fixture(scope="module")
async def big(dsn: str, chancy: Chancy) -> AsyncIterator[Chancy]:
    # chancy: the session's migrations ran first
    async with big_jobs_table(dsn, PREFIX) as app:
        yield app


async def _plan(app: Chancy, query: sql.Composable, params: list[Any]) -> list[dict[str, Any]]:
    return await explain(app, query, params)


def _scans_of_jobs(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [n for n in nodes if n.get("Relation Name") == f"{PREFIX}jobs"]


@pytest.mark.parametrize(
    ("kind", "indexes", "position"),
    [
        ("live", {"web_jobs_finished"}, timedelta(hours=1)),
        ("backfill", {"web_jobs_finished"}, timedelta(days=3)),
        # The chunk's window from the state's index, then the jobs that changed by their ids.
        ("retrying", {"web_jobs_waiting", "jobs_pkey"}, None),
    ],
)
async def test_each_pass_is_a_range_scan_of_its_state_s_index(big, kind, indexes, position):
    now = datetime.now(UTC)
    at = now - position if position else datetime.min.replace(tzinfo=UTC)
    nodes = await _plan(big, fold._pass_query(big, kind), [at, fold.LAST_ID, 1000])
    scans = _scans_of_jobs(nodes)
    assert {n.get("Index Name") for n in scans} == {f"{PREFIX}{i}" for i in indexes}, scans
    assert all("Index" in n["Node Type"] for n in scans), scans


async def test_a_group_s_jobs_are_found_through_the_folded_jobs_index(big):
    jobs = sql.Identifier(f"{PREFIX}jobs")
    selection = compile_query(
        "failure:0123456789abcdef state:failed",
        table=jobs,
        now=datetime.now(UTC),
        settings=Settings(),
    )
    query = sql.SQL("SELECT j.id FROM {} AS j WHERE {} ORDER BY j.id DESC LIMIT 100").format(
        jobs, selection.where
    )
    nodes = await _plan(big, query, selection.params)
    assert not [n for n in _scans_of_jobs(nodes) if n["Node Type"] == "Seq Scan"], nodes
