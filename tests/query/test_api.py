"""`q=` on the job list and the counts, over HTTP: ANDed with the other filters, positioned
400s, what was searched, and the summary's argument preview."""

from __future__ import annotations

import uuid
from datetime import timedelta

from chancy import Chancy, Job
from litestar.testing import AsyncTestClient

from tests.conftest import login, make_job, run_job, run_times, web_app


def unique_queue() -> str:
    return f"sq-{uuid.uuid4().hex[:8]}"


async def _push(chancy: Chancy, queue: str, **kwargs: object) -> str:
    ref = await chancy.push(Job(func="app.tasks.send_email", queue=queue, kwargs=kwargs))
    return str(ref.identifier)


async def _page(client, headers, **params):
    response = await client.get(
        "/api/v1/jobs", params={"pagination": "true", **params}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_q_finds_jobs_by_an_argument(client, admin, chancy):
    queue = unique_queue()
    wanted = await _push(chancy, queue, to="user24@example.invalid", n=1)
    await _push(chancy, queue, to="user25@example.invalid", n=2)
    body = await _page(client, admin, q='kwargs.to:"user24@example.invalid"', queue=queue)
    assert [row["id"] for row in body["items"]] == [wanted]
    body = await _page(client, admin, q=f"queue:{queue} kwargs.n:2 OR kwargs.n:1 queue:{queue}")
    assert len(body["items"]) == 2


async def test_q_is_anded_with_state_queue_func_and_filters(client, admin, chancy):
    queue = unique_queue()
    failed = await make_job(chancy, state="failed", queue=queue, func="app.a.charge")
    await make_job(chancy, state="pending", queue=queue, func="app.a.charge")
    await make_job(chancy, state="failed", queue=unique_queue(), func="app.a.charge")
    await make_job(chancy, state="failed", queue=queue, func="app.b.refund")
    for params in (
        {"q": "charge", "state": "failed", "queue": queue},
        {"q": f"queue:{queue} state:failed", "func": "charge"},
        {"q": "func:~charge", "filters": f'[["queue", "=", "{queue}"], ["state", "=", "failed"]]'},
    ):
        body = await _page(client, admin, **params)
        assert [row["id"] for row in body["items"]] == [str(failed)], params


async def test_searched_says_what_an_indexed_search_covered(client, admin, chancy):
    body = await _page(client, admin, q="state:failed")
    assert body["searched"] == {
        "from": None, "to": None, "bounded": False, "timed_out": False, "size": None,
    }  # fmt: skip
    assert (await _page(client, admin))["searched"] is None


async def test_unindexed_search_is_bounded_to_the_newest_jobs(chancy, dsn):
    queue = unique_queue()
    older = await _push(chancy, queue, batch="bounded")
    newer = await _push(chancy, queue, batch="bounded")
    async with AsyncTestClient(web_app(dsn, search_window=1)) as client:
        headers = await login(client)
        body = await _page(client, headers, q="kwargs.batch:bounded")
        assert [row["id"] for row in body["items"]] == [newer]
        assert body["searched"] == {
            "from": newer, "to": newer, "bounded": True, "timed_out": False, "size": 1,
        }  # fmt: skip
        body = await _page(client, headers, q="kwargs.batch:bounded", search="all")
        assert [row["id"] for row in body["items"]] == [newer, older]
        assert body["searched"]["bounded"] is False


async def test_with_the_gin_index_setting_kwargs_equality_is_not_bounded(chancy, dsn):
    queue = unique_queue()
    older = await _push(chancy, queue, batch="indexed")
    newer = await _push(chancy, queue, batch="indexed")
    app = web_app(dsn, search_window=1, search_indexes=True)
    async with AsyncTestClient(app) as client:
        body = await _page(client, await login(client), q="kwargs.batch:indexed")
        assert [row["id"] for row in body["items"]] == [newer, older]
        assert body["searched"]["bounded"] is False


async def test_error_search_finds_the_failed_job(client, admin, chancy, worker):
    job_id = await run_job(chancy, "fail", message="upstream said 502 for order 17")
    body = await _page(client, admin, q='error:"502 for order 17" exception:ValueError')
    assert [row["id"] for row in body["items"]] == [str(job_id)]
    assert body["searched"]["bounded"] is True
    assert body["items"][0]["error"] == "ValueError: upstream said 502 for order 17"


async def test_duration_search_finds_the_job_that_ran_long(client, admin, chancy, worker):
    slow = str(await run_job(chancy, "sleep", seconds=0.4))
    quick = str(await run_job(chancy, "succeed"))
    times = await run_times(chancy, [slow, quick])
    # The slow one's run time in whole milliseconds: it matches, the quick one does not.
    threshold = times[slow] // timedelta(milliseconds=1)
    assert times[quick] < timedelta(milliseconds=threshold)
    q = f"id:{slow} OR id:{quick}"
    body = await _page(client, admin, q=f"({q}) duration:>={threshold}ms")
    assert [row["id"] for row in body["items"]] == [slow]
    assert body["searched"]["bounded"] is True
    body = await _page(client, admin, q=f"({q}) duration:<{threshold}ms")
    assert [row["id"] for row in body["items"]] == [quick]


async def test_a_query_that_does_not_parse_is_a_positioned_400(client, admin):
    for q, position, expected in (
        ("state:running duration:10s", 23, [">", "<", ">=", "<=", "a range (1s..5s)"]),
        ("duration:>10x", 10, ["a duration (250ms, 2s, 1.5m, 1h)"]),
        ("state:failed (queue:a", 21, [")", "OR", "a term"]),
        ("state:done", 6, ["pending", "running", "failed", "retrying", "succeeded"]),
        ('error:"open', 6, ['"']),
        ("colour:red", 0, None),
    ):
        for path in ("/api/v1/jobs", "/api/v1/jobs/counts"):
            response = await client.get(path, params={"q": q}, headers=admin)
            assert response.status_code == 400, (path, response.text)
            body = response.json()
            assert body["status_code"] == 400 and body["detail"]
            assert body["extra"]["position"] == position, (q, body)
            if expected is not None:
                assert body["extra"]["expected"] == expected


async def test_bare_array_lists_take_q_too(client, admin, chancy):
    queue = unique_queue()
    wanted = await _push(chancy, queue, k=1)
    await _push(chancy, queue, k=2)
    response = await client.get(
        "/api/v1/jobs", params={"q": f"queue:{queue} kwargs.k:1"}, headers=admin
    )
    assert [row["id"] for row in response.json()] == [wanted]


async def test_summary_rows_carry_a_bounded_kwargs_preview(client, admin, chancy):
    queue = unique_queue()
    small = await _push(chancy, queue, to="ada@example.com")
    big = await _push(chancy, queue, text="x" * 500)
    empty = await make_job(chancy, queue=queue)
    body = await _page(client, admin, q=f"queue:{queue}", view="summary")
    previews = {row["id"]: row["kwargs_preview"] for row in body["items"]}
    assert previews[small] == '{"to": "ada@example.com"}'
    assert len(previews[big]) == 120 and previews[big].endswith("…")
    assert previews[str(empty)] is None


async def test_counts_with_q_count_the_matching_jobs(client, admin, chancy):
    queue = unique_queue()
    await make_job(chancy, state="failed", queue=queue)
    await make_job(chancy, state="failed", queue=queue)
    await make_job(chancy, state="pending", queue=queue)
    response = await client.get(
        "/api/v1/jobs/counts", params={"q": f"queue:{queue}"}, headers=admin
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["by_queue"] == {
        queue: {"pending": 1, "running": 0, "failed": 2, "retrying": 0, "succeeded": 0}
    }
    assert body["by_state"]["failed"] == 2 and body["exact"] is True
    assert body["searched"]["bounded"] is False
    response = await client.get(
        "/api/v1/jobs/counts", params={"q": f"queue:{queue} error:x"}, headers=admin
    )
    assert response.json()["searched"]["bounded"] is True
    assert response.json()["by_queue"] == {}
