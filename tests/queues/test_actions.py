"""Queue actions over HTTP, observed on a real worker and in the database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from chancy import Chancy, Job, Reference

from tests.conftest import TEST_QUEUE, login, make_job, wait_for_state
from tests.helpers import unique


async def worked_queue(client, admin) -> str:
    """A new queue that the tests' worker works."""
    name = unique()
    response = await client.post(
        "/api/v1/queues",
        json={
            "name": name,
            "executor": Chancy.Executor.Async.value,
            "polling_interval": 1,
            "tags": [f"role={TEST_QUEUE}-worker"],
        },
        headers=admin,
    )
    assert response.status_code == 200, response.text
    return name


async def test_create_returns_the_queue_with_defaults(client, admin):
    name = unique()
    response = await client.post(
        "/api/v1/queues", json={"name": name, "concurrency": 2}, headers=admin
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == name and body["concurrency"] == 2
    assert body["tags"] == [".*"] and body["state"] == "active" and body["polling_interval"] == 5
    fetched = await client.get(f"/api/v1/queues/{name}", headers=admin)
    assert fetched.json() == body


async def test_creating_an_existing_queue_is_409_and_changes_nothing(client, admin):
    name = unique()
    await client.post("/api/v1/queues", json={"name": name, "concurrency": 7}, headers=admin)
    again = await client.post("/api/v1/queues", json={"name": name}, headers=admin)
    assert again.status_code == 409
    assert (await client.get(f"/api/v1/queues/{name}", headers=admin)).json()["concurrency"] == 7


async def test_bad_queue_bodies_are_400_and_create_nothing(client, admin):
    name = unique()
    for body in (
        {"name": name, "concurrency": "abc"},
        {"name": name, "concurrency": 0},
        {"name": name, "tags": "abc"},
        {"name": name, "state": "weird"},
        {"name": ""},
        {"concurrency": 1},
        {"name": name, "resume_at": "2030-01-01T00:00:00"},  # no offset
        {"name": name, "executor": "os.system"},
    ):
        response = await client.post("/api/v1/queues", json=body, headers=admin)
        assert response.status_code == 400, body
    assert (await client.get(f"/api/v1/queues/{name}", headers=admin)).status_code == 404


async def test_update_changes_only_the_fields_given(client, admin):
    name = unique()
    await client.post(
        "/api/v1/queues",
        json={"name": name, "concurrency": 3, "rate_limit": 10, "rate_limit_window": 60},
        headers=admin,
    )
    response = await client.patch(f"/api/v1/queues/{name}", json={"concurrency": 9}, headers=admin)
    assert response.status_code == 200
    body = response.json()
    assert body["concurrency"] == 9 and body["rate_limit"] == 10 and body["rate_limit_window"] == 60
    cleared = await client.patch(f"/api/v1/queues/{name}", json={"rate_limit": None}, headers=admin)
    assert cleared.json()["rate_limit"] is None and cleared.json()["concurrency"] == 9


async def test_missing_queues_are_404_for_every_action(client, admin):
    for method, path, body in (
        ("PATCH", "/api/v1/queues/ghost", {"concurrency": 1}),
        ("POST", "/api/v1/queues/ghost/pause", {}),
        ("POST", "/api/v1/queues/ghost/resume", None),
        ("DELETE", "/api/v1/queues/ghost", None),
    ):
        response = await client.request(method, path, json=body, headers=admin)
        assert response.status_code == 404, (method, path)


async def test_executor_changes_need_admin_and_the_allow_list(client, admin):
    name = unique()
    await client.post("/api/v1/queues", json={"name": name}, headers=admin)
    operator = await login(client, "operator")
    threaded = Chancy.Executor.Threaded.value
    refused = await client.patch(
        f"/api/v1/queues/{name}", json={"executor": threaded}, headers=operator
    )
    assert refused.status_code == 403
    options = await client.patch(
        f"/api/v1/queues/{name}", json={"executor_options": {"x": 1}}, headers=operator
    )
    assert options.status_code == 403
    # An operator may still change the rest, and resending the same executor is no change.
    fine = await client.patch(
        f"/api/v1/queues/{name}",
        json={"concurrency": 4, "executor": "chancy.executors.process.ProcessExecutor"},
        headers=operator,
    )
    assert fine.status_code == 200
    evil = await client.patch(
        f"/api/v1/queues/{name}", json={"executor": "os.system"}, headers=admin
    )
    assert evil.status_code == 400 and "not allowed" in evil.json()["detail"]
    allowed = await client.patch(
        f"/api/v1/queues/{name}", json={"executor": threaded}, headers=admin
    )
    assert allowed.status_code == 200 and allowed.json()["executor"] == threaded


async def test_paused_queue_is_not_worked_and_resumes_at_its_time(client, admin, worker, chancy):
    name = await worked_queue(client, admin)
    resume_at = datetime.now(UTC) + timedelta(seconds=4)
    paused = await client.post(
        f"/api/v1/queues/{name}/pause", json={"resume_at": resume_at.isoformat()}, headers=admin
    )
    assert paused.status_code == 200
    assert paused.json()["ok"] is True and paused.json()["queue"]["state"] == "paused"
    ref = await chancy.push(Job(func="tests.job_functions.succeed", queue=name))
    job = await wait_for_state(chancy, ref.identifier, "succeeded")  # a worker resumed it
    # Not worked while paused: it started once the queue was due to resume (told by the
    # job's own times, not by looking at it at some moment in between).
    assert job.started_at >= resume_at
    queue = (await client.get(f"/api/v1/queues/{name}", headers=admin)).json()
    assert queue["state"] == "active" and queue["resume_at"] is None


async def test_pause_until_resumed_by_hand(client, admin, worker, chancy):
    name = await worked_queue(client, admin)
    empty_body = await client.post(f"/api/v1/queues/{name}/pause", headers=admin)
    assert empty_body.status_code == 200 and empty_body.json()["queue"]["resume_at"] is None
    ref = await chancy.push(Job(func="tests.job_functions.succeed", queue=name))
    await asyncio.sleep(2)  # time for a worker to take it, were the pause not kept
    assert (await chancy.get_job(ref)).state.value == "pending"
    resumed = await client.post(f"/api/v1/queues/{name}/resume", headers=admin)
    assert resumed.status_code == 200 and resumed.json()["queue"]["state"] == "active"
    await wait_for_state(chancy, ref.identifier, "succeeded")


async def test_delete_purges_exactly_its_jobs(client, admin, chancy):
    name, other = unique(), unique()
    for queue in (name, other):
        await client.post("/api/v1/queues", json={"name": queue, "tags": []}, headers=admin)
    mine = [await make_job(chancy, queue=name, state=s) for s in ("pending", "failed", "succeeded")]
    theirs = [await make_job(chancy, queue=other) for _ in range(2)]
    response = await client.delete(f"/api/v1/queues/{name}", headers=admin)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "name": name, "purged_jobs": 3}
    assert all([await chancy.get_job(Reference(j)) is None for j in mine])
    assert all([await chancy.get_job(Reference(j)) is not None for j in theirs])
    assert (await client.get(f"/api/v1/queues/{name}", headers=admin)).status_code == 404


async def test_delete_can_keep_the_jobs(client, admin, chancy):
    name = unique()
    await client.post("/api/v1/queues", json={"name": name, "tags": []}, headers=admin)
    job_id = await make_job(chancy, queue=name)
    response = await client.delete(
        f"/api/v1/queues/{name}", params={"purge_jobs": "false"}, headers=admin
    )
    assert response.json()["purged_jobs"] == 0
    assert await chancy.get_job(Reference(job_id)) is not None
