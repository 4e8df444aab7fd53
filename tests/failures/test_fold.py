"""Folding real failures into groups: real workers raise real exceptions, and the fold reads
what Chancy stored. History (failed before the first fold) is backfilled, later failures are
folded live, retrying jobs are counted once per attempt, counts outlive the Pruner, and two
processes folding at once never count an attempt twice."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from chancy import Chancy, Job, Reference
from chancy.plugins.pruner import Pruner
from psycopg import sql
from psycopg.rows import dict_row

from chancy_web.auth.backends import SimpleAuthBackend
from chancy_web.context import WebContext
from chancy_web.failures import fold
from chancy_web.failures.fingerprint import NO_TRACEBACK
from chancy_web.plugin import Api
from tests.conftest import wait_for_state
from tests.failures.conftest import (
    PREFIX,
    QUEUE,
    SETTINGS,
    fail,
    fail_all,
    fold_all,
    fold_chancy_app,
    groups,
)

pytestmark = pytest.mark.usefixtures("empty", "fold_worker")
FUNC = "tests.failures.jobs"


def order(func: str) -> tuple[str, dict[str, Any]]:
    return func, {"order_id": str(uuid.uuid4())}


async def fold_state(chancy: Chancy) -> dict[str, Any]:
    async with chancy.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
        await cursor.execute(
            sql.SQL("SELECT * FROM {}").format(sql.Identifier(f"{PREFIX}web_failure_fold"))
        )
        row = await cursor.fetchone()
    assert row is not None
    return row


async def test_messages_differing_only_in_an_id_form_one_group(fold_chancy):
    await fail_all(fold_chancy, order("order_missing"), order("order_missing"))
    assert await fold_all(fold_chancy) == 2
    (group,) = (await groups(fold_chancy)).values()
    assert group["exception"] == "LookupError"
    assert group["message"] == "order <uuid> not found"
    assert (group["total"], group["hours"]) == (2, 2)
    assert group["functions"] == [f"{FUNC}.order_missing"] and group["queues"] == [QUEUE]
    assert group["status"] == "open" and not group["regressed"]


async def test_other_exception_types_and_other_frames_form_other_groups(fold_chancy):
    await fail_all(
        fold_chancy, order("order_missing"), order("order_invalid"), order("order_missing_on_load")
    )
    await fold_all(fold_chancy)
    found = await groups(fold_chancy)
    assert set(found) == {"order_missing", "order_invalid", "_load"}
    assert found["order_invalid"]["exception"] == "ValueError"
    # The same exception and message, raised in another function.
    assert found["_load"]["message"] == found["order_missing"]["message"]
    assert len({g["fingerprint"] for g in found.values()}) == 3
    assert all(g["total"] == 1 for g in found.values())


async def test_history_is_backfilled_then_new_failures_are_folded_live(fold_chancy):
    # Failed before the first fold: history, walked by the backfill in chunks of four.
    await fail_all(fold_chancy, *(order("order_missing") for _ in range(9)))
    assert await fold_all(fold_chancy) == 9
    state = await fold_state(fold_chancy)
    assert state["backfill_total"] == 9 and state["backfill_done"] == 9
    assert state["backfill_finished_at"] is not None

    await fail_all(fold_chancy, order("order_missing"), order("order_invalid"))
    assert await fold_all(fold_chancy) == 2
    found = await groups(fold_chancy)
    assert found["order_missing"]["total"] == 10 and found["order_invalid"]["total"] == 1
    assert (await fold_state(fold_chancy))["backfill_done"] == 9  # the live fold took them


async def test_folding_again_counts_nothing_twice(fold_chancy):
    await fail_all(fold_chancy, order("order_missing"), order("order_missing"))
    await fold_all(fold_chancy)
    # The watermark stays behind the clock: these jobs are read again, and skipped.
    assert await fold_all(fold_chancy) == 0
    assert await fold_all(fold_chancy) == 0
    (group,) = (await groups(fold_chancy)).values()
    assert (group["total"], group["hours"]) == (2, 2)


async def test_a_retrying_job_is_counted_once_per_attempt(fold_chancy):
    ref = await fold_chancy.push(
        Job(
            func=f"{FUNC}.order_missing",
            queue=QUEUE,
            kwargs={"order_id": "42"},
            max_attempts=3,
            # Retried an hour later, unless the test moves it.
            meta={"retry_settings": {"backoff": 3600, "backoff_jitter": [0, 0]}},
        )
    )

    async def next_attempt_fails(attempts: int, state: str) -> None:
        async with fold_chancy.pool.connection() as conn:  # as if its backoff had passed
            await conn.execute(
                sql.SQL("UPDATE {} SET scheduled_at = now() WHERE id = %s").format(
                    sql.Identifier(f"{PREFIX}jobs")
                ),
                (ref.identifier,),
            )
        await wait_until_attempts(fold_chancy, ref, attempts, state)

    await wait_until_attempts(fold_chancy, ref, 1, "retrying")
    assert await fold_all(fold_chancy) == 1
    assert await fold_all(fold_chancy) == 0  # still retrying, nothing new
    await next_attempt_fails(2, "retrying")
    assert await fold_all(fold_chancy) == 1
    assert await fold_all(fold_chancy) == 0
    await next_attempt_fails(3, "failed")
    assert await fold_all(fold_chancy) == 1
    (group,) = (await groups(fold_chancy)).values()
    assert group["total"] == 3

    # Retried by hand (attempts start again at 0): nothing has failed, nothing is counted...
    await fold_chancy.retry_jobs([ref])
    assert await fold_all(fold_chancy) == 0
    # ...until it has failed once more.
    await wait_until_attempts(fold_chancy, ref, 1, "retrying")
    assert await fold_all(fold_chancy) == 1
    assert (await groups(fold_chancy))["order_missing"]["total"] == 4


async def test_the_retrying_pass_hands_over_only_the_jobs_that_changed(fold_chancy):
    """Retrying jobs are looked at again and again; those already folded stay in the database."""
    ref = await fold_chancy.push(
        Job(
            func=f"{FUNC}.order_missing",
            queue=QUEUE,
            max_attempts=3,
            meta={"retry_settings": {"backoff": 3600, "backoff_jitter": [0, 0]}},
        )
    )
    await wait_until_attempts(fold_chancy, ref, 1, "retrying")
    assert await fold_all(fold_chancy) == 1
    async with fold_chancy.pool.connection() as conn, conn.transaction():
        done = await fold.fold_chunk(conn, fold_chancy, SETTINGS)
    assert done is not None
    assert (done.kind, done.read, done.changed, done.occurrences) == ("retrying", 1, 0, 0)


async def wait_until_attempts(chancy: Chancy, ref: Reference, attempts: int, state: str) -> None:
    async with asyncio.timeout(20):
        while True:  # noqa: ASYNC110 - Chancy has no per-job event to wait on
            job = await chancy.get_job(ref)
            if job is not None and job.attempts == attempts and job.state.value == state:
                return
            await asyncio.sleep(0.1)


async def test_a_failed_job_without_errors_counts_once_as_no_traceback(fold_chancy):
    ref = await fold_chancy.push(Job(func=f"{FUNC}.order_missing", queue="elsewhere"))
    async with fold_chancy.pool.connection() as conn:
        await conn.execute(
            sql.SQL("UPDATE {} SET state = 'failed', completed_at = now() WHERE id = %s").format(
                sql.Identifier(f"{PREFIX}jobs")
            ),
            (ref.identifier,),
        )
    assert await fold_all(fold_chancy) == 1
    assert await fold_all(fold_chancy) == 0
    (group,) = (await groups(fold_chancy)).values()
    assert group["fingerprint"] == NO_TRACEBACK.fingerprint and group["total"] == 1


async def test_counts_survive_the_pruner(fold_chancy):
    await fail_all(fold_chancy, *(order("order_missing") for _ in range(3)))
    await fold_all(fold_chancy)
    # The Pruner's own query deletes the finished jobs, then it calls the plugins' cleanup.
    async with fold_chancy.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        assert await Pruner(Pruner.Rules.Age() >= 0).prune(fold_chancy, cur) == 3
    cleanup = Api(authentication_backend=SimpleAuthBackend({}))
    assert await cleanup.cleanup(fold_chancy) == 3  # the records that they were counted
    assert await fold_all(fold_chancy) == 0
    (group,) = (await groups(fold_chancy)).values()
    assert (group["total"], group["hours"]) == (3, 3)

    await fail(fold_chancy, "order_missing", order_id=str(uuid.uuid4()))
    await fold_all(fold_chancy)
    assert (await groups(fold_chancy))["order_missing"]["total"] == 4


async def test_two_processes_folding_at_once_never_double_count(dsn, fold_chancy):
    # Half of the failures are history; the other half fail while both processes fold.
    await fail_all(fold_chancy, *(order("order_missing") for _ in range(12)))
    processes = [fold_chancy_app(dsn), fold_chancy_app(dsn)]

    async def fold_in(app: Chancy, stop: asyncio.Event) -> None:
        ctx = WebContext(chancy=app, auth=SimpleAuthBackend({}), settings=SETTINGS)
        while not stop.is_set():
            async with app.pool.connection() as conn, conn.transaction():
                done = await fold.fold_chunk(conn, app, SETTINGS)
            # Half of the time through the background step, which does the same.
            if done is None and not await fold.step(ctx):
                await asyncio.sleep(0)

    async with processes[0], processes[1]:
        stop = asyncio.Event()
        folding = [asyncio.create_task(fold_in(app, stop)) for app in processes]
        await fail_all(fold_chancy, *(order("order_invalid") for _ in range(12)))
        stop.set()
        await asyncio.gather(*folding)
    await fold_all(fold_chancy)  # whatever was left after they stopped

    found = await groups(fold_chancy)
    assert found["order_missing"]["total"] == 12 and found["order_missing"]["hours"] == 12
    assert found["order_invalid"]["total"] == 12 and found["order_invalid"]["hours"] == 12
    async with fold_chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL("SELECT count(*), sum(errors_seen) FROM {}").format(
                sql.Identifier(f"{PREFIX}web_failure_jobs")
            )
        )
        assert await cursor.fetchone() == (24, 24)


async def test_an_attempt_is_found_after_a_failed_job_is_retried(fold_chancy):
    job_id = await fail(fold_chancy, "order_missing", order_id="7")
    await fold_all(fold_chancy)
    await fold_chancy.retry_jobs([Reference(job_id)])
    await wait_for_state(fold_chancy, job_id, "failed")
    assert await fold_all(fold_chancy) == 1
    assert (await groups(fold_chancy))["order_missing"]["total"] == 2


async def test_a_pass_that_ends_on_a_full_chunk_starts_the_next_at_the_watermark(fold_chancy):
    assert await fold_all(fold_chancy) == 0  # the first fold: nothing to backfill
    # Exactly one chunk (of four): the pass reads a full chunk, then an empty one.
    await fail_all(fold_chancy, *(order("order_missing") for _ in range(4)))
    assert await fold_all(fold_chancy) == 4
    state = await fold_state(fold_chancy)
    assert state["live_at"] is None and state["live_id"] is None
    # So the next pass reads the last seconds again (finding late commits), counting nothing.
    async with fold_chancy.pool.connection() as conn, conn.transaction():
        done = await fold.fold_chunk(conn, fold_chancy, SETTINGS)
    assert done is not None and (done.read, done.occurrences) == (4, 0)
