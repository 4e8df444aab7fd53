"""A page's first data in its HTML (chancy_web.spa.inline), over real HTTP on a real database:
only for a valid session, that session's own, the API's very bytes, escaped for the HTML, never
kept for another request, and never waited for past its budget."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from chancy import Chancy
from litestar import Litestar, asgi

from chancy_web import Settings, create_app
from chancy_web.context import web_context
from chancy_web.spa import inline
from chancy_web.spa.inline import FOLLOWS, escape_json
from chancy_web.spa.serve import BASE_PLACEHOLDER
from tests.conftest import PASSWORD, auth_backend, make_chancy, make_job, serving
from tests.helpers import eventually, unique

BOOT = "_app/immutable/boot.abc123.js"
# The build's shape: the boot script early in <head>, the app's mount point in <body>.
INDEX = f"""<!doctype html>
<html lang="en">
	<head>
		<meta charset="utf-8" />
		<script async src="{BASE_PLACEHOLDER}/{BOOT}"></script>
		<title>Chancy</title>
	</head>
	<body>
		<div id="app"></div>
	</body>
</html>
"""
HOSTILE = "</script><script>alert(1)</script> <!-- \u2028 & </SCRIPT>"


class Blocks(HTMLParser):
    """The page's data blocks, read as a browser's parser splits them out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: dict[str, str] = {}
        self.scripts = 0
        self._key: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
            found = dict(attrs)
            if found.get("type") == "application/json":
                self._key = found.get("data-early")

    def handle_data(self, data: str) -> None:
        if self._key is not None:
            self.blocks[self._key] = self.blocks.get(self._key, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._key = None


def blocks_of(page: str) -> dict[str, str]:
    parser = Blocks()
    parser.feed(page)
    return parser.blocks


@pytest.fixture(scope="module")
def static_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("static")
    (root / "_app" / "immutable").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / BOOT).write_text("")
    return root


def app_for(dsn: str, static_dir: Path, **settings: Any) -> Litestar:
    return create_app(
        make_chancy(dsn),
        authentication_backend=auth_backend(),
        static_dir=static_dir,
        settings=Settings(login_failures_per_user=1000, login_failures_per_client=1000, **settings),
    )


@pytest.fixture(scope="module")
async def web(dsn: str, chancy: Chancy, static_dir: Path) -> AsyncIterator[Litestar]:
    app = app_for(dsn, static_dir)
    async with serving(app) as url:
        app.state["url"] = url
        yield app


