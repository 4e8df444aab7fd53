"""Batch job actions: bounded, per-item results, nothing half-done by a bad item."""

from __future__ import annotations

import uuid

from chancy import Reference

from tests.conftest import make_job


async def batch(client, headers, action, ids):
    return await client.post("/api/v1/jobs", json={"action": action, "ids": ids}, headers=headers)


async def test_retry_reports_each_item(client, admin, chancy):
    failed = await make_job(chancy, state="failed")
    running = await make_job(chancy, state="running")
    missing = uuid.uuid4()
    response = await batch(
        client, admin, "RETRY", [str(failed), str(running), str(missing), "nope", str(failed)]
    )
    assert response.status_code == 200
    assert response.json() == {
        "ok": False,
        "results": [
            {"id": str(failed), "status": "completed"},
            {
                "id": str(running),
                "status": "skipped",
                "message": "Running jobs cannot be retried; cancel it first",
            },
            {"id": str(missing), "status": "skipped", "message": "Job no longer exists"},
            {"id": "nope", "status": "failed", "message": "Invalid job ID"},
        ],
    }
    assert (await chancy.get_job(Reference(failed))).state.value == "retrying"
    assert (await chancy.get_job(Reference(running))).state.value == "running"


async def test_cancel_skips_finished_jobs(client, admin, chancy):
    pending = await make_job(chancy)
    done = await make_job(chancy, state="succeeded")
    body = (await batch(client, admin, "cancel", [str(pending), str(done)])).json()
    assert [r["status"] for r in body["results"]] == ["completed", "skipped"]
    assert (await chancy.get_job(Reference(pending))).state.value == "failed"
    assert (await chancy.get_job(Reference(done))).state.value == "succeeded"


async def test_purge_deletes_every_state(client, admin, chancy):
    ids = [await make_job(chancy, state=s) for s in ("pending", "failed", "succeeded")]
    body = (await batch(client, admin, "purge", [str(i) for i in ids])).json()
    assert body["ok"] is True
    assert [await chancy.get_job(Reference(i)) for i in ids] == [None, None, None]


async def test_bad_batches_are_400_and_change_nothing(client, admin, chancy):
    job_id = await make_job(chancy, state="failed")
    for body in (
        {"action": "explode", "ids": [str(job_id)]},
        {"action": "retry", "ids": []},
        {"action": "retry", "ids": "abc"},
        {"action": "retry", "ids": [1, 2]},
        {"action": "retry"},
        {"action": "retry", "ids": [str(job_id)] + [str(uuid.uuid4()) for _ in range(1000)]},
    ):
        response = await client.post("/api/v1/jobs", json=body, headers=admin)
        assert response.status_code == 400, body
    assert (await chancy.get_job(Reference(job_id))).state.value == "failed"


async def test_spellings_of_one_id_are_one_item(client, admin, chancy):
    failed = await make_job(chancy, state="failed")
    spellings = [
        str(failed),
        str(failed).upper(),
        failed.hex,
        f"{{{failed}}}",
        f"urn:uuid:{failed}",
    ]
    body = (await batch(client, admin, "retry", spellings)).json()
    # Done once, reported once, under the first spelling.
    assert body == {"ok": True, "results": [{"id": str(failed), "status": "completed"}]}
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            "SELECT attempts, state FROM chancy_jobs WHERE id = %s", (failed,)
        )
        assert await cursor.fetchone() == (0, "retrying")
