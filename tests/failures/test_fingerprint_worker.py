"""The fingerprint of what real Chancy workers store: jobs really fail on the asyncio, threaded
and process executors, and the tests read the traceback text from the jobs' `errors`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chancy import Chancy, Job, Limit, Queue, Worker

from chancy_web.failures.fingerprint import NO_TRACEBACK, Fingerprint, fingerprint
from tests.conftest import login, wait_for_state, worker_for

WORKER = "failures"
ASYNC, THREADS, PROCESSES = "failures-async", "failures-threads", "failures-processes"
EXECUTORS = {
    ASYNC: Chancy.Executor.Async,
    THREADS: Chancy.Executor.Threaded,
    PROCESSES: Chancy.Executor.Process,
}
JOBS = "tests/failures/jobs.py"


@pytest.fixture(scope="module")
async def failures_chancy(dsn: str, chancy: Chancy) -> AsyncIterator[Chancy]:  # chancy: migrated
    app = Chancy(dsn, no_default_plugins=True)
    async with app:
        for name, executor in EXECUTORS.items():
            tags = {f"role={WORKER}-worker"}
            queue = Queue(name, executor=executor, concurrency=4, polling_interval=1, tags=tags)
            await app.declare(queue, upsert=True)
        yield app


@pytest.fixture(scope="module")
async def failures_worker(failures_chancy: Chancy) -> AsyncIterator[Worker]:
    async with worker_for(failures_chancy, WORKER) as worker:
        yield worker


async def push(chancy: Chancy, queue: str, func: str, time_limit: int = 0, **kwargs: Any) -> str:
    limits = [Limit(Limit.Type.TIME, time_limit)] if time_limit else []
    job = Job(func=f"tests.failures.jobs.{func}", queue=queue, kwargs=kwargs, limits=limits)
    return str((await chancy.push(job)).identifier)


async def fingerprints(chancy: Chancy, *pushed: str) -> list[Fingerprint]:
    """Each pushed job's fingerprint, from its stored traceback once it has failed."""
    jobs = await asyncio.gather(*(wait_for_state(chancy, ref, "failed") for ref in pushed))
    return [fingerprint(job.errors[-1]["traceback"], job.func) for job in jobs]


async def test_failures_group_by_type_message_and_frame(failures_chancy, failures_worker):
    first, second, other_type, other_frame = await fingerprints(
        failures_chancy,
        await push(failures_chancy, ASYNC, "order_missing", order_id=str(uuid.uuid4())),
        await push(failures_chancy, ASYNC, "order_missing", order_id=str(uuid.uuid4())),
        await push(failures_chancy, ASYNC, "order_invalid", order_id=str(uuid.uuid4())),
        await push(failures_chancy, ASYNC, "order_missing_on_load", order_id=str(uuid.uuid4())),
    )
    assert first == second
    assert (first.exception, first.message_template) == ("LookupError", "order <uuid> not found")
    assert first.frame == f"{JOBS}:order_missing"
    assert other_type.exception == "ValueError" and other_type.fingerprint != first.fingerprint
    assert other_frame.frame == f"{JOBS}:_load" and other_frame.fingerprint != first.fingerprint


async def test_a_chained_failure_and_a_task_group(failures_chancy, failures_worker):
    chained, one, two = await fingerprints(
        failures_chancy,
        await push(failures_chancy, ASYNC, "charge", order_id="17"),
        await push(failures_chancy, ASYNC, "fan_out", order_id="17", failing=1),
        await push(failures_chancy, ASYNC, "fan_out", order_id="18", failing=2),
    )
    assert (chained.exception, chained.frame) == ("RuntimeError", f"{JOBS}:charge")
    assert one == two
    assert (one.exception, one.message_template) == (
        "ExceptionGroup",
        "unhandled errors in a TaskGroup",
    )
    assert one.frame == f"{JOBS}:fan_out"


