"""Bad input is a 4xx JSON error, never a 500: times at the edge of what Python and Postgres
hold, deep JSON, forged cursors, control characters in paths and over-long names."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from tests.conftest import PASSWORD, web_app
from tests.helpers import unique

#: Converting these to UTC leaves what Python's datetime can hold.
BEYOND_THE_LAST_YEAR = "9999-12-31T23:00:00-05:00"
BEFORE_THE_FIRST_YEAR = "0001-01-01T01:00:00+05:00"
EXTREME_TIMES = (BEYOND_THE_LAST_YEAR, BEFORE_THE_FIRST_YEAR)


def assert_json_error(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["status_code"] == status
    return body


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def cursor(*parts: Any) -> str:
    raw = msgspec.json.encode(list(parts))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("field", ["created_at", "scheduled_at", "completed_at"])
@pytest.mark.parametrize("when", EXTREME_TIMES)
@pytest.mark.parametrize("op", ["<", ">"])
async def test_job_filters_on_extreme_times_are_400(client, admin, field, when, op):
    for params in ({}, {"state": "failed"}):
        response = await client.get(
            "/api/v1/jobs",
            params={**params, "filters": json.dumps([[field, op, when]])},
            headers=admin,
        )
        body = assert_json_error(response)
        assert "between 0001-01-02 and 9999-12-30 (UTC)" in body["detail"], body


async def test_times_inside_the_range_are_served(client, admin):
    for when in ("0001-01-02T00:00:00+00:00", "9999-12-30T00:00:00+00:00"):
        response = await client.get(
            "/api/v1/jobs",
            params={"filters": json.dumps([["created_at", "<", when]])},
            headers=admin,
        )
        assert response.status_code == 200, response.text


async def test_audit_since_at_extreme_times_is_400(client, admin):
    for when in EXTREME_TIMES:
        assert_json_error(await client.get("/api/v1/audit", params={"since": when}, headers=admin))


async def test_queue_times_at_the_extremes_are_400_and_change_nothing(client, admin):
    name = unique()
    for when in EXTREME_TIMES:
        created = await client.post(
            "/api/v1/queues", json={"name": name, "resume_at": when}, headers=admin
        )
        assert_json_error(created)
    assert (await client.get(f"/api/v1/queues/{name}", headers=admin)).status_code == 404
    await client.post("/api/v1/queues", json={"name": name}, headers=admin)
    for when in EXTREME_TIMES:
        pause = await client.post(
            f"/api/v1/queues/{name}/pause", json={"resume_at": when}, headers=admin
        )
        assert_json_error(pause)
        update = await client.patch(
            f"/api/v1/queues/{name}", json={"resume_at": when}, headers=admin
        )
        assert_json_error(update)
    assert (await client.get(f"/api/v1/queues/{name}", headers=admin)).json()["state"] == "active"


async def test_deeply_nested_filters_are_400(client, admin):
    for path in ("/api/v1/jobs", "/api/v1/workflows"):
        response = await client.get(path, params={"filters": nested(1000)}, headers=admin)
        body = assert_json_error(response)
        assert "deep" in body["detail"]


async def test_deeply_nested_bodies_are_400(client, admin):
    name = unique()
    await client.post("/api/v1/queues", json={"name": name}, headers=admin)
    deep = nested(5000).encode()
    inside = b'{"name": "' + name.encode() + b'x", "executor_options": {"a": ' + deep + b"}}"
    for method, path, body in (
        ("POST", "/api/v1/login", deep),
        ("POST", "/api/v1/queues", deep),
        ("POST", "/api/v1/queues", inside),
        ("PATCH", f"/api/v1/queues/{name}", deep),
        ("POST", f"/api/v1/queues/{name}/pause", deep),
        ("POST", "/api/v1/jobs", deep),
    ):
        response = await client.request(
            method, path, content=body, headers={**admin, "content-type": "application/json"}
        )
        detail = assert_json_error(response)["detail"]
        assert "deep" in detail, (path, detail)
    assert (await client.get(f"/api/v1/queues/{name}", headers=admin)).json()["state"] == "active"


async def test_json_nested_to_the_limit_is_still_read(client, admin):
    name = unique()
    options: Any = {}
    for _ in range(28):
        options = {"a": options}
    response = await client.post(
        "/api/v1/queues",
        json={"name": name, "executor_options": options},
        headers=admin,
    )
    # Past the depth check; refused, if at all, only for what it says.
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert "deep" not in response.json()["detail"]


FORGED_KEYS = [1, True, 1.5, [], {}, 10**400, "not a time", BEYOND_THE_LAST_YEAR]


@pytest.mark.parametrize("key", FORGED_KEYS, ids=repr)
async def test_job_cursors_with_forged_keys_are_400(client, admin, key):
    forged = cursor("recently_completed", "next", key, str(uuid.uuid4()))
    for params in ({"state": "failed"}, {}):
        response = await client.get(
            "/api/v1/jobs", params={**params, "cursor": forged}, headers=admin
        )
        assert_json_error(response)
        response = await client.get(
            "/api/v1/jobs", params={**params, "before": forged}, headers=admin
        )
        assert_json_error(response)


async def test_job_cursors_must_fit_their_order(client, admin):
    job_id = str(uuid.uuid4())
    for params, forged in (
        ({"state": "failed"}, cursor("recently_completed", "next", None, job_id)),
        ({}, cursor("newest", "next", "2026-01-01T00:00:00+00:00", job_id)),
        ({"state": "failed"}, cursor("recently_completed", "next", "2026-01-01T00:00:00", job_id)),
        ({}, cursor("newest", "next", None, 12345)),
        ({"state": "failed"}, cursor("recently_completed", "next", None, 12345)),
        ({}, cursor("newest", "sideways", None, job_id)),
        ({}, cursor("newest", "next", None, job_id, "extra")),
        ({}, "A" * 5000),
    ):
        response = await client.get(
            "/api/v1/jobs", params={**params, "cursor": forged}, headers=admin
        )
        assert_json_error(response)


async def test_reference_before_ids_that_are_not_uuids_are_400(client, admin):
    for path, params in (
        ("/api/v1/jobs", {}),
        ("/api/v1/jobs", {"state": "failed"}),
        ("/api/v1/workflows", {}),
    ):
        for before in ("12345", "MTIzNDU", "W10", "bnVsbA"):
            response = await client.get(path, params={**params, "before": before}, headers=admin)
            assert_json_error(response)


@pytest.mark.parametrize("key", [*FORGED_KEYS, "2026-01-01T00:00:00+00:00"], ids=repr)
async def test_workflow_cursors_with_forged_keys_are_400(client, admin, key):
    forged = cursor("workflows", "next", key, str(uuid.uuid4()))
    for name in ("cursor", "before"):
        response = await client.get("/api/v1/workflows", params={name: forged}, headers=admin)
        assert_json_error(response)
    forged = cursor("workflows", "next", None, 12345)
    response = await client.get("/api/v1/workflows", params={"cursor": forged}, headers=admin)
    assert_json_error(response)


async def test_audit_cursors_are_bounded(client, admin):
    for value in ("9" * 5000, "9" * 20, str(2**63)):
        response = await client.get("/api/v1/audit", params={"cursor": value}, headers=admin)
        assert_json_error(response)
    page = await client.get("/api/v1/audit", params={"cursor": str(2**63 - 1)}, headers=admin)
    assert page.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/a%00b",
        "/favicon.svg%00",
        "/_app/immutable/x%00.js",
        "/jobs%0a",
        "/api/v1/queues/a%00b",
        "/api/v1/crons/a%01b",
        "/api/v1/workers/a%7fb",
    ],
)
async def test_control_characters_in_paths_are_400(client, admin, path):
    assert_json_error(await client.get(path, headers=admin))


async def test_control_characters_in_paths_are_400_without_a_session(client):
    assert_json_error(await client.get("/favicon.svg%00"))
    assert_json_error(await client.patch("/api/v1/queues/a%00b", json={}))


async def test_queue_names_with_control_characters_are_refused(client, admin):
    for name in ("a\x00b", "a\x01b", "a\x7fb", "a\u2028b"):
        response = await client.post("/api/v1/queues", json={"name": name}, headers=admin)
        assert_json_error(response)


async def forget_failed_logins(chancy: Any) -> None:
    async with chancy.pool.connection() as conn:
        await conn.execute("DELETE FROM chancy_web_login_failures")


async def test_an_over_long_username_is_a_failed_login_that_counts(dsn, chancy):
    await forget_failed_logins(chancy)  # the test client's address is every test's
    app = web_app(dsn, login_failures_per_user=3, login_failures_per_client=3)
    async with AsyncTestClient(app) as fresh:
        for _ in range(3):
            response = await fresh.post(
                "/api/v1/login", json={"username": secrets.token_urlsafe(3000), "password": "x"}
            )
            assert_json_error(response, 401)
        # The client's own limit is now spent, whatever the name it tries next.
        limited = await fresh.post(
            "/api/v1/login", json={"username": "admin", "password": PASSWORD}
        )
        assert_json_error(limited, 429)
    await forget_failed_logins(chancy)
