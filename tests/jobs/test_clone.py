"""Re-run with edits: a clone is a new job of the same function, linked to its original."""

from __future__ import annotations

import uuid

from chancy import Job, Limit

from tests.conftest import TEST_QUEUE, login, make_job


async def test_clone_applies_the_edits_and_keeps_the_lineage(client, admin, chancy):
    ref = await chancy.push(
        Job(
            func="tests.job_functions.succeed",
            queue="other",
            kwargs={"user": 1, "mode": "fast"},
            meta={"origin": "test"},
            limits=[Limit(Limit.Type.TIME, 30)],
            unique_key=f"clone-{uuid.uuid4().hex}",
            max_attempts=3,
        )
    )
    original = ref.identifier
    response = await client.post(
        f"/api/v1/jobs/{original}/clone",
        json={"kwargs": {"user": 2, "mode": "fast"}, "queue": TEST_QUEUE, "priority": 7},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    clone = response.json()
    assert clone["id"] != str(original)
    assert clone["func"] == "tests.job_functions.succeed"
    assert clone["kwargs"] == {"user": 2, "mode": "fast"}
    assert (clone["queue"], clone["priority"], clone["max_attempts"]) == (TEST_QUEUE, 7, 3)
    assert clone["meta"] == {"origin": "test", "cloned_from": str(original)}
    assert clone["limits"] == [{"t": "time", "v": 30}]
    assert clone["unique_key"] is None  # a run of its own, not the original's pending one
    assert clone == (await client.get(f"/api/v1/jobs/{clone['id']}", headers=admin)).json()

    clones = await client.get(f"/api/v1/jobs/{original}/clones", headers=admin)
    assert clones.status_code == 200
    assert [c["id"] for c in clones.json()["items"]] == [clone["id"]]
    assert clones.json()["has_more"] is False

    entries = (await client.get("/api/v1/audit?action=job.clone", headers=admin)).json()["items"]
    assert entries[0]["target"] == str(original)
    assert entries[0]["detail"] == {"clone": clone["id"], "edited": ["kwargs", "queue", "priority"]}


async def test_clone_without_edits_copies_the_job(client, admin, chancy):
    original = await make_job(chancy, state="failed")
    response = await client.post(f"/api/v1/jobs/{original}/clone", json={}, headers=admin)
    assert response.status_code == 201
    assert response.json()["state"] == "pending" and response.json()["queue"] == "other"


async def test_clone_refuses_bad_edits_and_changes_nothing(client, admin, chancy):
    original = await make_job(chancy, state="failed")
    for body in (
        {"queue": "no-such-queue"},
        {"kwargs": [1, 2]},
        {"kwargs": "x"},
        {"priority": 2**31},
        {"max_attempts": 0},
        {"scheduled_at": "2030-01-01T00:00:00"},  # no offset
        {"unknown": 1},
    ):
        response = await client.post(f"/api/v1/jobs/{original}/clone", json=body, headers=admin)
        assert response.status_code == 400, (body, response.text)
    clones = await client.get(f"/api/v1/jobs/{original}/clones", headers=admin)
    assert clones.json()["items"] == []


async def test_clone_needs_an_operator_and_an_existing_job(client, chancy):
    viewer, operator = await login(client, "viewer"), await login(client, "operator")
    original = await make_job(chancy, state="failed")
    denied = await client.post(f"/api/v1/jobs/{original}/clone", json={}, headers=viewer)
    assert denied.status_code == 403
    missing = await client.post(f"/api/v1/jobs/{uuid.uuid4()}/clone", json={}, headers=operator)
    assert missing.status_code == 404
    allowed = await client.post(f"/api/v1/jobs/{original}/clone", json={}, headers=operator)
    assert allowed.status_code == 201
