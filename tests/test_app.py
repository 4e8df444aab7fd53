"""Whole-app behaviour: the published schema, error shapes, and mounting under a prefix."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, asgi
from litestar.testing import AsyncTestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from chancy_web import create_app
from chancy_web.openapi import openapi_document, openapi_json
from tests.conftest import PASSWORD, auth_backend, make_chancy, make_job

COMMITTED_SCHEMA = Path(__file__).parent.parent / "ui" / "src" / "lib" / "api" / "openapi.json"


def test_committed_openapi_schema_is_up_to_date():
    assert COMMITTED_SCHEMA.read_text() == openapi_json(), (
        "ui/src/lib/api/openapi.json is stale: run `python scripts/export_openapi.py`"
    )


def test_every_operation_has_a_unique_explicit_id_and_tags():
    operations = [
        op
        for path in openapi_document()["paths"].values()
        for method, op in path.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert all(op.get("tags") for op in operations)
    # Explicit camelCase names, not Litestar's generated ones (which contain the path).
    assert all(i[0].islower() and "/" not in i and "_" not in i for i in ids)


async def test_live_schema_is_openapi_3_1_and_matches_the_committed_one(client):
    response = await client.get("/api/v1/schema/openapi.json")
    assert response.status_code == 200
    live = response.json()
    assert live["openapi"].startswith("3.1")
    # All of it, components too: the served document gets the same finishing touches
    # (optional bodies, the executor allow-list) as the committed one.
    assert live == json.loads(COMMITTED_SCHEMA.read_text())


async def test_unknown_api_paths_are_json_404(client, admin):
    for path in ("/api/v1/nope", "/api/v1/triggers", "/api/other"):
        response = await client.get(path, headers=admin)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["status_code"] == 404


async def test_unknown_schema_paths_are_json_404(client, admin):
    for path in (
        "/api/v1/schema/nope",
        "/api/v1/schema/openapi.yaml",
        "/api/v1/schema/swagger",
        "/api/v1/schema/nope.json",
    ):
        response = await client.get(path, headers=admin)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/json"), path
        assert response.json() == {"status_code": 404, "detail": "Not Found"}, path
    assert (await client.get("/api/v1/schema/openapi.json")).status_code == 200


async def test_wrong_method_is_json_405(client, admin):
    response = await client.put("/api/v1/jobs", headers=admin)
    assert response.status_code == 405
    assert response.json()["status_code"] == 405


async def test_oversized_bodies_are_refused(client):
    body = json.dumps({"username": "a" * 2_000_000, "password": "x"})
    response = await client.post(
        "/api/v1/login", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def _use_mounted(client: AsyncTestClient, prefix: str, chancy) -> None:  # type: ignore[type-arg]
    job_id = await make_job(chancy, queue="mounted")
    login = await client.post(
        f"{prefix}/api/v1/login", json={"username": "admin", "password": PASSWORD}
    )
    assert login.status_code == 200
    assert f"Path={prefix}/" in login.headers["set-cookie"]
    listed = await client.get(f"{prefix}/api/v1/jobs", params={"queue": "mounted"})
    assert listed.status_code == 200, listed.text
    assert str(job_id) in [row["id"] for row in listed.json()]
    assert (await client.get(f"{prefix}/health")).json() == {"status": "healthy"}


def _hosted_chancy(dsn):
    """A Chancy for the mounted app, and a host lifespan that opens it: mounted apps get no
    lifespan events, so the host opens the pool (as the README says)."""
    own = make_chancy(dsn)

    @asynccontextmanager
    async def lifespan(_):
        async with own:
            yield

    return own, lifespan


async def test_mounts_under_a_prefix_in_a_litestar_app(dsn, chancy):
    own, lifespan = _hosted_chancy(dsn)
    inner = create_app(own, authentication_backend=auth_backend())
    host = Litestar(
        route_handlers=[asgi("/ops/queue", is_mount=True, copy_scope=True)(inner)],
        lifespan=[lifespan],
    )
    async with AsyncTestClient(host) as client:
        await _use_mounted(client, "/ops/queue", chancy)


async def test_mounts_under_a_prefix_in_a_starlette_app(dsn, chancy):
    own, lifespan = _hosted_chancy(dsn)
    inner = create_app(own, authentication_backend=auth_backend())
    host = Starlette(routes=[Mount("/jobs-ui", app=inner)], lifespan=lifespan)
    async with AsyncTestClient(host) as client:  # type: ignore[arg-type]
        await _use_mounted(client, "/jobs-ui", chancy)


async def test_json_bodies_are_checked_strictly(client, admin):
    # Litestar alone would coerce these (0 -> false, "3" -> 3); JSON types must match.
    for body in (
        {"name": "strict-q", "eager_polling": 0},
        {"name": "strict-q", "concurrency": "3"},
    ):
        response = await client.post("/api/v1/queues", json=body, headers=admin)
        assert response.status_code == 400, body
        assert response.json()["detail"].startswith("Invalid request body")
    assert (await client.get("/api/v1/queues/strict-q", headers=admin)).status_code == 404


async def test_values_postgres_cannot_store_are_400_and_change_nothing(client, admin):
    # Raw JSON text: the escapes are what a client may send, valid JSON all of them.
    for body in (
        r'{"name": "nul\u0000queue"}',
        r'{"name": "surrogate-q", "tags": ["\udbb7"]}',
        r'{"name": "range-q", "executor_options": {"": "\u0000"}}',
        r'{"name": "range-q", "rate_limit_window": 2147483648}',
    ):
        response = await client.post(
            "/api/v1/queues", content=body, headers={**admin, "content-type": "application/json"}
        )
        assert response.status_code == 400, body
    for name in ("nul\u0000queue", "surrogate-q", "range-q"):
        assert name not in [
            q["name"] for q in (await client.get("/api/v1/queues", headers=admin)).json()
        ]


def test_optional_bodies_are_not_required_in_the_schema():
    pause = openapi_document()["paths"]["/api/v1/queues/{name}/pause"]["post"]
    assert pause["requestBody"]["required"] is False
    create = openapi_document()["paths"]["/api/v1/queues"]["post"]
    assert create["requestBody"]["required"] is True
