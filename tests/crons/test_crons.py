"""Cron schedules through the API, scheduled and run by the real Cron plugin on a real worker."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chancy import Chancy, Job
from chancy.plugins.cron import Cron
from psycopg import sql

from tests.conftest import login, wait_for_state
from tests.crons.conftest import CRON_QUEUE, IDLE_QUEUE
from tests.helpers import unique


async def schedule(
    chancy: Chancy, cron: str, *, queue: str = CRON_QUEUE, timezone: str = "Etc/UTC", **job: Any
) -> str:
    key = unique("cron")
    await Cron.schedule(
        chancy,
        cron,
        Job(func="tests.job_functions.succeed", queue=queue, unique_key=key, **job),
        timezone=ZoneInfo(timezone),
    )
    return key


async def get_cron(client, headers, key: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/v1/crons/{key}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_lists_schedules_with_the_reference_fields_and_ours(cron_client, cron_chancy):
    key = await schedule(cron_chancy, "*/5 * * * *", kwargs={"n": 1}, priority=3)
    admin = await login(cron_client)
    response = await cron_client.get("/api/v1/crons", headers=admin)
    assert response.status_code == 200
    rows = {row["unique_key"]: row for row in response.json()}
    row = rows[key]
    assert set(row) >= {"unique_key", "cron", "timezone", "last_run", "next_run", "job"}
    assert (row["cron"], row["timezone"], row["last_run"]) == ("*/5 * * * *", "Etc/UTC", None)
    assert row["job"] == {
        "func": "tests.job_functions.succeed",
        "queue": CRON_QUEUE,
        "kwargs": {"n": 1},
        "priority": 3,
        "max_attempts": 1,
        "scheduled_at": row["job"]["scheduled_at"],
        "limits": [],
        "unique_key": key,
        "meta": {},
    }
    assert row["description"] == "every 5 minutes"
    assert row["recent_jobs"] == [] and row["error"] is None
    runs = [datetime.fromisoformat(t) for t in row["next_runs"]]
    assert len(runs) == 5
    assert all(t.minute % 5 == 0 and t.second == 0 for t in runs)
    assert all(b - a == timedelta(minutes=5) for a, b in zip(runs, runs[1:], strict=False))
    assert runs[0] == datetime.fromisoformat(row["next_run"])
    await Cron.unschedule(cron_chancy, key)


async def test_limits_use_the_reference_asdict_form(cron_client, cron_chancy):
    from chancy.job import Limit

    key = await schedule(cron_chancy, "@daily", limits=[Limit(Limit.Type.TIME, 30)])
    body = await get_cron(cron_client, await login(cron_client, "viewer"), key)
    assert body["job"]["limits"] == [{"type_": "time", "value": 30}]
    assert body["description"] == "at 00:00, every day"
    await Cron.unschedule(cron_chancy, key)


async def test_next_runs_follow_the_schedule_timezone(cron_client, cron_chancy):
    key = await schedule(cron_chancy, "0 9 * * 1-5", timezone="Europe/Paris")
    body = await get_cron(cron_client, await login(cron_client), key, next=12)
    assert body["description"] == "at 09:00, Monday through Friday"
    runs = [datetime.fromisoformat(t) for t in body["next_runs"]]
    assert len(runs) == 12
    local = [t.astimezone(ZoneInfo("Europe/Paris")) for t in runs]
    assert all(t.hour == 9 and t.minute == 0 and t.weekday() < 5 for t in local)
    assert runs == sorted(runs) and runs[0] > datetime.now(UTC)
    await Cron.unschedule(cron_chancy, key)


async def test_next_is_clamped_to_fifty(cron_client, cron_chancy):
    key = await schedule(cron_chancy, "* * * * *")
    body = await get_cron(cron_client, await login(cron_client), key, next=500)
    assert len(body["next_runs"]) == 50
    response = await cron_client.get(
        f"/api/v1/crons/{key}", params={"next": 0}, headers=await login(cron_client)
    )
    assert response.status_code == 400
    await Cron.unschedule(cron_chancy, key)


async def test_the_real_cron_plugin_runs_a_due_schedule_and_the_api_shows_its_job(
    cron_client, cron_chancy, cron_worker
):
    key = await schedule(cron_chancy, "0 0 1 1 *")  # next due in months: make it due now
    async with cron_chancy.pool.connection() as conn:
        await conn.execute(
            sql.SQL(
                "UPDATE {} SET next_run = now() - interval '1 second' WHERE unique_key = %s"
            ).format(sql.Identifier(f"{cron_chancy.prefix}cron")),
            (key,),
        )
    admin = await login(cron_client)
    async with asyncio.timeout(20):
        while True:
            body = await get_cron(cron_client, admin, key)
            if body["recent_jobs"] and body["recent_jobs"][0]["state"] == "succeeded":
                break
            await asyncio.sleep(0.2)
    assert body["last_run"] is not None
    assert datetime.fromisoformat(body["next_run"]) > datetime.now(UTC)
    [job] = body["recent_jobs"]
    assert job["attempts"] == 1 and job["error"] is None
    assert job["started_at"] and job["completed_at"]
    await Cron.unschedule(cron_chancy, key)


async def test_run_now_pushes_the_job_and_the_worker_runs_it(cron_client, cron_chancy, cron_worker):
    key = await schedule(cron_chancy, "0 0 1 1 *")
    operator = await login(cron_client, "operator")
    response = await cron_client.post(f"/api/v1/crons/{key}/run", headers=operator)
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    job_id = response.json()["job_id"]
    job = await wait_for_state(cron_chancy, job_id, "succeeded")
    assert job.unique_key == key
    body = await get_cron(cron_client, operator, key)
    assert [j["id"] for j in body["recent_jobs"]] == [job_id]
    assert body["last_run"] is None  # the schedule itself is untouched
    await Cron.unschedule(cron_chancy, key)


async def test_run_now_is_a_conflict_while_a_job_of_the_schedule_waits(cron_client, cron_chancy):
    key = await schedule(cron_chancy, "0 0 1 1 *", queue=IDLE_QUEUE)
    operator = await login(cron_client, "operator")
    first = await cron_client.post(f"/api/v1/crons/{key}/run", headers=operator)
    assert first.status_code == 200
    second = await cron_client.post(f"/api/v1/crons/{key}/run", headers=operator)
    assert second.status_code == 409
    assert second.json()["extra"] == {"job_id": first.json()["job_id"]}
    await Cron.unschedule(cron_chancy, key)


async def test_run_now_needs_the_operator_role(cron_client, cron_chancy):
    key = await schedule(cron_chancy, "0 0 1 1 *", queue=IDLE_QUEUE)
    viewer = await login(cron_client, "viewer")
    assert (await cron_client.post(f"/api/v1/crons/{key}/run", headers=viewer)).status_code == 403
    await Cron.unschedule(cron_chancy, key)


async def test_delete_unschedules_and_needs_the_admin_role(cron_client, cron_chancy):
    key = await schedule(cron_chancy, "@hourly")
    operator = await login(cron_client, "operator")
    assert (await cron_client.delete(f"/api/v1/crons/{key}", headers=operator)).status_code == 403
    admin = await login(cron_client)
    response = await cron_client.delete(f"/api/v1/crons/{key}", headers=admin)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "unique_key": key}
    assert await Cron.get_schedules(cron_chancy, unique_keys=[key]) == {}
    assert (await cron_client.get(f"/api/v1/crons/{key}", headers=admin)).status_code == 404


async def test_missing_schedules_are_json_404(cron_client):
    admin = await login(cron_client)
    for method, path in (
        ("GET", "/api/v1/crons/nope"),
        ("POST", "/api/v1/crons/nope/run"),
        ("DELETE", "/api/v1/crons/nope"),
    ):
        response = await cron_client.request(method, path, headers=admin)
        assert response.status_code == 404, path
        assert response.json()["status_code"] == 404


async def test_a_schedule_stored_broken_is_listed_with_its_error(cron_client, cron_chancy):
    key = unique("cron")
    job = Job(func="tests.job_functions.succeed", queue=IDLE_QUEUE, unique_key=key)
    async with cron_chancy.pool.connection() as conn:
        # As the Django admin could store it: the expression is never validated there.
        await conn.execute(
            sql.SQL(
                "INSERT INTO {} (unique_key, cron, job, timezone, next_run) "
                "VALUES (%s, %s, %s, %s, now() + interval '1 day')"
            ).format(sql.Identifier(f"{cron_chancy.prefix}cron")),
            (key, "61 * * * *", json.dumps(job.pack()), "Etc/UTC"),
        )
    body = await get_cron(cron_client, await login(cron_client), key)
    assert body["next_runs"] == []
    assert body["error"].startswith("Cannot compute the next runs")
    assert body["description"] == "61 * * * *"
    await Cron.unschedule(cron_chancy, key)


async def test_crons_need_authentication(cron_client):
    assert (await cron_client.get("/api/v1/crons")).status_code == 401
