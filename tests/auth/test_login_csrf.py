"""Login CSRF: another site cannot log a visitor's browser in (as the attacker) by posting a
form, because a login takes only JSON and refuses a cross-site Origin."""

from __future__ import annotations

import json

import pytest
from litestar.testing import AsyncTestClient

from tests.conftest import PASSWORD, auth_backend, make_chancy, web_app

CREDENTIALS = {"username": "viewer", "password": PASSWORD}


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        None,
    ],
)
async def test_a_login_that_is_not_json_is_415_and_sets_no_cookie(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post(
        "/api/v1/login", content=json.dumps(CREDENTIALS).encode(), headers=headers
    )
    assert response.status_code == 415, response.text
    assert response.json()["status_code"] == 415
    assert "set-cookie" not in response.headers


async def test_the_issues_text_plain_form_cannot_log_a_browser_in(client):
    # What <form enctype="text/plain"> with an input named `{"username":"viewer","password":
    # "...","x":"` and the value `"}` sends from another site.
    body = json.dumps({**CREDENTIALS, "x": ""})[:-3] + '="}'
    response = await client.post(
        "/api/v1/login",
        content=body.encode(),
        headers={"content-type": "text/plain", "origin": "https://evil.example"},
    )
    assert response.status_code in (403, 415)
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
async def test_json_logins_still_work(client, content_type):
    response = await client.post(
        "/api/v1/login",
        content=json.dumps(CREDENTIALS).encode(),
        headers={"content-type": content_type},
    )
    assert response.status_code == 200, response.text
    client.cookies.clear()


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        # The Host a proxy forwards is the client's to choose: it proves nothing.
        {"origin": "https://evil.example", "x-forwarded-host": "evil.example"},
    ],
)
async def test_a_cross_site_login_is_403_and_sets_no_cookie(client, headers):
    response = await client.post("/api/v1/login", json=CREDENTIALS, headers=headers)
    assert response.status_code == 403, response.text
    assert response.json()["detail"] == "Cross-site login refused"
    assert "set-cookie" not in response.headers


async def test_a_same_site_login_with_an_origin_works(client):
    response = await client.post(
        "/api/v1/login", json=CREDENTIALS, headers={"origin": "http://testserver.local"}
    )
    assert response.status_code == 200, response.text
    client.cookies.clear()


async def test_an_allowed_origin_may_log_in(dsn, chancy):
    from chancy_web import Settings, create_app

    app = create_app(
        make_chancy(dsn),
        authentication_backend=auth_backend(),
        allow_origins=["https://ops.example"],
        settings=Settings(login_failures_per_user=1000, login_failures_per_client=1000),
    )
    async with AsyncTestClient(app) as other:
        allowed = await other.post(
            "/api/v1/login", json=CREDENTIALS, headers={"origin": "https://ops.example"}
        )
        assert allowed.status_code == 200, allowed.text
        refused = await other.post(
            "/api/v1/login", json=CREDENTIALS, headers={"origin": "https://evil.example"}
        )
        assert refused.status_code == 403


async def test_scripts_without_an_origin_log_in(dsn, chancy):
    async with AsyncTestClient(web_app(dsn)) as other:
        response = await other.post("/api/v1/login", json=CREDENTIALS)
        assert response.status_code == 200
