"""Every route × every role, against the server, with the audit entry each mutation leaves.

The table below is the specification: the least role each operation needs. An operation the
server publishes that is missing here fails the test, so a new route cannot ship unreviewed.
"""

from __future__ import annotations

import uuid

import pytest
from psycopg import sql

from tests.conftest import login

PUBLIC, VIEWER, OPERATOR, ADMIN = "public", "viewer", "operator", "admin"
RANK = {None: 0, VIEWER: 1, OPERATOR: 2, ADMIN: 3}

#: operationId -> (least role, audited action name or None for reads)
REQUIRED = {
    "getHealth": (PUBLIC, None),
    "getReadiness": (PUBLIC, None),
    "getPrometheusMetrics": (VIEWER, None),  # or the metrics token, or public by setting
    "login": (PUBLIC, None),
    "logout": (PUBLIC, None),
    "getSession": (VIEWER, None),
    "listJobs": (VIEWER, None),
    "countJobs": (VIEWER, None),
    "listJobFunctions": (VIEWER, None),
    "suggestJobSearch": (VIEWER, None),
    "listViews": (VIEWER, None),
    "createView": (VIEWER, "view.create"),
    "deleteView": (VIEWER, "view.delete"),
    "getJob": (VIEWER, None),
    "listQueues": (VIEWER, None),
    "getQueue": (VIEWER, None),
    "listWorkers": (VIEWER, None),
    "getWorker": (VIEWER, None),
    "getConfiguration": (VIEWER, None),
    "getSystem": (VIEWER, None),
    "listPlugins": (VIEWER, None),
    "runJobBatch": (OPERATOR, "job.batch"),
    "createBulkOperation": (OPERATOR, "job.bulk"),  # purging: admin (tests/bulk)
    "listBulkOperations": (VIEWER, None),
    "getBulkOperation": (VIEWER, None),
    "cancelBulkOperation": (OPERATOR, "job.bulk.cancel"),
    "cloneJob": (OPERATOR, "job.clone"),
    "listJobClones": (VIEWER, None),
    "retryJob": (OPERATOR, "job.retry"),
    "cancelJob": (OPERATOR, "job.cancel"),
    "deleteJob": (OPERATOR, "job.delete"),
    "updateQueue": (OPERATOR, "queue.update"),
    "pauseQueue": (OPERATOR, "queue.pause"),
    "resumeQueue": (OPERATOR, "queue.resume"),
    "createQueue": (ADMIN, "queue.create"),
    "deleteQueue": (ADMIN, "queue.delete"),
    "listAuditEntries": (ADMIN, None),
    "streamEvents": (VIEWER, None),
    "listCrons": (VIEWER, None),
    "getCron": (VIEWER, None),
    "runCron": (OPERATOR, "cron.run"),
    "deleteCron": (ADMIN, "cron.delete"),
    "listWorkflows": (VIEWER, None),
    "getWorkflow": (VIEWER, None),
    "listMetrics": (VIEWER, None),
    "getMetrics": (VIEWER, None),
    "listSlowestJobs": (VIEWER, None),
    "listFailureGroups": (VIEWER, None),
    "getFailureGroup": (VIEWER, None),
    "resolveFailureGroup": (OPERATOR, "failure.resolve"),
    "ignoreFailureGroup": (OPERATOR, "failure.ignore"),
    "reopenFailureGroup": (OPERATOR, "failure.reopen"),
}

#: Harmless bodies: they name things that do not exist, so allowed calls change nothing
#: (except createQueue, which makes a throwaway queue with no worker).
BODIES = {
    "login": {"username": "nobody", "password": "x"},
    "runJobBatch": {"action": "retry", "ids": [str(uuid.uuid4())]},
    # An operation on no job: it is created (and audited), and finds nothing to do.
    "createBulkOperation": lambda: {"action": "retry", "q": f"id:{uuid.uuid4()}", "expected": 0},
    "cloneJob": {},
    "updateQueue": {"concurrency": 1},
    "pauseQueue": {},
    "createView": {"name": "matrix", "q": "state:failed"},
    "createQueue": lambda: {"name": f"matrix-{uuid.uuid4().hex[:8]}", "tags": []},
}


def _path(template: str) -> str:
    return (
        template.replace("{job_id}", str(uuid.uuid4()))
        .replace("{name}", "matrix-missing-queue")
        .replace("{worker_id}", "matrix-missing-worker")
        .replace("{unique_key}", "matrix-missing-cron")
        .replace("{workflow_id}", str(uuid.uuid4()))
        .replace("{op_id}", str(uuid.uuid4()))
        .replace("{prefix}", "global")
        .replace("{view_id}", "999999999")
        .replace("{fingerprint}", "0123456789abcdef")
    )


