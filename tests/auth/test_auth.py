"""Every authentication path, against the real app and database."""

from __future__ import annotations

import asyncio

import pytest
from chancy import Reference
from litestar.testing import AsyncTestClient
from psycopg import sql

from chancy_web import Role, SimpleAuthBackend, User, create_app
from chancy_web.auth.backends import AuthBackend
from tests.conftest import PASSWORD, USERS, login, make_job, web_app


async def _update_session(chancy, headers: dict[str, str], assignment: str) -> None:
    """Change the session behind `headers` as time would have."""
    token = headers["Authorization"].split()[1]
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL("UPDATE {} SET {} WHERE token_hash = sha256(convert_to(%s, 'UTF8'))").format(
                sql.Identifier(f"{chancy.prefix}web_sessions"), sql.SQL(assignment)
            ),
            (token,),
        )
        assert cursor.rowcount == 1


async def test_login_sets_a_hardened_cookie_and_returns_a_token(client):
    response = await client.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "admin" and body["role"] == "admin"
    assert body["token"] and body["csrf_token"] and body["expires_at"]
    cookie = response.headers["set-cookie"]
    assert "chancy_web_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    client.cookies.clear()


async def test_wrong_password_is_401_json(client):
    response = await client.post("/api/v1/login", json={"username": "admin", "password": "nope"})
    assert response.status_code == 401
    assert response.json() == {"status_code": 401, "detail": "Invalid username or password"}
    assert "set-cookie" not in response.headers