async def test_the_process_executor_s_remote_tracebacks_give_the_same_groups(
    failures_chancy, failures_worker
):
    # The process pool stores a _RemoteTraceback (the child's whole text, chain included) as
    # the cause of a copy of the exception without frames; the threaded executor, the plain
    # traceback. Both are the same failures.
    in_process, in_thread, chained_in_process, chained_in_thread = await fingerprints(
        failures_chancy,
        await push(failures_chancy, PROCESSES, "order_missing_sync", order_id="17"),
        await push(failures_chancy, THREADS, "order_missing_sync", order_id="18"),
        await push(failures_chancy, PROCESSES, "charge_sync", order_id="17"),
        await push(failures_chancy, THREADS, "charge_sync", order_id="18"),
    )
    assert in_process.frame == f"{JOBS}:order_missing_sync"
    assert in_process == in_thread
    assert (chained_in_process.exception, chained_in_process.frame) == (
        "RuntimeError",
        f"{JOBS}:charge_sync",
    )
    assert chained_in_process == chained_in_thread


async def test_timeouts_are_placed_where_the_job_was(failures_chancy, failures_worker):
    asyncio_, process, cooperative = await fingerprints(
        failures_chancy,
        await push(failures_chancy, ASYNC, "hang", time_limit=1),
        await push(failures_chancy, PROCESSES, "hang_sync", time_limit=1),
        await push(failures_chancy, THREADS, "hang_cooperatively", time_limit=1),
    )
    # asyncio.timeout raises a bare TimeoutError in Chancy's executor, from a CancelledError
    # raised in the job: the job's frame is in that cause.
    assert (asyncio_.exception, asyncio_.message_template) == ("TimeoutError", "")
    assert asyncio_.frame == f"{JOBS}:hang"
    # The process executor's SIGALRM handler raises inside the job.
    assert (process.exception, process.message_template) == ("TimeoutError", "Job timeout out.")
    assert process.frame == f"{JOBS}:hang_sync"
    # A cooperative limit raises from QueuedJob.checkpoint(), called by the job.
    assert (cooperative.exception, cooperative.message_template) == (
        "TimeoutError",
        "Job timed out.",
    )
    assert cooperative.frame == f"{JOBS}:hang_cooperatively"


async def test_a_failure_inside_chancy_is_placed_in_chancy(failures_chancy, failures_worker):
    (missing,) = await fingerprints(failures_chancy, await push(failures_chancy, ASYNC, "nowhere"))
    assert missing.exception == "AttributeError"
    assert (
        missing.message_template == "Could not find function nowhere in module tests.failures.jobs."
    )
    assert missing.frame == "chancy/executors/base.py:get_function_and_kwargs"


async def test_cancellations_from_chancy_web_are_one_group(
    failures_chancy, failures_worker, client, admin
):
    operator = await login(client, "operator")
    refs = [await push(failures_chancy, ASYNC, "hang") for _ in range(2)]
    for ref, headers in zip(refs, (admin, operator), strict=True):
        await wait_for_state(failures_chancy, ref, "running")
        response = await client.post(f"/api/v1/jobs/{ref}/cancel", headers=headers)
        assert response.status_code == 200, response.text
    by_admin, by_operator = await fingerprints(failures_chancy, *refs)
    assert by_admin == by_operator
    assert (by_admin.exception, by_admin.frame) == ("", "")
    assert by_admin.message_template == "Cancelled by <user> from chancy-web"


async def test_a_job_cancelled_before_it_ran_has_no_traceback(failures_chancy, failures_worker):
    later = datetime.now(UTC) + timedelta(hours=1)
    job = Job(func="tests.failures.jobs.hang", queue=ASYNC, scheduled_at=later)
    ref = await failures_chancy.push(job)
    await failures_chancy.cancel_job(ref)
    cancelled = await wait_for_state(failures_chancy, ref.identifier, "failed")
    assert cancelled.errors == []
    # The caller passes what errors[-1] would hold: nothing.
    assert fingerprint(None, cancelled.func) == NO_TRACEBACK
