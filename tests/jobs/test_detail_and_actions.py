"""One job's detail, and the actions on it, observed on a real worker."""

from __future__ import annotations

import asyncio
import uuid

from chancy import Job, Reference

from tests.conftest import TEST_QUEUE, make_job, run_job, wait_for_state


async def test_detail_has_kwargs_meta_limits_and_every_traceback(client, admin, worker, chancy):
    job_id = await run_job(chancy, "fail", message="detail boom", extra={"nested": [1, 2]})
    response = await client.get(f"/api/v1/jobs/{job_id}", headers=admin)
    assert response.status_code == 200
    job = response.json()
    assert job["state"] == "failed" and job["queue"] == TEST_QUEUE
    assert job["kwargs"] == {"message": "detail boom", "extra": {"nested": [1, 2]}}
    assert job["errors"][0]["attempt"] == 0
    assert "ValueError: detail boom" in job["errors"][0]["traceback"]
    assert "raise ValueError(message)" in job["errors"][0]["traceback"]
    assert job["error"] == "ValueError: detail boom"
    assert job["taken_by"] == worker.worker_id


async def test_missing_job_is_404_and_bad_id_is_4xx(client, admin):
    missing = await client.get(f"/api/v1/jobs/{uuid.uuid4()}", headers=admin)
    assert missing.status_code == 404 and missing.json()["detail"].startswith("Job ")
    bad = await client.get("/api/v1/jobs/not-a-uuid", headers=admin)
    assert 400 <= bad.status_code < 500
    assert bad.headers["content-type"].startswith("application/json")


async def test_retried_failed_job_runs_again_and_succeeds(client, admin, worker, chancy):
    # A job that fails once, then passes: the retry is what makes it succeed.
    marker = f"retry-{uuid.uuid4().hex}"
    job_id = await run_job(chancy, "fail_once", marker=marker)
    assert (await chancy.get_job(Reference(job_id))).state.value == "failed"
    response = await client.post(f"/api/v1/jobs/{job_id}/retry", headers=admin)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "id": str(job_id), "state": "retrying"}
    job = await wait_for_state(chancy, job_id, "succeeded")
    assert len(job.errors) == 1  # the first failure is kept


async def test_running_job_cannot_be_retried(client, admin, worker, chancy):
    ref = await chancy.push(
        Job(func="tests.job_functions.sleep", queue=TEST_QUEUE, kwargs={"seconds": 5})
    )
    job_id = uuid.UUID(str(ref.identifier))
    await wait_for_state(chancy, job_id, "running")
    response = await client.post(f"/api/v1/jobs/{job_id}/retry", headers=admin)
    assert response.status_code == 409
    await client.post(f"/api/v1/jobs/{job_id}/cancel", headers=admin)


async def test_cancelled_running_job_stops_on_its_worker(client, admin, worker, chancy):
    ref = await chancy.push(
        Job(func="tests.job_functions.sleep", queue=TEST_QUEUE, kwargs={"seconds": 60})
    )
    job_id = uuid.UUID(str(ref.identifier))
    await wait_for_state(chancy, job_id, "running")
    executor = worker.executors[TEST_QUEUE]
    assert executor.is_job_running(ref)
    response = await client.post(f"/api/v1/jobs/{job_id}/cancel", headers=admin)
    assert response.status_code == 200 and response.json()["state"] == "failed"
    job = await wait_for_state(chancy, job_id, "failed")
    assert "Cancelled by admin" in job.errors[-1]["traceback"]
    # The worker aborted it (well before its 60 s were up) and did not overwrite the outcome.
    async with asyncio.timeout(10):  # far less than the job's 60 s
        while executor.is_job_running(ref):  # noqa: ASYNC110 - the executor has no event
            await asyncio.sleep(0.1)
    await worker.flush()
    assert (await chancy.get_job(ref)).state.value == "failed"


async def test_cancel_never_fails_a_finished_job(client, admin, chancy):
    job_id = await make_job(chancy, state="succeeded")
    response = await client.post(f"/api/v1/jobs/{job_id}/cancel", headers=admin)
    assert response.status_code == 409 and response.json()["detail"] == "Job is already succeeded"
    assert (await chancy.get_job(Reference(job_id))).state.value == "succeeded"


async def test_actions_on_missing_jobs_are_404(client, admin):
    missing = uuid.uuid4()
    for method, path in (
        ("POST", f"/api/v1/jobs/{missing}/retry"),
        ("POST", f"/api/v1/jobs/{missing}/cancel"),
        ("DELETE", f"/api/v1/jobs/{missing}"),
    ):
        response = await client.request(method, path, headers=admin)
        assert response.status_code == 404, path


async def test_delete_removes_the_job(client, admin, chancy):
    job_id = await make_job(chancy, state="failed")
    response = await client.delete(f"/api/v1/jobs/{job_id}", headers=admin)
    assert response.status_code == 200 and response.json()["state"] is None
    assert await chancy.get_job(Reference(job_id)) is None
