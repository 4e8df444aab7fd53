"""A Chancy of its own (prefix `fold_`) for the fold and inbox tests: its jobs, groups and
fold position are theirs alone, emptied before each test, and worked by a real worker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from chancy import Chancy, Job, Queue, Worker
from chancy.plugins.retry import RetryPlugin
from litestar.testing import AsyncTestClient
from psycopg import sql

from chancy_web import Api, Settings, create_app
from chancy_web.failures import fold
from tests.conftest import auth_backend, login, wait_for_state, worker_for

PREFIX = "fold_"
QUEUE = "fold"
#: Small chunks, so that a handful of jobs takes several of them.
SETTINGS = Settings(
    run_background=False,
    failure_fold_chunk=4,
    login_failures_per_user=1000,
    login_failures_per_client=1000,
)
TABLES = (
    "jobs",
    "web_failure_groups",
    "web_failure_hours",
    "web_failure_jobs",
    "web_failure_fold",
    "web_audit",
)


def fold_chancy_app(dsn: str) -> Chancy:
    return Chancy(dsn, prefix=PREFIX, plugins=[RetryPlugin()], no_default_plugins=True)


@pytest.fixture(scope="module")
async def fold_chancy(dsn: str, chancy: Chancy) -> AsyncIterator[Chancy]:  # chancy: migrated
    app = Chancy(
        dsn,
        prefix=PREFIX,
        plugins=[Api(authentication_backend=auth_backend()), RetryPlugin()],
        no_default_plugins=True,
    )
    async with app:
        await app.migrate()
        app.plugins.pop(Api.get_identifier())  # the worker must not serve the API
        queue = Queue(
            QUEUE,
            executor=Chancy.Executor.Async,
            concurrency=8,
            polling_interval=1,
            tags={f"role={QUEUE}-worker"},
        )
        await app.declare(queue, upsert=True)
        yield app


@pytest.fixture(scope="module")
async def fold_worker(fold_chancy: Chancy) -> AsyncIterator[Worker]:
    async with worker_for(fold_chancy, QUEUE) as worker:
        yield worker


@pytest.fixture
async def empty(fold_chancy: Chancy) -> None:
    """Each test starts before the first fold, with no jobs."""
    async with fold_chancy.pool.connection() as conn:
        await conn.execute(
            sql.SQL("TRUNCATE {}").format(
                sql.SQL(", ").join(sql.Identifier(f"{PREFIX}{name}") for name in TABLES)
            )
        )


@pytest.fixture(scope="module")
async def fold_client(dsn: str, fold_chancy: Chancy) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    # The test client runs the app on a loop of its own: it gets a Chancy (a pool) of its own.
    app = create_app(fold_chancy_app(dsn), authentication_backend=auth_backend(), settings=SETTINGS)
    async with AsyncTestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
async def operator(fold_client: AsyncTestClient) -> dict[str, str]:  # type: ignore[type-arg]
    return await login(fold_client, "operator")


async def fail(chancy: Chancy, func: str, *, max_attempts: int = 1, **kwargs: Any) -> str:
    """Push a job of `tests.failures.jobs` and wait until it has failed for good."""
    ref = await chancy.push(
        Job(
            func=f"tests.failures.jobs.{func}",
            queue=QUEUE,
            kwargs=kwargs,
            max_attempts=max_attempts,
        )
    )
    await wait_for_state(chancy, ref.identifier, "failed")
    return str(ref.identifier)


async def fail_all(chancy: Chancy, *calls: tuple[str, dict[str, Any]]) -> list[str]:
    return list(await asyncio.gather(*(fail(chancy, func, **kw) for func, kw in calls)))


async def fold_all(chancy: Chancy, settings: Settings = SETTINGS) -> int:
    """Fold until nothing more is waiting; returns the occurrences counted."""
    counted = 0
    while True:
        async with chancy.pool.connection() as conn, conn.transaction():
            done = await fold.fold_chunk(conn, chancy, settings)
        assert done is not None, "nobody else folds this prefix"
        counted += done.occurrences
        if not done.more:
            return counted


async def groups(chancy: Chancy) -> dict[str, dict[str, Any]]:
    """The groups as stored, by failing function (the frame's, `tests/failures/jobs.py:f`)."""
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL(
                """
                SELECT split_part(g.frame, ':', 2), g.fingerprint, g.exception,
                    g.message_template, g.total,
                    g.functions, g.queues, g.status, g.regressed,
                    (SELECT sum(h.count) FROM {hours} h WHERE h.fingerprint = g.fingerprint)
                FROM {groups} g
                """
            ).format(
                groups=sql.Identifier(f"{PREFIX}web_failure_groups"),
                hours=sql.Identifier(f"{PREFIX}web_failure_hours"),
            )
        )
        names = ("fingerprint", "exception", "message", "total", "functions", "queues")
        names += ("status", "regressed", "hours")
        return {row[0]: dict(zip(names, row[1:], strict=True)) for row in await cursor.fetchall()}
