"""Every job list query is index-backed on a big, analysed table: no sequential scan of jobs.

The table gets 300k realistic rows under a prefix of its own; each query is the exact SQL the
API runs (`queries.list_query`), EXPLAINed, and its plan searched for the jobs table.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from chancy import Chancy
from psycopg import sql

from chancy_web import Settings
from chancy_web.db import Reader
from chancy_web.jobs import queries
from chancy_web.jobs.filters import JobFilter
from chancy_web.pagination import Cursor
from chancy_web.query import Selection, compile_query, search_window
from chancy_web.query.filters import Condition
from chancy_web.query.qualifiers import id_at
from tests.big_table import big_jobs_table, explain

PREFIX = "plans_"


@pytest.fixture(scope="module")
async def big(dsn: str) -> AsyncIterator[Chancy]:
    async with big_jobs_table(dsn, PREFIX) as app:
        yield app


async def _row(app: Chancy, where: str) -> Any:
    async with app.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL("SELECT id, completed_at, scheduled_at FROM {} WHERE " + where).format(
                sql.Identifier(f"{PREFIX}jobs")
            )
        )
        return await cursor.fetchone()


async def _plan(app: Chancy, f: JobFilter, *, analyze: bool = False) -> list[dict[str, Any]]:
    query = queries.list_query(app, f)
    return await explain(app, query.sql, query.params, analyze=analyze)


async def _variants(app: Chancy) -> dict[str, JobFilter]:
    now = datetime.now(UTC)
    deep_failed = await _row(
        app, "state = 'failed' ORDER BY completed_at DESC OFFSET 15000 LIMIT 1"
    )
    deep_any = await _row(app, "true ORDER BY id DESC OFFSET 250000 LIMIT 1")
    pending = await _row(app, "state = 'pending' ORDER BY scheduled_at OFFSET 500 LIMIT 1")
    variants = {
        "newest": JobFilter(limit=100),
        "queue": JobFilter(limit=100, conditions=(Condition("queue", "=", "billing"),)),
        "function contains": JobFilter(limit=100, conditions=(Condition("func", "~", "report"),)),
        "last hour": JobFilter(
            limit=100, conditions=(Condition("created_at", ">=", now - timedelta(hours=1)),)
        ),
        "a day last week": JobFilter(
            limit=100,
            conditions=(
                Condition("created_at", ">=", now - timedelta(days=7)),
                Condition("created_at", "<", now - timedelta(days=6)),
            ),
        ),
        "failed in queue": JobFilter(
            limit=100, state="failed", conditions=(Condition("queue", "=", "emails"),)
        ),
        "failed deep page": JobFilter(
            limit=100,
            state="failed",
            cursor=Cursor("recently_completed", "next", deep_failed[1], deep_failed[0]),
        ),
        "pending newer page": JobFilter(
            limit=100,
            state="pending",
            cursor=Cursor("next_to_run", "prev", pending[2], pending[0]),
        ),
        "reference before=<id>": JobFilter(limit=100, before=deep_any[0]),
        "reference before=<id> failed": JobFilter(limit=100, state="failed", before=deep_any[0]),
    }
    for state in ("pending", "running", "failed", "retrying", "succeeded"):
        variants[f"state {state}"] = JobFilter(limit=100, state=state)  # type: ignore[arg-type]
    return variants


async def test_every_list_query_uses_an_index_and_never_scans_jobs(big):
    jobs = f"{PREFIX}jobs"
    for name, f in (await _variants(big)).items():
        nodes = await _plan(big, f)
        on_jobs = [n for n in nodes if n.get("Relation Name") == jobs]
        assert on_jobs, name
        assert not [n for n in on_jobs if n["Node Type"] == "Seq Scan"], f"{name}: {on_jobs}"
        assert any("Index" in n["Node Type"] for n in on_jobs), f"{name}: {on_jobs}"


async def test_a_state_from_an_old_id_reads_only_that_states_jobs(big):
    """`before=<id>` with an unfinished state: such jobs are all recent, so none is older than
    an id from deep in the table. The page must find that in the state's own index entries,
    not by walking the primary key through every older job."""
    jobs = f"{PREFIX}jobs"
    deep = await _row(big, "true ORDER BY id DESC OFFSET 250000 LIMIT 1")
    for state in ("pending", "retrying", "running", "failed"):
        for conditions in ((), (Condition("queue", "=", "billing"),)):
            f = JobFilter(limit=50, state=state, before=deep[0], conditions=conditions)  # type: ignore[arg-type]
            nodes = await _plan(big, f, analyze=True)
            on_jobs = [n for n in nodes if n.get("Relation Name") == jobs]
            used = {n.get("Index Name") for n in on_jobs}
            assert used and f"{PREFIX}jobs_pkey" not in used, (state, conditions, on_jobs)
            read = sum(n["Actual Rows"] + n.get("Rows Removed by Filter", 0) for n in on_jobs)
            assert read < 1000, (state, conditions, read)


async def test_id_bounds_match_chancy_ids():
    from chancy.utils import chancy_uuid

    before = datetime.now(UTC) - timedelta(seconds=1)
    made = uuid.UUID(str(chancy_uuid()))
    after = datetime.now(UTC) + timedelta(seconds=1)
    assert id_at(before) < made < id_at(after)


def _search(q: str, **settings: Any) -> Selection:
    return compile_query(
        q,
        table=sql.Identifier(f"{PREFIX}jobs"),
        now=datetime.now(UTC),
        settings=Settings(**settings),
    )


async def test_searches_on_indexed_qualifiers_use_the_list_indexes(big):
    """`q=` terms that an index serves: the plan reads the jobs table through it."""
    jobs = f"{PREFIX}jobs"
    some = await _row(big, "true ORDER BY id DESC OFFSET 1000 LIMIT 1")
    async with big.pool.connection() as conn:
        window = await search_window(conn, sql.Identifier(jobs), 100_000)
    assert window is not None
    variants = {
        "state": JobFilter(limit=100, state="failed", search=_search("state:failed")),
        "states": JobFilter(limit=100, search=_search("state:failed,retrying")),
        "state and queue": JobFilter(
            limit=100, state="failed", search=_search("state:failed queue:emails")
        ),
        "created": JobFilter(limit=100, search=_search("created:>-1h")),
        "created range": JobFilter(limit=100, search=_search("created:-7d..-6d")),
        "id prefix": JobFilter(limit=100, search=_search(f"id:{str(some[0])[:13]}")),
        "id": JobFilter(limit=100, search=_search(f"id:{some[0]}")),
        "unique key": JobFilter(limit=100, search=_search("unique_key:nightly")),
        "waiting": JobFilter(
            limit=100, state="pending", search=_search("state:pending scheduled:<-1h")
        ),
        "bounded error": JobFilter(limit=100, search=_search('error:"ValueError"').within(window)),
        "bounded kwargs": JobFilter(limit=100, search=_search("kwargs.user_id:42").within(window)),
    }
    for name, f in variants.items():
        nodes = await _plan(big, f)
        on_jobs = [n for n in nodes if n.get("Relation Name") == jobs]
        assert on_jobs, name
        assert not [n for n in on_jobs if n["Node Type"] == "Seq Scan"], f"{name}: {on_jobs}"
        assert any("Index" in n["Node Type"] for n in on_jobs), f"{name}: {on_jobs}"


async def test_a_search_past_the_statement_timeout_says_it_timed_out(big):
    # Every traceback of 300k jobs read in a millisecond: it cannot finish.
    f = JobFilter(
        limit=100,
        search=compile_query(
            "error:~no-such-text-anywhere",
            table=sql.Identifier(f"{PREFIX}jobs"),
            now=datetime.now(UTC),
            settings=Settings(),
            unbounded=True,
        ),
    )
    async with await psycopg.AsyncConnection.connect(big.dsn, autocommit=True) as conn:
        page, searched = await queries.list_jobs(Reader(conn, timeout_ms=1), big, f)
    assert page.items == [] and searched is not None
    assert searched.timed_out and not searched.bounded


async def _plan_of(app: Chancy, query: Any, params: Any = ()) -> list[dict[str, Any]]:
    return await explain(app, query, params)


async def test_function_list_is_a_skip_scan_of_the_func_index(big):
    query = queries.FUNCTIONS_SQL.format(jobs=sql.Identifier(f"{PREFIX}jobs"))
    nodes = await _plan_of(big, query)
    on_jobs = [n for n in nodes if n.get("Relation Name") == f"{PREFIX}jobs"]
    assert on_jobs and all(n["Node Type"] == "Index Only Scan" for n in on_jobs), on_jobs
    assert {n["Index Name"] for n in on_jobs} == {f"{PREFIX}web_jobs_func"}


async def test_kwargs_equality_uses_the_gin_index_when_built(big):
    from chancy_web.migrations.indexes import build_concurrently

    built = await build_concurrently(big, search_indexes=True)
    assert f"{PREFIX}web_jobs_kwargs" in built or built == []
    async with big.pool.connection() as conn:
        await conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(f"{PREFIX}jobs")))
    search = _search("kwargs.user_id:42", search_indexes=True)
    assert not search.bounded
    nodes = await _plan(big, JobFilter(limit=100, search=search))
    names = {n.get("Index Name") for n in nodes}
    assert f"{PREFIX}web_jobs_kwargs" in names, nodes