async def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    response = await client.post("/api/v1/login", json={"username": "mallory", "password": "x"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid username or password"


async def test_empty_credentials_are_401(client):
    response = await client.post("/api/v1/login", json={"username": "", "password": ""})
    assert response.status_code == 401


async def test_malformed_login_bodies_are_400(client):
    for body in (b"not json", b"[1]", b'{"username": "admin"}', b'{"username": 1, "password": 2}'):
        response = await client.post(
            "/api/v1/login", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, body
        assert response.json()["status_code"] == 400


async def test_a_username_holding_nul_is_refused_by_the_schema(client):
    # Failed logins are counted by username in Postgres, whose text cannot hold NUL: the body's
    # schema says so, rather than the database refusing the count.
    body = b'{"username": "ad\\u0000min", "password": "x"}'
    response = await client.post(
        "/api/v1/login", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "$.username" in response.json()["detail"]


async def test_unknown_login_fields_are_ignored(client):
    response = await client.post(
        "/api/v1/login", json={"username": "viewer", "password": PASSWORD, "role": "admin"}
    )
    assert response.status_code == 200 and response.json()["role"] == "viewer"
    client.cookies.clear()


async def test_unauthenticated_requests_get_json_401(client):
    for path in ("/api/v1/jobs", "/api/v1/queues", "/api/v1/session", "/api/v1/configuration"):
        response = await client.get(path)
        assert response.status_code == 401, path
        assert response.json()["detail"] == "Authentication required"


async def test_bearer_token_authenticates(client, admin):
    response = await client.get("/api/v1/session", headers=admin)
    assert response.status_code == 200
    assert response.json()["username"] == "admin"
    assert response.json()["csrf_token"] is None  # bearer requests need no CSRF token


async def test_bearer_scheme_is_case_insensitive(client):
    headers = await login(client)
    token = headers["Authorization"].split()[1]
    response = await client.get("/api/v1/session", headers={"Authorization": f"bEaReR {token}"})
    assert response.status_code == 200


async def test_cookie_authenticates_and_session_reports_csrf_token(client):
    response = await client.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
    csrf = response.json()["csrf_token"]
    session = await client.get("/api/v1/session")
    assert session.status_code == 200
    assert session.json()["csrf_token"] == csrf
    client.cookies.clear()


async def test_cookie_requests_that_change_things_need_the_csrf_token(client, chancy):
    job_id = await make_job(chancy, state="failed", queue="csrf")
    response = await client.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
    csrf = response.json()["csrf_token"]
    try:
        refused = await client.post(f"/api/v1/jobs/{job_id}/retry")
        assert refused.status_code == 403
        assert refused.json()["detail"] == "CSRF token missing or invalid"
        wrong = await client.post(f"/api/v1/jobs/{job_id}/retry", headers={"X-CSRF-Token": "x"})
        assert wrong.status_code == 403
        assert (await chancy.get_job(Reference(job_id))).state.value == "failed"  # unchanged
        accepted = await client.post(f"/api/v1/jobs/{job_id}/retry", headers={"X-CSRF-Token": csrf})
        assert accepted.status_code == 200, accepted.text
    finally:
        client.cookies.clear()


async def test_logout_revokes_the_token(client):
    headers = await login(client)
    assert (await client.get("/api/v1/session", headers=headers)).status_code == 200
    response = await client.post("/api/v1/logout", headers=headers)
    assert response.status_code == 200 and response.json() == {"success": True}
    after = await client.get("/api/v1/session", headers=headers)
    assert after.status_code == 401
    assert after.json()["detail"] == "Session expired or revoked; log in again"


async def test_logout_clears_the_cookie(client):
    await client.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
    response = await client.post("/api/v1/logout")
    assert 'chancy_web_session=""' in response.headers["set-cookie"]
    assert "Max-Age=0" in response.headers["set-cookie"]
    assert (await client.get("/api/v1/session")).status_code == 401
    client.cookies.clear()


async def test_expired_session_is_refused(client, chancy):
    headers = await login(client)
    await _update_session(chancy, headers, "expires_at = now() - interval '1 second'")
    assert (await client.get("/api/v1/session", headers=headers)).status_code == 401


async def test_idle_session_is_refused(client, chancy):
    headers = await login(client)
    await _update_session(chancy, headers, "last_seen_at = now() - interval '13 hours'")
    assert (await client.get("/api/v1/session", headers=headers)).status_code == 401


async def test_recent_activity_keeps_an_idle_session_alive(client, chancy):
    headers = await login(client)
    await _update_session(chancy, headers, "last_seen_at = now() - interval '11 hours'")
    assert (await client.get("/api/v1/session", headers=headers)).status_code == 200
    # The request above touched the session, so an hour and a half more is still fine.
    await _update_session(chancy, headers, "last_seen_at = last_seen_at - interval '90 minutes'")
    assert (await client.get("/api/v1/session", headers=headers)).status_code == 200


async def test_login_rotates_the_session_id(client):
    first = await client.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
    old_token = first.json()["token"]
    second = await client.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
    assert second.json()["token"] != old_token
    client.cookies.clear()
    revoked = await client.get("/api/v1/session", headers={"Authorization": f"Bearer {old_token}"})
    assert revoked.status_code == 401


async def test_only_a_hash_of_the_token_is_stored(client, chancy):
    headers = await login(client)
    token = headers["Authorization"].split()[1]
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL("SELECT token_hash::text, csrf_token FROM {}").format(
                sql.Identifier(f"{chancy.prefix}web_sessions")
            )
        )
        rows = await cursor.fetchall()
    assert rows and all(token not in text for row in rows for text in row)


async def test_plain_passwords_are_hashed_and_not_kept(caplog):
    backend = SimpleAuthBackend({"alice": "s3cret"})
    assert backend.users["alice"].startswith("$argon2id$")
    assert "s3cret" not in repr(vars(backend))
    assert "alice" in caplog.text and "s3cret" not in caplog.text


async def test_a_hash_from_hash_password_logs_in(client):
    # USERS holds hashes only (made by the same function as `chancy-web hash-password`).
    assert all(value.startswith("$argon2id$") for value in USERS.values())
    response = await client.post("/api/v1/login", json={"username": "viewer", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["role"] == "viewer"
    client.cookies.clear()


async def test_login_is_rate_limited_per_username(dsn, chancy):
    app = web_app(dsn, login_failures_per_user=3, login_failures_per_client=100)
    async with AsyncTestClient(app) as limited:
        for _ in range(3):
            bad = await limited.post(
                "/api/v1/login", json={"username": "operator", "password": "x"}
            )
            assert bad.status_code == 401
        refused = await limited.post(
            "/api/v1/login", json={"username": "operator", "password": PASSWORD}
        )
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
        assert "Too many failed logins" in refused.json()["detail"]
        # Another user from the same client is not locked out by that.
        other = await limited.post(
            "/api/v1/login", json={"username": "viewer", "password": PASSWORD}
        )
        assert other.status_code == 200


async def test_login_is_rate_limited_per_client(dsn, chancy):
    app = web_app(dsn, login_failures_per_user=100, login_failures_per_client=4)
    async with AsyncTestClient(app) as limited:
        async with chancy.pool.connection() as conn:
            await conn.execute(
                sql.SQL("DELETE FROM {}").format(
                    sql.Identifier(f"{chancy.prefix}web_login_failures")
                )
            )
        for name in ("u1", "u2", "u3", "u4"):
            bad = await limited.post("/api/v1/login", json={"username": name, "password": "x"})
            assert bad.status_code == 401
        refused = await limited.post(
            "/api/v1/login", json={"username": "admin", "password": PASSWORD}
        )
        assert refused.status_code == 429


async def test_viewer_cannot_act(client, chancy):
    job_id = await make_job(chancy, state="failed", queue="roles")
    viewer = await login(client, "viewer")
    response = await client.post(f"/api/v1/jobs/{job_id}/retry", headers=viewer)
    assert response.status_code == 403
    assert response.json()["detail"] == "This action needs the operator role"
    operator = await login(client, "operator")
    assert (await client.post(f"/api/v1/jobs/{job_id}/retry", headers=operator)).status_code == 200


class HeaderBackend(AuthBackend):
    """A reverse proxy that has already authenticated the user sets X-Remote-User."""

    async def login(self, request, username, password) -> bool:
        return False

    async def authenticate(self, connection) -> User | None:
        name = connection.headers.get("x-remote-user")
        return User(username=name, role=Role.VIEWER) if name else None


async def test_a_custom_backend_can_authenticate_requests(dsn, chancy):
    app = web_app(dsn, backend=HeaderBackend())
    async with AsyncTestClient(app) as proxied:
        assert (await proxied.get("/api/v1/session")).status_code == 401
        response = await proxied.get("/api/v1/session", headers={"X-Remote-User": "sso-user"})
        assert response.status_code == 200
        assert response.json() == {
            "username": "sso-user",
            "role": "viewer",
            "csrf_token": None,
            "expires_at": None,
        }


def test_create_app_refuses_to_run_without_an_auth_backend(chancy):
    with pytest.raises(TypeError, match="authentication_backend"):
        create_app(chancy, authentication_backend=None)  # type: ignore[arg-type]


async def test_a_session_revoked_elsewhere_ends_within_the_cache_time(dsn, chancy):
    async with AsyncTestClient(web_app(dsn, session_cache_s=0.5)) as replica:
        headers = await login(replica)
        assert (await replica.get("/api/v1/session", headers=headers)).status_code == 200
        # Another replica logs the session out: only the database knows.
        token = headers["Authorization"].split()[1]
        async with chancy.pool.connection() as conn:
            await conn.execute(
                sql.SQL("DELETE FROM {} WHERE token_hash = sha256(convert_to(%s, 'UTF8'))").format(
                    sql.Identifier(f"{chancy.prefix}web_sessions")
                ),
                (token,),
            )
        await asyncio.sleep(0.6)
        assert (await replica.get("/api/v1/session", headers=headers)).status_code == 401
