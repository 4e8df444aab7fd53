"""Identical job-list requests in flight together share one query (chancy_web.shared_reads).

Observed in Postgres itself: while a lock holds the jobs table, every list query that reaches
the database waits on it, and `pg_stat_activity` shows how many did (their text carries the
queue name, bound client-side). Run through the plugin-mode server over real HTTP.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import psycopg
import pytest

from chancy_web.shared_reads import SharedReads
from tests.conftest import make_job

WAITING = """
SELECT count(*) FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND query LIKE 'SET LOCAL statement_timeout%%' AND query LIKE %s
"""


@asynccontextmanager
async def jobs_table_locked(dsn: str, prefix: str) -> AsyncIterator[psycopg.AsyncConnection]:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute("BEGIN")
        await conn.execute(f"LOCK TABLE {prefix}jobs IN ACCESS EXCLUSIVE MODE")
        try:
            yield conn
        finally:
            await conn.execute("COMMIT")


async def queries_waiting(dsn: str, queue: str, expected: int) -> int:
    """How many list queries for `queue` are blocked on the lock, once `expected` of them are
    (however long the requests take to arrive), and still after a further look: more would
    mean that a request ran a query it should have shared."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:

        async def count() -> int:
            row = await (await conn.execute(WAITING, (f"%{queue}%",))).fetchone()
            assert row is not None
            return int(row[0])

        async with asyncio.timeout(20):
            while (found := await count()) < expected:  # noqa: ASYNC110 - no event to wait on
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # a late request that would not share shows up by now
        return max(found, await count())


@dataclass
class ListOfOneQueue:
    """A logged-in client of the live server, and the job list of a queue of its own."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    queue: str
    path: str

    def get(self, path: str | None = None) -> asyncio.Task[httpx.Response]:
        return asyncio.create_task(self.client.get(path or self.path, headers=self.headers))


@pytest.fixture
async def listed(live_server, chancy) -> AsyncIterator[ListOfOneQueue]:
    queue = f"q-{uuid.uuid4().hex[:8]}"
    await make_job(chancy, queue=queue)
    async with httpx.AsyncClient(base_url=live_server.url, timeout=20) as client:
        response = await client.post(
            "/api/v1/login",
            json={"username": live_server.username, "password": live_server.password},
        )
        assert response.status_code == 200, response.text
        client.cookies.clear()
        headers = {"Authorization": f"Bearer {response.json()['token']}"}
        yield ListOfOneQueue(client, headers, queue, f"/api/v1/jobs?pagination=true&queue={queue}")


async def test_identical_requests_in_flight_share_one_query(listed, live_server, chancy):
    async with jobs_table_locked(live_server.dsn, chancy.prefix):
        same = [listed.get() for _ in range(5)]
        other = listed.get(f"{listed.path}&limit=7")
        # Five identical requests and one other: two queries reach the database.
        assert await queries_waiting(live_server.dsn, listed.queue, expected=2) == 2
    responses = [*await asyncio.gather(*same), await other]
    assert [r.status_code for r in responses] == [200] * 6
    bodies = {r.content for r in responses[:5]}
    assert len(bodies) == 1
    # What they shared is what a request of its own gets now.
    assert (await listed.get()).content in bodies
    assert [row["queue"] for row in responses[5].json()["items"]] == [listed.queue]


async def test_a_read_after_a_mutation_does_not_join_an_older_read(listed, live_server, chancy):
    async with jobs_table_locked(live_server.dsn, chancy.prefix):
        before = listed.get()
        assert await queries_waiting(live_server.dsn, listed.queue, expected=1) == 1
        # A change committed through this server (a new queue: not the locked table)...
        created = await listed.client.post(
            "/api/v1/queues", json={"name": f"{listed.queue}-new"}, headers=listed.headers
        )
        assert created.status_code == 200, created.text
        # ...so the same read, asked after it, runs a query of its own.
        after = listed.get()
        assert await queries_waiting(live_server.dsn, listed.queue, expected=2) == 2
    assert (await before).status_code == (await after).status_code == 200


async def test_a_read_after_an_event_does_not_join_an_older_read(listed, live_server, chancy):
    """An event is a change committed elsewhere (a worker, another replica): a page refreshing
    for it must see it, not the answer of a read that began before it."""
    topic = f"test.changed.{listed.queue}"
    async with (
        jobs_table_locked(live_server.dsn, chancy.prefix),
        listed.client.stream("GET", "/api/v1/events", headers=listed.headers) as stream,
    ):
        lines = stream.aiter_lines()
        async with asyncio.timeout(20):
            while "stream.open" not in await anext(lines):
                pass
        before = listed.get()
        assert await queries_waiting(live_server.dsn, listed.queue, expected=1) == 1
        async with chancy.pool.connection() as conn, conn.cursor() as cursor:
            await chancy.notify(cursor, topic, {"q": listed.queue})
        async with asyncio.timeout(20):
            while topic not in await anext(lines):
                pass
        after = listed.get()
        assert await queries_waiting(live_server.dsn, listed.queue, expected=2) == 2
    assert (await before).status_code == (await after).status_code == 200


# The sharing itself, on its own event loop: errors reach every waiter, and a waiter that
# goes away takes nobody's answer with it.


async def test_an_error_reaches_every_request_that_shared_the_read():
    reads = SharedReads()
    started = asyncio.Event()
    release = asyncio.Event()

    async def failing() -> bytes:
        started.set()
        await release.wait()
        raise psycopg.errors.QueryCanceled("canceling statement due to statement timeout")

    first = asyncio.create_task(reads.share("k", failing))
    await started.wait()
    second = asyncio.create_task(reads.share("k", failing))
    await asyncio.sleep(0)
    release.set()
    for task in (first, second):
        with pytest.raises(psycopg.errors.QueryCanceled):
            await task
    # Nothing is kept: the next read runs again.
    assert await reads.share("k", _body(b"fresh")) == b"fresh"


async def test_a_cancelled_request_does_not_cancel_the_read_others_wait_for():
    reads = SharedReads()
    release = asyncio.Event()

    async def slow() -> bytes:
        await release.wait()
        return b"rows"

    first = asyncio.create_task(reads.share("k", slow))
    await asyncio.sleep(0)
    second = asyncio.create_task(reads.share("k", slow))
    await asyncio.sleep(0)
    first.cancel()  # the client that started the read went away
    release.set()
    assert await second == b"rows"
    with pytest.raises(asyncio.CancelledError):
        await first


def _body(data: bytes):
    async def compute() -> bytes:
        return data

    return compute
