"""CoreApiPlugin: the core routes as an ApiPlugin, and subclasses that change what they serve."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from chancy import Chancy
from chancy.plugin import Plugin
from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.testing import AsyncTestClient

import chancy_web
from chancy_web import Api, CoreApiPlugin, create_app
from chancy_web.context import Ctx
from chancy_web.extensions import ExtensionError, load_api_routes
from chancy_web.jobs.controller import JobList
from chancy_web.jobs.filters import JobFilter
from chancy_web.query.filters import Condition
from tests.conftest import auth_backend, free_port, login, make_chancy, make_job

VISIBLE_QUEUE = f"visible-{uuid.uuid4().hex[:6]}"
HIDDEN_QUEUE = f"hidden-{uuid.uuid4().hex[:6]}"


class OneQueueCore(CoreApiPlugin):
    """A deployment whose dashboard lists only one queue's jobs."""

    async def get_jobs(
        self,
        ctx: Ctx,
        request: Request,  # type: ignore[type-arg]
        job_filter: NamedDependency[JobFilter],
    ) -> Response[JobList]:
        only = Condition("queue", "=", VISIBLE_QUEUE)
        scoped = dataclasses.replace(job_filter, conditions=(*job_filter.conditions, only))
        return await super().get_jobs(ctx, request, scoped)


class OtherCore(CoreApiPlugin):
    pass


class NamesOneQueueCore(Plugin):
    @staticmethod
    def get_identifier() -> str:
        return "example.one_queue"

    def api_plugin(self) -> str | None:
        return "tests.test_core_plugin.OneQueueCore"


@asynccontextmanager
async def client_of(chancy: Chancy, settings: Any) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    app = create_app(chancy, authentication_backend=auth_backend(), settings=settings)
    async with AsyncTestClient(app) as client:
        yield client


def test_the_core_plugin_is_the_reference_cores_and_exported():
    assert "CoreApiPlugin" in chancy_web.__all__
    core = CoreApiPlugin(None)  # type: ignore[arg-type]
    assert core.name() == "base"
    paths = {(next(iter(r.http_methods)), r.paths.pop()) for r in core.routes()}
    assert paths == {
        ("GET", "/configuration"),
        ("GET", "/jobs"),
        ("GET", "/jobs/{job_id:uuid}"),
        ("GET", "/queues"),
        ("GET", "/workers"),
        ("POST", "/login"),
    }


def test_the_core_is_loaded_first_and_listed_on_the_api_plugin():
    api = Api(authentication_backend=auth_backend())
    app = Chancy("postgresql:///unused", plugins=[api], no_default_plugins=True)
    load_api_routes(api, app, CoreApiPlugin)
    assert api.plugins == [CoreApiPlugin]


@pytest.mark.parametrize("registered", ["on the Api plugin", "by a Chancy plugin"])
async def test_a_core_subclass_changes_what_its_route_serves(dsn, chancy, settings, registered):
    visible = await make_job(chancy, queue=VISIBLE_QUEUE)
    hidden = await make_job(chancy, queue=HIDDEN_QUEUE)
    api = Api(authentication_backend=auth_backend(), port=free_port())
    if registered == "on the Api plugin":
        api.plugins.append(OneQueueCore)
        app_chancy = make_chancy(dsn, api)
    else:
        app_chancy = make_chancy(dsn, api, NamesOneQueueCore())

    async with client_of(app_chancy, settings) as client:
        viewer = await login(client, "viewer")  # the core's login, still public
        listed = await client.get("/api/v1/jobs", params={"pagination": "true"}, headers=viewer)
        assert listed.status_code == 200, listed.text
        assert {row["queue"] for row in listed.json()["items"]} == {VISIBLE_QUEUE}
        bare = await client.get("/api/v1/jobs", params={"queue": HIDDEN_QUEUE}, headers=viewer)
        assert bare.json() == []
        # The other core routes are the base's, and the hidden job is still reachable by id.
        detail = await client.get(f"/api/v1/jobs/{hidden}", headers=viewer)
        assert detail.json()["id"] == str(hidden)
        assert listed.json()["items"][0]["id"] == str(visible)
        # Still behind authentication, under the same operation.
        assert (await client.get("/api/v1/jobs")).status_code == 401
        schema = (await client.get("/api/v1/schema/openapi.json", headers=viewer)).json()
        assert schema["paths"]["/api/v1/jobs"]["get"]["operationId"] == "listJobs"
    assert api.plugins == [OneQueueCore]


def test_two_unrelated_core_subclasses_are_refused():
    api = Api(authentication_backend=auth_backend())
    api.plugins += [OneQueueCore, OtherCore]
    app = Chancy("postgresql:///unused", plugins=[api], no_default_plugins=True)
    with pytest.raises(ExtensionError, match="Only one core API plugin"):
        load_api_routes(api, app, CoreApiPlugin)


def test_a_subclass_of_a_core_subclass_replaces_both():
    class Narrower(OneQueueCore):
        pass

    api = Api(authentication_backend=auth_backend())
    api.plugins += [OneQueueCore, Narrower]
    app = Chancy("postgresql:///unused", plugins=[api], no_default_plugins=True)
    load_api_routes(api, app, CoreApiPlugin)
    assert api.plugins == [Narrower]