@asynccontextmanager
async def session_of(url: str, username: str = "admin") -> AsyncIterator[httpx.AsyncClient]:
    """A client logged in as `username` by the session cookie, as the browser is."""
    async with httpx.AsyncClient(base_url=url) as client:
        login = await client.post(
            "/api/v1/login", json={"username": username, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        yield client


async def test_a_logged_in_page_carries_the_apis_own_answers(web: Litestar, chancy: Chancy) -> None:
    queue = unique("inline")
    job = await make_job(chancy, queue=queue, state="failed")
    async with session_of(web.state["url"]) as client:
        page = await client.get(f"/jobs?queue={queue}")
        assert page.status_code == 200
        found = blocks_of(page.text)
        list_key = f"/api/v1/jobs?limit=50&pagination=true&queue={queue}&view=summary"
        assert set(found) == {"/api/v1/session?", list_key}
        api = await client.get(f"/api/v1/jobs?pagination=true&view=summary&limit=50&queue={queue}")
        assert found[list_key].encode() == escape_json(api.content)
        assert [j["id"] for j in json.loads(found[list_key])["items"]] == [str(job)]
        session = json.loads(found["/api/v1/session?"])
        assert (session["username"], session["role"]) == ("admin", "admin")

        detail = await client.get(f"/jobs/{job}")
        api = await client.get(f"/api/v1/jobs/{job}")
        assert blocks_of(detail.text)[f"/api/v1/jobs/{job}?"].encode() == escape_json(api.content)


async def test_each_session_gets_its_own_data_and_no_session_none(web: Litestar) -> None:
    url = web.state["url"]
    async with (
        session_of(url, "admin") as admin,
        session_of(url, "viewer") as viewer,
        httpx.AsyncClient(base_url=url) as anonymous,
    ):
        for client, role in ((admin, "admin"), (viewer, "viewer"), (admin, "admin")):
            found = blocks_of((await client.get("/jobs")).text)
            assert json.loads(found["/api/v1/session?"])["role"] == role
            assert any(key.startswith("/api/v1/jobs?") for key in found)
        # The same page right after, without a session: nothing of theirs, nothing at all.
        page = await anonymous.get("/jobs")
        assert page.status_code == 200
        assert blocks_of(page.text) == {}
        assert "/api/v1/" not in page.text
        # A session that has ended counts as none.
        token = viewer.cookies["chancy_web_session"]
        await viewer.post("/api/v1/logout")
    async with httpx.AsyncClient(base_url=url, cookies={"chancy_web_session": token}) as ended:
        assert (await ended.get("/api/v1/session")).status_code == 401
        assert blocks_of((await ended.get("/jobs")).text) == {}


async def test_job_arguments_cannot_break_out_of_the_data_block(
    web: Litestar, chancy: Chancy
) -> None:
    queue = unique("hostile")
    await make_job(chancy, queue=queue, kwargs={"note": HOSTILE})
    async with session_of(web.state["url"]) as client:
        page = (await client.get(f"/jobs?queue={queue}")).text
        api = await client.get(f"/api/v1/jobs?pagination=true&view=summary&limit=50&queue={queue}")
    assert HOSTILE[:30] in api.text  # the API itself sends it as it is, as JSON does
    assert "alert(1)" in page
    for text in ("<script>alert", "<!--", "\u2028", "</SCRIPT>"):
        assert text not in page, text
    parser = Blocks()
    parser.feed(page)
    assert parser.scripts == 3  # the boot script and two data blocks: nothing else became one
    (listed,) = (v for k, v in parser.blocks.items() if k.startswith("/api/v1/jobs?"))
    assert json.loads(listed) == api.json()
    assert HOSTILE in json.loads(listed)["items"][0]["kwargs_preview"]


async def test_the_page_is_sent_before_its_data_and_says_data_follows(web: Litestar) -> None:
    identity = {"Accept-Encoding": "identity"}
    async with (
        session_of(web.state["url"]) as client,
        client.stream("GET", "/jobs", headers=identity) as page,
    ):
        assert page.headers["cache-control"] == "no-store"
        chunks = [chunk async for chunk in page.aiter_bytes()]
    text = b"".join(chunks).decode()
    assert text.index(FOLLOWS.decode()) < text.index(BOOT) < text.index('<div id="app">')
    assert text.index('<div id="app">') < text.index("data-early") < text.index("</body>")
    assert text.rstrip().endswith("</html>")


async def test_answers_that_come_late_are_left_to_the_page(web: Litestar) -> None:
    ctx = web_context(web)
    async with session_of(web.state["url"]) as client:
        await client.get("/api/v1/session")  # who is logged in is cached: no database
        held = ctx.settings.max_db_connections
        for _ in range(held):
            await ctx.db_slots.acquire()  # and the list cannot get a connection
        try:
            page = await client.get("/jobs")
        finally:
            for _ in range(held):
                ctx.db_slots.release()
        assert page.status_code == 200
        assert set(blocks_of(page.text)) == {"/api/v1/session?"}
        assert page.text.rstrip().endswith("</html>")
    # The late request finishes by itself once it can; nothing is left behind.
    await eventually(lambda: not inline._LATE, "late first-data requests finished")


async def test_nothing_is_inlined_when_turned_off(
    dsn: str, chancy: Chancy, static_dir: Path
) -> None:
    app = app_for(dsn, static_dir, first_data_ms=0)
    async with serving(app) as url, session_of(url) as client:
        page = await client.get("/jobs", headers={"Accept-Encoding": "gzip"})
        assert page.headers["content-encoding"] == "gzip"
        assert blocks_of(page.text) == {}
        assert FOLLOWS.decode() not in page.text


async def test_a_mounted_app_inlines_under_its_prefix(
    dsn: str, chancy: Chancy, static_dir: Path
) -> None:
    inner = app_for(dsn, static_dir)
    pool = web_context(inner).chancy.pool

    async def open_pool() -> None:  # a mounted app's own lifespan does not run
        await pool.open()

    async def close_pool() -> None:
        await pool.close()

    host = Litestar(
        route_handlers=[asgi("/ops", is_mount=True, copy_scope=True)(inner)],
        on_startup=[open_pool],
        on_shutdown=[close_pool],
    )
    async with serving(host) as url, httpx.AsyncClient(base_url=url) as client:
        login = await client.post(
            "/ops/api/v1/login", json={"username": "admin", "password": PASSWORD}
        )
        assert login.status_code == 200
        page = await client.get("/ops/queues/a%2Fb", headers={"Accept-Encoding": "gzip"})
        assert f'src="/ops/{BOOT}"' in page.text
        assert json.loads(blocks_of(page.text)["/api/v1/session?"])["username"] == "admin"
        # A queue named "a/b" is routed as the browser's own request would be: not found.
        assert "/api/v1/queues/a%2Fb?" not in blocks_of(page.text)
        queues = await client.get("/ops/queues")
        api = await client.get("/ops/api/v1/queues")
        assert blocks_of(queues.text)["/api/v1/queues?"].encode() == escape_json(api.content)
