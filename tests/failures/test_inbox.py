"""The failure inbox over HTTP: groups folded from real failures, paged by keyset, one group's
detail, and resolve / ignore / reopen (operator, audited), with a regression reopening a
resolved group by itself."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chancy import Chancy
from psycopg import sql

from chancy_web.query import QueryError, compile_query
from tests.conftest import login
from tests.failures.conftest import PREFIX, QUEUE, SETTINGS, fail, fail_all, fold_all

pytestmark = pytest.mark.usefixtures("empty", "fold_worker")
FUNC = "tests.failures.jobs"
FAILURES = "/api/v1/failures"


def order(func: str) -> tuple[str, dict[str, Any]]:
    return func, {"order_id": str(uuid.uuid4())}


async def inbox(client: Any, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get(FAILURES, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_inbox_lists_groups_with_their_counts(fold_chancy, fold_client, operator):
    await fail_all(fold_chancy, order("order_missing"), order("order_missing"))
    await fold_all(fold_chancy)
    page = await inbox(fold_client, operator)
    (group,) = page["items"]
    assert group["exception"] == "LookupError"
    assert group["message"] == "order <uuid> not found"
    assert group["frame"] == "tests/failures/jobs.py:order_missing"
    assert group["count"] == group["count_1h"] == group["count_24h"] == group["count_7d"] == 2
    assert len(group["sparkline"]) == 24 and sum(group["sparkline"]) == 2
    assert group["status"] == "open" and group["new"] and not group["regressed"]
    assert group["functions"] == [f"{FUNC}.order_missing"] and group["queues"] == [QUEUE]
    assert group["sample_job_id"] is not None
    assert group["first_seen"] <= group["last_seen"]
    assert page["has_more"] is False and page["next_cursor"] is None
    assert page["fold"]["started"] and page["fold"]["backfill_finished"]
    assert page["fold"]["backfill_done"] == page["fold"]["backfill_total"] == 2


async def test_the_inbox_pages_by_last_seen_both_ways(fold_chancy, fold_client, operator):
    funcs = ["order_missing", "order_invalid", "order_missing_on_load", "charge"]
    for func in funcs:  # one after the other: each group is seen after the one before
        await fail(fold_chancy, func, order_id=str(uuid.uuid4()))
    await fold_all(fold_chancy)
    first = await inbox(fold_client, operator, limit=3)
    assert len(first["items"]) == 3 and first["has_more"] and first["prev_cursor"] is None
    second = await inbox(fold_client, operator, limit=3, cursor=first["next_cursor"])
    assert [g["frame"] for g in second["items"]] == ["tests/failures/jobs.py:order_missing"]
    assert second["next_cursor"] is None
    frames = [g["frame"].rpartition(":")[2] for g in first["items"] + second["items"]]
    assert frames == ["charge", "_load", "order_invalid", "order_missing"]  # newest first
    back = await inbox(fold_client, operator, limit=3, cursor=second["prev_cursor"])
    assert back["items"] == first["items"]


async def test_the_inbox_filters_by_words_and_time(fold_chancy, fold_client, operator):
    await fail_all(fold_chancy, order("order_missing"), order("order_invalid"))
    await fold_all(fold_chancy)
    found = await inbox(fold_client, operator, q="valueerror")
    assert [g["exception"] for g in found["items"]] == ["ValueError"]
    found = await inbox(fold_client, operator, q=f"{FUNC}.order_missing")
    assert [g["exception"] for g in found["items"]] == ["LookupError"]
    later = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    assert (await inbox(fold_client, operator, since=later))["items"] == []
    earlier = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert len((await inbox(fold_client, operator, since=earlier))["items"]) == 2


async def test_bad_input_is_a_400(fold_client, operator):
    for params in (
        {"status": "closed"},
        {"cursor": "nonsense"},
        {"since": "yesterday"},
        {"since": "0.5"},
        {"limit": "0"},
    ):
        response = await fold_client.get(FAILURES, params=params, headers=operator)
        assert response.status_code == 400, (params, response.text)
        assert "detail" in response.json()


async def test_a_cursor_of_another_tab_is_refused(fold_chancy, fold_client, operator):
    await fail_all(fold_chancy, order("order_missing"), order("order_invalid"))
    await fold_all(fold_chancy)
    cursor = (await inbox(fold_client, operator, limit=1))["next_cursor"]
    response = await fold_client.get(
        FAILURES, params={"status": "resolved", "cursor": cursor}, headers=operator
    )
    assert response.status_code == 400


async def test_a_group_shows_its_traceback_and_hours(fold_chancy, fold_client, operator):
    job_id = await fail(fold_chancy, "charge", order_id="17")
    await fold_all(fold_chancy)
    (group,) = (await inbox(fold_client, operator))["items"]
    response = await fold_client.get(f"{FAILURES}/{group['fingerprint']}", headers=operator)
    assert response.status_code == 200
    detail = response.json()
    assert detail["sample_job_id"] == job_id
    assert "RuntimeError: cannot charge order 17" in detail["traceback"]
    assert "The above exception was the direct cause" in detail["traceback"]
    assert [h["count"] for h in detail["hours"]] == [1]
    assert {k: v for k, v in detail.items() if k not in ("traceback", "hours")} == group


async def test_an_unknown_group_is_a_404(fold_client, operator):
    for path in ("", "/resolve", "/ignore", "/reopen"):
        method = fold_client.get if not path else fold_client.post
        response = await method(f"{FAILURES}/0123456789abcdef{path}", headers=operator)
        assert response.status_code == 404, path
        assert "not found" in response.json()["detail"]


async def test_a_resolved_group_reopens_when_it_fails_again(fold_chancy, fold_client, operator):
    await fail(fold_chancy, "order_missing", order_id=str(uuid.uuid4()))
    await fold_all(fold_chancy)
    (group,) = (await inbox(fold_client, operator))["items"]
    fp = group["fingerprint"]
    response = await fold_client.post(f"{FAILURES}/{fp}/resolve", headers=operator)
    assert response.status_code == 200
    resolved = response.json()
    assert resolved["status"] == "resolved" and resolved["resolved_at"] is not None
    assert (await inbox(fold_client, operator))["items"] == []
    assert [
        g["fingerprint"] for g in (await inbox(fold_client, operator, status="resolved"))["items"]
    ] == [fp]

    await fail(fold_chancy, "order_missing", order_id=str(uuid.uuid4()))
    await fold_all(fold_chancy)
    (again,) = (await inbox(fold_client, operator))["items"]
    assert again["fingerprint"] == fp and again["count"] == 2
    assert again["status"] == "open" and again["regressed"] and again["reopened_at"]
    assert await audit_actions(fold_chancy, fp) == [("failure.resolve", "allowed")]


async def test_ignore_and_reopen(fold_chancy, fold_client, operator):
    await fail(fold_chancy, "order_invalid", order_id=str(uuid.uuid4()))
    await fold_all(fold_chancy)
    (group,) = (await inbox(fold_client, operator))["items"]
    fp = group["fingerprint"]
    ignored = (await fold_client.post(f"{FAILURES}/{fp}/ignore", headers=operator)).json()
    assert ignored["status"] == "ignored"
    # An ignored group stays ignored when it fails again; it is still counted.
    await fail(fold_chancy, "order_invalid", order_id=str(uuid.uuid4()))
    await fold_all(fold_chancy)
    (still,) = (await inbox(fold_client, operator, status="ignored"))["items"]
    assert still["count"] == 2 and not still["regressed"]
    reopened = (await fold_client.post(f"{FAILURES}/{fp}/reopen", headers=operator)).json()
    assert reopened["status"] == "open" and not reopened["regressed"]
    assert await audit_actions(fold_chancy, fp) == [
        ("failure.ignore", "allowed"),
        ("failure.reopen", "allowed"),
    ]


async def test_a_viewer_cannot_change_a_group(fold_chancy, fold_client):
    await fail(fold_chancy, "order_missing", order_id=str(uuid.uuid4()))
    await fold_all(fold_chancy)
    viewer = await login(fold_client, "viewer")
    (group,) = (await inbox(fold_client, viewer))["items"]
    response = await fold_client.post(f"{FAILURES}/{group['fingerprint']}/resolve", headers=viewer)
    assert response.status_code == 403
    (same,) = (await inbox(fold_client, viewer))["items"]
    assert same["status"] == "open"
    assert await audit_actions(fold_chancy, group["fingerprint"]) == [("failure.resolve", "denied")]


async def audit_actions(chancy: Chancy, fingerprint: str) -> list[tuple[str, str]]:
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL("SELECT action, outcome FROM {} WHERE target = %s ORDER BY id").format(
                sql.Identifier(f"{PREFIX}web_audit")
            ),
            (fingerprint,),
        )
        return [tuple(row) for row in await cursor.fetchall()]  # type: ignore[misc]


async def test_the_search_language_selects_a_group_s_jobs(fold_chancy, fold_client, operator):
    missing = await fail_all(fold_chancy, order("order_missing"), order("order_missing"))
    await fail(fold_chancy, "order_invalid", order_id=str(uuid.uuid4()))
    await fold_all(fold_chancy)
    by_frame = {g["frame"]: g for g in (await inbox(fold_client, operator))["items"]}
    fp = by_frame["tests/failures/jobs.py:order_missing"]["fingerprint"]
    assert sorted(await search(fold_chancy, f"failure:{fp} state:failed")) == sorted(missing)
    assert len(await search(fold_chancy, f"-failure:{fp.upper()}")) == 1
    with pytest.raises(QueryError) as raised:
        await search(fold_chancy, "state:failed failure:nothex")
    assert raised.value.position == len("state:failed failure:")


async def search(chancy: Chancy, q: str) -> list[str]:
    """The ids of the jobs `q` selects, by the compiled condition as the job list runs it."""
    jobs = sql.Identifier(f"{PREFIX}jobs")
    selection = compile_query(q, table=jobs, now=datetime.now(UTC), settings=SETTINGS)
    query = sql.SQL("SELECT j.id FROM {} AS j WHERE {}").format(jobs, selection.where)
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(query, selection.params)
        return [str(row[0]) for row in await cursor.fetchall()]


async def test_prometheus_counts_groups_by_status_and_their_events(
    fold_chancy, fold_client, operator
):
    await fail_all(
        fold_chancy, order("order_missing"), order("order_missing"), order("order_invalid")
    )
    await fold_all(fold_chancy)
    fps = [g["fingerprint"] for g in (await inbox(fold_client, operator))["items"]]
    await fold_client.post(f"{FAILURES}/{fps[0]}/resolve", headers=operator)
    response = await fold_client.get("/metrics", headers=operator)
    assert response.status_code == 200
    lines = set(response.text.splitlines())
    assert {
        'chancy_failure_groups{status="open"} 1',
        'chancy_failure_groups{status="resolved"} 1',
        'chancy_failure_groups{status="ignored"} 0',
        "chancy_failure_group_events_total 3",
    } <= lines
    assert not any(fp in response.text for fp in fps)  # no label per group
