"""Workflows through the API: real workflows run by the real WorkflowPlugin on a real worker."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from chancy import Chancy, Job
from chancy.plugins.workflow import Workflow, WorkflowPlugin

from tests.conftest import login
from tests.workflows.conftest import IDLE_QUEUE, WORKFLOW_QUEUE

STATE_COUNTS = ("pending", "running", "succeeded", "failed", "retrying")


def step(func: str = "succeed", queue: str = WORKFLOW_QUEUE, **kwargs: Any) -> Job:
    return Job(func=f"tests.job_functions.{func}", queue=queue, kwargs=kwargs)


def diamond(name: str, *, last: Job | None = None, queue: str = WORKFLOW_QUEUE) -> Workflow:
    """fetch -> (resize, tag) -> publish"""
    return (
        Workflow(name)
        .add("fetch", step(queue=queue))
        .add_group([("resize", step(queue=queue)), ("tag", step(queue=queue))], ["fetch"])
        .add("publish", last or step(queue=queue), ["resize", "tag"])
    )


async def list_workflows(client, headers, **params: Any) -> Any:
    response = await client.get("/api/v1/workflows", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def by_name(client, headers, name: str) -> dict[str, Any]:
    body = await list_workflows(client, headers, filters=json.dumps([["name", "=", name]]))
    [row] = body
    return row


async def test_a_workflow_runs_to_completion_and_reads_back_through_the_api(
    workflow_client, workflow_chancy, workflow_worker
):
    name = f"diamond-{uuid.uuid4().hex[:6]}"
    workflow_id = await WorkflowPlugin.push(workflow_chancy, diamond(name))
    done = await WorkflowPlugin.wait_for_workflow(
        workflow_chancy, workflow_id, interval=0.2, timeout=30
    )
    assert done.state == Workflow.State.COMPLETED

    viewer = await login(workflow_client, "viewer")
    row = await by_name(workflow_client, viewer, name)
    assert (row["id"], row["state"]) == (str(workflow_id), "completed")
    assert (row["total_steps"], row["succeeded_steps"], row["waiting_steps"]) == (4, 4, 0)

    response = await workflow_client.get(f"/api/v1/workflows/{workflow_id}", headers=viewer)
    assert response.status_code == 200
    detail = response.json()
    assert list(detail["steps"]) == ["fetch", "publish", "resize", "tag"]
    publish = detail["steps"]["publish"]
    assert publish["dependencies"] == ["resize", "tag"]
    assert publish["state"] == "succeeded" and publish["job_id"]
    assert publish["job"]["func"] == "tests.job_functions.succeed"
    assert publish["job"]["limits"] == []
    assert {s: v["level"] for s, v in detail["steps"].items()} == {
        "fetch": 0,
        "resize": 1,
        "tag": 1,
        "publish": 2,
    }
    assert detail["edges"] == [
        {"source": "fetch", "target": "resize"},
        {"source": "fetch", "target": "tag"},
        {"source": "resize", "target": "publish"},
        {"source": "tag", "target": "publish"},
    ]
    # Timing for the step timeline: a step starts after its dependencies completed.
    runs = {s: v["run"] for s, v in detail["steps"].items()}
    started = datetime.fromisoformat(runs["publish"]["started_at"])
    assert started >= datetime.fromisoformat(runs["resize"]["completed_at"])
    assert started >= datetime.fromisoformat(runs["tag"]["completed_at"])
    assert runs["fetch"]["attempts"] == 1 and runs["fetch"]["error"] is None


async def test_a_failed_step_fails_the_workflow_and_its_counts_say_so(
    workflow_client, workflow_chancy, workflow_worker
):
    name = f"failing-{uuid.uuid4().hex[:6]}"
    workflow = (
        Workflow(name)
        .add("ok", step())
        .add("broken", step("fail", message="no thumbnails"), ["ok"])
        .add("after", step(), ["broken"])
    )
    workflow_id = await WorkflowPlugin.push(workflow_chancy, workflow)
    done = await WorkflowPlugin.wait_for_workflow(
        workflow_chancy, workflow_id, interval=0.2, timeout=30
    )
    assert done.state == Workflow.State.FAILED

    admin = await login(workflow_client)
    row = await by_name(workflow_client, admin, name)
    assert row["state"] == "failed"
    assert {k: row[f"{k}_steps"] for k in ("total", "waiting", *STATE_COUNTS)} == {
        "total": 3,
        "waiting": 1,
        "pending": 0,
        "running": 0,
        "succeeded": 1,
        "failed": 1,
        "retrying": 0,
    }
    detail = (await workflow_client.get(f"/api/v1/workflows/{workflow_id}", headers=admin)).json()
    assert detail["steps"]["broken"]["run"]["error"] == "ValueError: no thumbnails"
    assert detail["steps"]["after"] | {"job": None} == {
        "step_id": "after",
        "job": None,
        "dependencies": ["broken"],
        "state": None,
        "job_id": None,
        "level": 2,
        "run": None,
    }


async def push_idle(chancy: Chancy, prefix: str, count: int) -> list[str]:
    """Workflows whose steps wait on a queue nobody works, newest first."""
    ids = [
        str(await WorkflowPlugin.push(chancy, diamond(f"{prefix}-{i}", queue=IDLE_QUEUE)))
        for i in range(count)
    ]
    return ids[::-1]


async def test_pages_follow_each_other_without_gaps_or_duplicates(workflow_client, workflow_chancy):
    prefix = f"paged-{uuid.uuid4().hex[:6]}"
    ids = await push_idle(workflow_chancy, prefix, 5)
    admin = await login(workflow_client)
    params = {"name": prefix, "limit": 2, "pagination": "true"}
    seen, cursor, pages = [], None, []
    while True:
        page = await list_workflows(
            workflow_client, admin, **params, **({"cursor": cursor} if cursor else {})
        )
        pages.append(page)
        seen += [row["id"] for row in page["items"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert seen == ids
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert pages[0]["prev_cursor"] is None and pages[-1]["next_cursor"] is None
    # And back from the last page to the one before it.
    back = await list_workflows(workflow_client, admin, **params, cursor=pages[-1]["prev_cursor"])
    assert [row["id"] for row in back["items"]] == ids[2:4]


async def test_before_keeps_the_reference_id_paging_and_bare_array(
    workflow_client, workflow_chancy
):
    prefix = f"before-{uuid.uuid4().hex[:6]}"
    ids = await push_idle(workflow_chancy, prefix, 3)
    admin = await login(workflow_client)
    body = await list_workflows(workflow_client, admin, name=prefix, before=ids[0])
    assert [row["id"] for row in body] == ids[1:]
    # Reference clients echo next_cursor into before.
    first = await list_workflows(workflow_client, admin, name=prefix, limit=1, pagination="true")
    second = await list_workflows(
        workflow_client, admin, name=prefix, limit=1, before=first["next_cursor"]
    )
    assert [row["id"] for row in second] == ids[1:2]


async def test_filters_by_state_and_name(workflow_client, workflow_chancy):
    prefix = f"Filter_{uuid.uuid4().hex[:6]}"
    [workflow_id] = await push_idle(workflow_chancy, prefix, 1)
    admin = await login(workflow_client)

    def ids(body):
        return [row["id"] for row in body]

    contains = json.dumps([["name", "~", prefix.lower()]])
    assert ids(await list_workflows(workflow_client, admin, filters=contains)) == [workflow_id]
    # `_` is a character, not a LIKE wildcard.
    wildcard = json.dumps([["name", "~", prefix.replace("_", "x")]])
    assert ids(await list_workflows(workflow_client, admin, filters=wildcard)) == []
    completed = json.dumps([["name", "~", prefix], ["state", "=", "completed"]])
    assert ids(await list_workflows(workflow_client, admin, filters=completed)) == []
    row = (await list_workflows(workflow_client, admin, name=prefix))[0]
    by_state = await list_workflows(workflow_client, admin, name=prefix, state=row["state"])
    assert ids(by_state) == [workflow_id]


async def test_bad_filters_are_400_with_the_reference_messages(workflow_client):
    admin = await login(workflow_client)
    for filters, message in (
        ("nope", "Invalid JSON in filters parameter"),
        ("{}", "filters must be an array"),
        ('[["name", "="]]', "Each filter must be [key, operator, value]"),
        ('[["queue", "=", "x"]]', "Unknown filter field: queue"),
        ('[["state", "~", "run"]]', "Operator '~' not allowed for field 'state'"),
        ('[["state", "=", "done"]]', "Invalid value 'done' for filter field 'state'"),
    ):
        response = await workflow_client.get(
            "/api/v1/workflows", params={"filters": filters}, headers=admin
        )
        assert response.status_code == 400, filters
        assert response.json()["detail"].startswith(message), response.json()
    for params in ({"limit": 0}, {"cursor": "garbage"}, {"before": "x", "cursor": "y"}):
        response = await workflow_client.get("/api/v1/workflows", params=params, headers=admin)
        assert response.status_code == 400, params


async def test_a_missing_workflow_is_json_404(workflow_client):
    admin = await login(workflow_client)
    for path in (f"/api/v1/workflows/{uuid.uuid4()}", "/api/v1/workflows/not-a-uuid"):
        response = await workflow_client.get(path, headers=admin)
        assert response.status_code == 404, path
        assert response.json()["status_code"] == 404
