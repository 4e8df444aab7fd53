"""Suggestions for the search box, and the function list they share."""

from __future__ import annotations

import uuid

from chancy import Job
from litestar.testing import AsyncTestClient

from chancy_web.jobs.suggest import word_at
from tests.conftest import login, web_app


async def _suggest(client, headers, q: str, cursor: int | None = None):
    params = {"q": q} if cursor is None else {"q": q, "cursor": cursor}
    response = await client.get("/api/v1/jobs/suggest", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _apply(q: str, body, label: str) -> str:
    chosen = next(s for s in body["suggestions"] if s["label"] == label)
    return q[: body["replace"]["from"]] + chosen["insert"] + q[body["replace"]["to"] :]


def test_word_at_the_cursor():
    assert word_at("state:failed -kwar", 18).text == "kwar"
    assert word_at("(queue:em OR x)", 9).text == "queue:em"
    assert word_at("", 0).text == ""


async def test_qualifier_names(client, admin):
    body = await _suggest(client, admin, "state:failed st")
    labels = [s["label"] for s in body["suggestions"]]
    assert "state:" in labels and "started:" in labels
    assert _apply("state:failed st", body, "state:") == "state:failed state:"
    assert "kwargs." in [s["label"] for s in (await _suggest(client, admin, "kw"))["suggestions"]]
    assert _apply("dur", await _suggest(client, admin, "dur"), "duration:") == "duration:"


async def test_durations_offer_a_comparison_and_a_unit(client, admin):
    body = await _suggest(client, admin, "state:failed duration:")
    assert _apply("state:failed duration:", body, ">=1s") == "state:failed duration:>=1s"
    q = "duration:<1"
    body = await _suggest(client, admin, q)
    assert [s["label"] for s in body["suggestions"]] == ["100ms", "1s", "10s", "1m", "10m", "1h"]
    assert _apply(q, body, "10m") == "duration:<10m"


async def test_states_complete_the_last_item_of_a_list(client, admin):
    q = "state:failed,re"
    body = await _suggest(client, admin, q)
    assert [s["label"] for s in body["suggestions"]] == ["retrying"]
    assert _apply(q, body, "retrying") == "state:failed,retrying"


async def test_kwargs_keys_of_recent_jobs_nested(chancy, dsn):
    key = f"k{uuid.uuid4().hex[:6]}"
    await chancy.push(Job(func="app.x", queue="suggest", kwargs={key: {"email": "a", "id": 1}}))
    async with AsyncTestClient(web_app(dsn, functions_cache_s=0)) as client:
        admin = await login(client)
        q = f"queue:suggest kwargs.{key[:4]}"
        body = await _suggest(client, admin, q)
        assert _apply(q, body, f"kwargs.{key}") == f"queue:suggest kwargs.{key}:"
        body = await _suggest(client, admin, f"kwargs.{key}.em")
        assert [s["label"] for s in body["suggestions"]] == [f"kwargs.{key}.email"]


async def test_queue_and_function_values_with_the_cursor_inside(chancy, dsn):
    func = f"app.suggest.f{uuid.uuid4().hex[:6]}"
    await chancy.push(Job(func=func, queue="suggest"))
    async with AsyncTestClient(web_app(dsn, functions_cache_s=0)) as client:
        headers = await login(client)
        q = "func:~suggest.f state:failed"
        body = await _suggest(client, headers, q, cursor=len("func:~sugg"))
        assert _apply(q, body, func) == f"func:~{func} state:failed"
        body = await _suggest(client, headers, "queue:tes")
        assert "test" in [s["label"] for s in body["suggestions"]]
        # A bare word offers the functions that contain it.
        body = await _suggest(client, headers, func[-8:])
        assert f"func:{func}" in [s["insert"] for s in body["suggestions"]]


async def test_function_list_is_distinct_and_sorted_from_the_index(chancy, dsn):
    funcs = [f"app.list.{uuid.uuid4().hex[:6]}" for _ in range(3)]
    for func in funcs * 2:
        await chancy.push(Job(func=func, queue="suggest"))
    async with AsyncTestClient(web_app(dsn, functions_cache_s=0)) as client:
        response = await client.get("/api/v1/jobs/functions", headers=await login(client))
    names = response.json()
    assert names == sorted(set(names)) and set(funcs) <= set(names)