async def _operations(client):
    schema = (await client.get("/api/v1/schema/openapi.json")).json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation["operationId"]


async def _last_audit(chancy):
    """The newest entry a request wrote. Not the bulk runner's `job.bulk.finished`: a bulk
    operation the matrix created finishes in the background whenever it does, and its entry
    landed between a request and this read (CI, PostgreSQL 15)."""
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL(
                "SELECT id, username, action, outcome, status_code FROM {} "
                "WHERE action <> 'job.bulk.finished' ORDER BY id DESC LIMIT 1"
            ).format(sql.Identifier(f"{chancy.prefix}web_audit"))
        )
        return await cursor.fetchone()


async def test_every_published_operation_has_a_required_role(client):
    published = {op async for _, _, op in _operations(client)}
    assert published == set(REQUIRED), "update REQUIRED in tests/test_roles.py"


@pytest.mark.parametrize("role", [None, VIEWER, OPERATOR, ADMIN])
async def test_role_matrix_is_enforced_by_the_server_and_audited(client, chancy, role):
    headers = await login(client, role) if role else {}
    async for method, template, operation_id in _operations(client):
        needed, action = REQUIRED[operation_id]
        if operation_id in ("login", "logout"):
            continue  # public by design; logging out here would end the session under test
        body = BODIES.get(operation_id)
        body = body() if callable(body) else body
        # A valid stream never ends; a bad topic is refused after the guard has let it in.
        params = {"topics": "?"} if operation_id == "streamEvents" else None
        before = await _last_audit(chancy)
        response = await client.request(
            method, _path(template), json=body, headers=headers, params=params
        )
        status = response.status_code
        label = f"{role} {method} {template}"
        assert status < 500, label
        if needed == PUBLIC:
            assert status not in (401, 403), label
        elif role is None:
            assert status == 401, label
        elif RANK[role] < RANK[needed]:
            assert status == 403, label
            assert response.json()["detail"] == f"This action needs the {needed} role"
        else:
            assert status not in (401, 403), label
        if action is None:
            continue
        if role is None:  # nobody to name: not audited (see chancy_web.audit.recording)
            assert await _last_audit(chancy) == before, label
            continue
        _, username, logged_action, outcome, logged_status = await _last_audit(chancy)
        assert (username, logged_action, logged_status) == (role, action, status), label
        expected = "allowed" if status < 300 else "denied" if status in (401, 403) else "failed"
        assert outcome == expected, label


async def test_audit_log_is_admin_only_and_filterable(client, chancy):
    admin = await login(client, "admin")
    viewer = await login(client, "viewer")
    denied = await client.post(f"/api/v1/jobs/{uuid.uuid4()}/retry", headers=viewer)
    assert denied.status_code == 403
    page = await client.get(
        "/api/v1/audit",
        params={"username": "viewer", "outcome": "denied", "limit": 5},
        headers=admin,
    )
    assert page.status_code == 200
    entry = page.json()["items"][0]
    assert (entry["action"], entry["role"], entry["status_code"]) == ("job.retry", "viewer", 403)
    assert (await client.get("/api/v1/audit", headers=viewer)).status_code == 403


async def test_audit_pages_follow_the_cursor(client):
    admin = await login(client, "admin")
    for _ in range(3):
        await client.post(f"/api/v1/jobs/{uuid.uuid4()}/cancel", headers=admin)
    first = (await client.get("/api/v1/audit", params={"limit": 2}, headers=admin)).json()
    second = (
        await client.get(
            "/api/v1/audit", params={"limit": 2, "cursor": first["next_cursor"]}, headers=admin
        )
    ).json()
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4
    assert first["prev_cursor"] is None and second["prev_cursor"] is not None
    back = (
        await client.get(
            "/api/v1/audit", params={"limit": 2, "cursor": second["prev_cursor"]}, headers=admin
        )
    ).json()
    assert [e["id"] for e in back["items"]] == ids[:2]
    # An entry id, the cursor this list gave before it paged like the others, still pages.
    by_id = (
        await client.get("/api/v1/audit", params={"limit": 2, "cursor": str(ids[1])}, headers=admin)
    ).json()
    assert [e["id"] for e in by_id["items"]] == ids[2:4]
    bad = await client.get("/api/v1/audit", params={"cursor": "x"}, headers=admin)
    assert bad.status_code == 400
    jobs = await client.get(
        "/api/v1/jobs", params={"pagination": "true", "limit": 1}, headers=admin
    )
    job_cursor = jobs.json()["next_cursor"]
    if job_cursor is not None:  # a cursor of another list is refused
        wrong = await client.get("/api/v1/audit", params={"cursor": job_cursor}, headers=admin)
        assert wrong.status_code == 400
