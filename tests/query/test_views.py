"""Saved views: personal or shared, shared ones only from operators up, audited."""

from __future__ import annotations

import uuid

from tests.conftest import login
from tests.test_audit_and_logs import audit_rows, last_id


async def _create(client, headers, **body):
    return await client.post("/api/v1/views", json=body, headers=headers)


async def _names(client, headers) -> list[str]:
    response = await client.get("/api/v1/views", headers=headers)
    assert response.status_code == 200, response.text
    return [view["name"] for view in response.json()["items"]]


async def test_a_viewer_saves_a_personal_view_that_only_they_see(client, chancy):
    viewer, operator = await login(client, "viewer"), await login(client, "operator")
    name = f"mine-{uuid.uuid4().hex[:6]}"
    before = await last_id(chancy)
    response = await _create(client, viewer, name=name, q="state:failed kwargs.user_id:42")
    assert response.status_code == 201, response.text
    view = response.json()
    assert view == {
        "id": view["id"], "name": name, "q": "state:failed kwargs.user_id:42",
        "shared": False, "owner": "viewer",
    }  # fmt: skip
    assert name in await _names(client, viewer)
    assert name not in await _names(client, operator)
    rows = await audit_rows(chancy, before)
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("viewer", "view.create", str(view["id"]), "allowed")
    ]


async def test_shared_views_need_an_operator_and_everyone_sees_them(client, chancy):
    viewer, operator = await login(client, "viewer"), await login(client, "operator")
    name = f"team-{uuid.uuid4().hex[:6]}"
    before = await last_id(chancy)
    denied = await _create(client, viewer, name=name, q="state:failed", shared=True)
    assert denied.status_code == 403
    assert name not in await _names(client, viewer)
    assert [(r[2], r[4]) for r in await audit_rows(chancy, before)] == [("view.create", "denied")]
    created = await _create(client, operator, name=name, q="state:failed", shared=True)
    assert created.status_code == 201 and created.json()["shared"] is True
    assert name in await _names(client, viewer)


async def test_a_view_whose_query_does_not_parse_is_a_positioned_400(client, chancy):
    viewer = await login(client, "viewer")
    name = f"bad-{uuid.uuid4().hex[:6]}"
    response = await _create(client, viewer, name=name, q="state:failed (")
    assert response.status_code == 400
    assert response.json()["extra"]["position"] == 14
    assert name not in await _names(client, viewer)
    for body in ({"name": "", "q": "a"}, {"name": "   ", "q": "a"}, {"name": "x"}):
        assert (await _create(client, viewer, **body)).status_code == 400, body


async def test_deleting_views(client, admin, chancy):
    viewer, operator = await login(client, "viewer"), await login(client, "operator")
    mine = (await _create(client, viewer, name="to delete", q="a")).json()
    shared = (await _create(client, operator, name="shared to delete", q="a", shared=True)).json()
    # Someone else's personal view does not exist for them.
    assert (await client.delete(f"/api/v1/views/{mine['id']}", headers=operator)).status_code == 404
    # A shared view: its owner or an admin.
    assert (await client.delete(f"/api/v1/views/{shared['id']}", headers=viewer)).status_code == 403
    assert (await client.delete(f"/api/v1/views/{mine['id']}", headers=viewer)).status_code == 204
    assert (await client.delete(f"/api/v1/views/{shared['id']}", headers=admin)).status_code == 204
    assert (await client.delete(f"/api/v1/views/{shared['id']}", headers=admin)).status_code == 404
    assert "shared to delete" not in await _names(client, viewer)
