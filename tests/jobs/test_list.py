"""The job list: filters, per-state order, keyset pages, reference compatibility, bad input."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from litestar.testing import AsyncTestClient
from psycopg.types.json import Jsonb

from tests.conftest import login, make_job, run_job, web_app
from tests.helpers import unique


async def list_jobs(client, headers, **params):
    response = await client.get("/api/v1/jobs", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_without_pagination_the_body_is_a_bare_array(client, admin, chancy):
    queue = unique()
    job_id = await make_job(chancy, queue=queue)
    body = await list_jobs(client, admin, queue=queue)
    assert [row["id"] for row in body] == [str(job_id)]


REFERENCE_ROW_FIELDS = {
    "id", "queue", "func", "kwargs", "meta", "limits", "state", "priority", "attempts",
    "max_attempts", "taken_by", "created_at", "scheduled_at", "started_at", "completed_at",
    "unique_key", "errors", "claim_id",
}  # fmt: skip


async def test_rows_carry_every_reference_field_by_default(client, admin, worker, chancy):
    # A script written against the reference reads kwargs and errors from the listing.
    job_id = await run_job(chancy, "fail", message="full rows", extra={"n": [1, 2]})
    body = await list_jobs(client, admin, state="failed", pagination="true", limit=1)
    bare = await list_jobs(client, admin, state="failed", limit=1)
    for row in (body["items"][0], bare[0]):
        assert row["id"] == str(job_id)
        assert set(row) >= REFERENCE_ROW_FIELDS
        assert row["kwargs"] == {"message": "full rows", "extra": {"n": [1, 2]}}
        assert row["meta"] == {} and row["limits"] == []
        uuid.UUID(row["claim_id"])  # the worker's claim, kept after the job ended
        [error] = row["errors"]
        assert error["attempt"] == 0 and "ValueError: full rows" in error["traceback"]
        assert row["error"] == "ValueError: full rows"  # chancy-web's own addition stays


async def test_limits_are_listed_as_the_reference_stores_them(client, admin, chancy):
    queue = unique()
    limits = [{"t": "time", "v": 30}, {"t": "memory", "v": 1024}]
    await make_job(chancy, queue=queue, limits=limits, meta={"tenant": "a"})
    [row] = await list_jobs(client, admin, queue=queue)
    assert (row["limits"], row["meta"]) == (limits, {"tenant": "a"})


async def test_a_json_null_column_reads_as_the_empty_value(client, admin, chancy):
    # A pusher passing meta=None stores JSON null; the schema promises an object.
    queue = unique()
    job_id = await make_job(chancy, queue=queue, meta=Jsonb(None), limits=Jsonb(None))
    [row] = await list_jobs(client, admin, queue=queue)
    assert (row["meta"], row["limits"]) == ({}, [])
    detail = await client.get(f"/api/v1/jobs/{job_id}", headers=admin)
    assert (detail.json()["meta"], detail.json()["limits"]) == ({}, [])


async def test_a_full_row_is_the_job_detail(client, admin, worker, chancy):
    job_id = await run_job(chancy, "fail", message="same row")
    [row] = await list_jobs(client, admin, filters=json.dumps([["id", "=", str(job_id)]]))
    detail = await client.get(f"/api/v1/jobs/{job_id}", headers=admin)
    assert detail.json() == row


async def test_summary_rows_are_slim(client, admin, worker, chancy):
    await run_job(chancy, "fail", message="slim rows")
    body = await list_jobs(
        client, admin, state="failed", pagination="true", limit=1, view="summary"
    )
    bare = await list_jobs(client, admin, state="failed", limit=1, view="summary")
    for row in (body["items"][0], bare[0]):
        assert not {"kwargs", "meta", "errors", "limits", "claim_id"} & set(row)
        assert row["error"] == "ValueError: slim rows"
    assert body["items"][0]["id"] == bare[0]["id"]


async def test_filters_by_state_queue_and_function(client, admin, chancy):
    queue = unique()
    pending = await make_job(chancy, queue=queue, func="app.tasks.send_email")
    failed = await make_job(chancy, queue=queue, state="failed", func="app.tasks.send_email")
    other = await make_job(chancy, queue=queue, func="app.reports.build")
    assert await make_job(chancy, queue=unique())  # another queue, never listed

    def ids(body):
        return {row["id"] for row in body}

    assert ids(await list_jobs(client, admin, queue=queue)) == {
        str(pending),
        str(failed),
        str(other),
    }
    assert ids(await list_jobs(client, admin, queue=queue, state="failed")) == {str(failed)}
    assert ids(await list_jobs(client, admin, queue=queue, func="EMAIL")) == {
        str(pending),
        str(failed),
    }


async def test_function_filter_escapes_like_wildcards(client, admin, chancy):
    queue = unique()
    literal = await make_job(chancy, queue=queue, func="app.100%_done")
    await make_job(chancy, queue=queue, func="app.100xxdone")
    assert [r["id"] for r in await list_jobs(client, admin, queue=queue, func="100%_")] == [
        str(literal)
    ]


async def test_times_with_any_utc_offset_filter_the_same(client, admin, chancy):
    # ISO 8601 allows offsets that Postgres' text input refuses (beyond ±15:59); the API
    # takes them as the instants they are.
    queue = unique()
    now = datetime.now(UTC)
    older = await make_job(chancy, queue=queue, scheduled_at=now - timedelta(hours=3))
    newer = await make_job(chancy, queue=queue, scheduled_at=now - timedelta(minutes=30))
    cutoff = now - timedelta(hours=1)
    for offset in (timedelta(0), timedelta(hours=23, minutes=59), -timedelta(hours=20)):
        moment = cutoff.astimezone(timezone(offset)).isoformat()
        for op, expected in ((">", newer), ("<", older)):
            triple = ["scheduled_at", op, moment]
            body = await list_jobs(client, admin, queue=queue, filters=json.dumps([triple]))
            assert [row["id"] for row in body] == [str(expected)], triple
    since = (now - timedelta(days=1)).astimezone(timezone(timedelta(hours=23, minutes=59)))
    audit = await client.get("/api/v1/audit", params={"since": since.isoformat()}, headers=admin)
    assert audit.status_code == 200, audit.text


async def test_filter_triples_cover_every_field(client, admin, chancy):
    queue = unique()
    now = datetime.now(UTC)
    target = await make_job(
        chancy,
        queue=queue,
        state="failed",
        priority=5,
        attempts=3,
        max_attempts=4,
        unique_key="order-42",
        taken_by="worker-a",
        scheduled_at=now - timedelta(hours=2),
        completed_at=now - timedelta(minutes=10),
    )
    await make_job(chancy, queue=queue, state="failed", priority=1, attempts=1)
    cases = [
        ["priority", ">=", "5"],
        ["attempts", "=", 3],
        ["max_attempts", ">", "3"],
        ["unique_key", "=", "order-42"],
        ["taken_by", "~", "WORKER-"],
        ["id", "=", str(target)],
        ["scheduled_at", "<", (now - timedelta(hours=1)).isoformat()],
        ["completed_at", "<", (now - timedelta(minutes=5)).isoformat()],
    ]
    for triple in cases:
        body = await list_jobs(client, admin, queue=queue, filters=json.dumps([triple]))
        assert [row["id"] for row in body] == [str(target)], triple


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"filters": "{"}, "Invalid JSON in filters parameter"),
        ({"filters": '{"a": 1}'}, "filters must be an array"),
        ({"filters": '[["state", "="]]'}, "Each filter must be [key, operator, value]"),
        ({"filters": '[["kwargs", "=", "1"]]'}, "Unknown filter field: kwargs"),
        ({"filters": '[["state", ">", "failed"]]'}, "Operator '>' not allowed for field 'state'"),
        ({"filters": '[["priority", ">", "abc"]]'}, "Invalid value 'abc' for filter field"),
        ({"filters": '[["state", "=", "weird"]]'}, "expected one of pending"),
        ({"filters": '[["created_at", ">", "yesterday"]]'}, "ISO 8601"),
        ({"filters": '[["id", "=", "nope"]]'}, "expected a UUID"),
        ({"cursor": "garbage"}, "cursor is not a cursor returned by this API"),
        ({"before": "garbage"}, "cursor is not a cursor returned by this API"),
    ],
)
async def test_bad_input_is_a_clear_400(client, admin, params, detail):
    response = await client.get("/api/v1/jobs", params=params, headers=admin)
    assert response.status_code == 400, response.text
    assert detail in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "abc"}, {"limit": "1.5"}, {"state": "x"}, {"view": "slim"}],
)
async def test_bad_parameters_are_400_with_the_parameter_named(client, admin, params):
    response = await client.get("/api/v1/jobs", params=params, headers=admin)
    assert response.status_code == 400
    # Litestar names the state parameter by its Python name, job_state.
    key = response.json()["extra"][0]["key"]
    assert key in params or (key == "job_state" and "state" in params)


async def test_too_many_filters_are_refused(client, admin):
    filters = json.dumps([["priority", ">", "0"]] * 21)
    response = await client.get("/api/v1/jobs", params={"filters": filters}, headers=admin)
    assert response.status_code == 400


async def test_limit_above_the_maximum_is_clamped(dsn, chancy):
    queue = unique()
    for _ in range(3):
        await make_job(chancy, queue=queue)
    async with AsyncTestClient(web_app(dsn, max_page_size=2)) as small:
        headers = await login(small)
        body = await list_jobs(small, headers, queue=queue, limit=1000)
        assert len(body) == 2


async def test_each_state_sorts_by_its_own_time(client, admin, chancy):
    queue = unique()
    now = datetime.now(UTC)
    late = await make_job(chancy, queue=queue, scheduled_at=now + timedelta(hours=2))
    soon = await make_job(chancy, queue=queue, scheduled_at=now + timedelta(hours=1))
    old_done = await make_job(
        chancy, queue=queue, state="failed", completed_at=now - timedelta(hours=1)
    )
    new_done = await make_job(
        chancy, queue=queue, state="failed", completed_at=now - timedelta(hours=3)
    )
    await asyncio.sleep(0)
    long_run = await make_job(
        chancy, queue=queue, state="running", started_at=now - timedelta(hours=1)
    )
    short_run = await make_job(chancy, queue=queue, state="running", started_at=now)

    def order(body):
        return [row["id"] for row in body]

    assert order(await list_jobs(client, admin, queue=queue, state="pending")) == [
        str(soon),
        str(late),
    ]
    # Finished: most recently completed first, whatever the creation order.
    assert order(await list_jobs(client, admin, queue=queue, state="failed")) == [
        str(old_done),
        str(new_done),
    ]
    assert order(await list_jobs(client, admin, queue=queue, state="running")) == [
        str(long_run),
        str(short_run),
    ]
    # All states together: newest created first.
    everything = order(await list_jobs(client, admin, queue=queue))
    assert everything[0] == str(short_run) and everything[-1] == str(late)


async def _walk(client, admin, **params):
    """Every id of a list, page by page, following next_cursor."""
    seen, cursor = [], None
    while True:
        query = {**params, "pagination": "true", "limit": 7}
        if cursor:
            query["cursor"] = cursor
        body = await list_jobs(client, admin, **query)
        seen += [row["id"] for row in body["items"]]
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return seen
        cursor = body["next_cursor"]


@pytest.mark.parametrize("state", [None, "failed", "pending"])
async def test_pages_have_no_gap_or_duplicate_while_jobs_are_inserted(client, admin, chancy, state):
    queue = unique()
    now = datetime.now(UTC)
    made_state = state or "succeeded"
    original = [
        await make_job(
            chancy,
            queue=queue,
            state=made_state,
            completed_at=now - timedelta(minutes=i),
            scheduled_at=now + timedelta(minutes=i),
        )
        for i in range(30)
    ]
    params = {"queue": queue, **({"state": state} if state else {})}
    seen, cursor, inserted = [], None, []
    while True:
        query = {**params, "pagination": "true", "limit": 7}
        if cursor:
            query["cursor"] = cursor
        body = await list_jobs(client, admin, **query)
        seen += [row["id"] for row in body["items"]]
        # Newer rows arrive between pages; they sort before the cursor and must not shift it.
        inserted.append(
            await make_job(chancy, queue=queue, state=made_state, completed_at=datetime.now(UTC))
        )
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]
    assert len(seen) == len(set(seen))
    if state == "pending":
        # Inserted pending jobs are due now, earlier than all originals: never on later pages.
        assert seen == [str(i) for i in original]
    else:
        assert (
            seen == [str(i) for i in original[::-1]]
            if state is None
            else [str(i) for i in original]
        )


async def test_prev_cursor_returns_to_the_page_before(client, admin, chancy):
    queue = unique()
    now = datetime.now(UTC)
    for i in range(12):
        await make_job(chancy, queue=queue, state="failed", completed_at=now - timedelta(minutes=i))
    first = await list_jobs(client, admin, queue=queue, state="failed", pagination="true", limit=5)
    assert first["prev_cursor"] is None
    second = await list_jobs(
        client,
        admin,
        queue=queue,
        state="failed",
        pagination="true",
        limit=5,
        cursor=first["next_cursor"],
    )
    back = await list_jobs(
        client,
        admin,
        queue=queue,
        state="failed",
        pagination="true",
        limit=5,
        cursor=second["prev_cursor"],
    )
    assert [r["id"] for r in back["items"]] == [r["id"] for r in first["items"]]
    assert back["prev_cursor"] is None and back["has_more"]


async def test_a_cursor_from_another_state_is_refused(client, admin, chancy):
    queue = unique()
    for _ in range(3):
        await make_job(chancy, queue=queue, state="failed")
    body = await list_jobs(client, admin, queue=queue, state="failed", pagination="true", limit=1)
    response = await client.get(
        "/api/v1/jobs",
        params={"state": "pending", "cursor": body["next_cursor"]},
        headers=admin,
    )
    assert response.status_code == 400


async def test_empty_cursor_parameters_mean_the_first_page(client, admin, chancy):
    queue = unique()
    job_id = await make_job(chancy, queue=queue)
    body = await list_jobs(client, admin, queue=queue, before="", cursor="", filters="")
    assert [row["id"] for row in body] == [str(job_id)]


async def test_reference_before_id_pages_by_id(client, admin, chancy):
    queue = unique()
    ids = [await make_job(chancy, queue=queue) for _ in range(5)]
    body = await list_jobs(client, admin, queue=queue, before=str(ids[3]))
    assert [row["id"] for row in body] == [str(ids[2]), str(ids[1]), str(ids[0])]


async def test_reference_clients_can_echo_next_cursor_into_before(client, admin, chancy):
    queue = unique()
    for _ in range(5):
        await make_job(chancy, queue=queue, state="failed")
    everything = await _walk(client, admin, queue=queue, state="failed")
    first = await list_jobs(client, admin, queue=queue, state="failed", pagination="true", limit=2)
    second = await list_jobs(
        client,
        admin,
        queue=queue,
        state="failed",
        pagination="true",
        limit=2,
        before=first["next_cursor"],
    )
    assert [r["id"] for r in first["items"] + second["items"]] == everything[:4]


async def test_functions_lists_distinct_names(client, admin, chancy):
    await make_job(chancy, queue=unique(), func="zz.last_function")
    response = await client.get("/api/v1/jobs/functions", headers=admin)
    assert response.status_code == 200
    functions = response.json()
    assert functions == sorted(set(functions))


async def test_rows_in_a_state_this_chancy_does_not_know_are_still_listed(client, admin, chancy):
    queue = unique()
    job_id = await make_job(chancy, queue=queue, state="expired")
    body = await list_jobs(client, admin, queue=queue)
    assert [(row["id"], row["state"]) for row in body] == [(str(job_id), "expired")]
    detail = await client.get(f"/api/v1/jobs/{job_id}", headers=admin)
    assert detail.status_code == 200 and detail.json()["state"] == "expired"


def test_list_columns_are_in_the_order_of_the_row_struct():
    # Rows are built positionally from the SELECT (see queries._summary_rows).
    from chancy_web.jobs.queries import BASE_COLUMNS
    from chancy_web.jobs.schemas import JobSummary

    text = BASE_COLUMNS.as_string(None)
    columns = [c.strip() for c in text.replace("\n", " ").split(",")] + ["error", "kwargs_preview"]
    assert columns == list(JobSummary.__struct_fields__)
