"""The audit log cannot be grown by strangers, and says what the client was told."""

from __future__ import annotations

import logging

from psycopg import sql

from chancy_web.audit.recording import MAX_TARGET_LENGTH
from chancy_web.validation import printable
from tests.conftest import login
from tests.helpers import unique


async def audit_rows(chancy, after_id: int = 0) -> list[tuple]:
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL(
                "SELECT id, username, action, target, outcome, status_code, detail FROM {} "
                "WHERE id > %s ORDER BY id"
            ).format(sql.Identifier(f"{chancy.prefix}web_audit")),
            (after_id,),
        )
        return await cursor.fetchall()


async def last_id(chancy) -> int:
    rows = await audit_rows(chancy)
    return rows[-1][0] if rows else 0


async def test_unauthenticated_mutations_write_no_audit_rows(client, chancy):
    before = await last_id(chancy)
    for method, path in (
        ("PATCH", "/api/v1/queues/" + "q" * 12_000),
        ("DELETE", "/api/v1/queues/anything"),
        ("POST", "/api/v1/jobs"),
    ):
        response = await client.request(method, path, json={})
        assert response.status_code == 401, path
    assert await audit_rows(chancy, before) == []


async def test_audited_targets_and_reasons_are_truncated(client, admin, chancy):
    before = await last_id(chancy)
    name = "q" * 5_000
    response = await client.patch(f"/api/v1/queues/{name}", json={"concurrency": 2}, headers=admin)
    assert response.status_code == 404
    [(_, username, action, target, outcome, status, detail)] = await audit_rows(chancy, before)
    assert (username, action, outcome, status) == ("admin", "queue.update", "failed", 404)
    assert len(target) == MAX_TARGET_LENGTH and name.startswith(target.removesuffix("…"))
    assert len(detail["reason"]) <= 500


async def test_the_status_recorded_is_the_one_the_client_got(client, admin, chancy):
    name = unique()
    await client.post("/api/v1/queues", json={"name": name}, headers=admin)
    before = await last_id(chancy)
    # Valid JSON Postgres cannot store: the handler's database error becomes a 400.
    response = await client.patch(
        f"/api/v1/queues/{name}", json={"executor_options": {"x": "\u0000"}}, headers=admin
    )
    assert response.status_code == 400
    [row] = await audit_rows(chancy, before)
    assert (row[4], row[5]) == ("failed", 400)


async def test_denied_attempts_by_a_known_user_are_still_audited(client, chancy):
    viewer = await login(client, "viewer")
    before = await last_id(chancy)
    response = await client.delete("/api/v1/queues/anything", headers=viewer)
    assert response.status_code == 403
    [row] = await audit_rows(chancy, before)
    assert (row[1], row[2], row[4], row[5]) == ("viewer", "queue.delete", "denied", 403)


async def test_a_forged_log_line_is_never_written(client, caplog):
    # The reproduction: a NUL made this path a 500, whose log line carried the
    # newline and what follows it as a line of its own.
    forged = "2026-12-01 19:59:59,000 WARNING chancy_web: FORGED admin logged in"
    caplog.set_level(logging.DEBUG, logger="chancy_web")
    for path in (f"/x%00%0a{forged}", f"/x%0a{forged}", f"/api/v1/jobs%0d%0a{forged}"):
        response = await client.get(path.replace(" ", "%20"))
        assert response.status_code < 500
    for record in caplog.records:
        message = record.getMessage()
        assert "\n" not in message and "\r" not in message and "\x00" not in message, message


def test_printable_escapes_every_control_character():
    assert printable("a\nb\r\x00\x1b[31m\x7f\x85\u2028ok é") == (
        "a\\nb\\r\\x00\\x1b[31m\\x7f\\x85\\u2028ok é"
    )
