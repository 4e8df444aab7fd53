"""The extension point: chancy's own plugins map to our controllers, others add their routes."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from chancy import Chancy
from chancy.plugin import Plugin
from chancy.plugins.cron import Cron
from chancy.plugins.metrics import Metrics
from chancy.plugins.workflow import WorkflowPlugin
from litestar import Litestar, get
from litestar.exceptions import ImproperlyConfiguredException
from starlette.responses import JSONResponse

from chancy_web import ApiPlugin, CoreApiPlugin, create_app
from chancy_web.crons.controller import CronController
from chancy_web.extensions import ExtensionError, load_api_routes
from chancy_web.metrics.controller import MetricController
from chancy_web.workflows.controller import WorkflowController
from tests.conftest import auth_backend, login
from tests.helpers import plugin_client


def plugin_app(chancy: Chancy, **kwargs: Any) -> Litestar:
    """chancy-web for `chancy`, with the routes of its plugins.

    Until `create_app` loads them itself, they go in through `extra_route_handlers`; once it
    does, passing them again is a duplicate route, and the app it builds is the one we want.
    """
    kwargs.setdefault("authentication_backend", auth_backend())
    try:
        return create_app(
            chancy, extra_route_handlers=load_api_routes(None, chancy, CoreApiPlugin), **kwargs
        )
    except ImproperlyConfiguredException:
        return create_app(chancy, **kwargs)


# A third-party plugin: a Chancy plugin naming its API plugin, which returns one typed
# reference-style route, one Starlette-style route and one Litestar handler.


class Invoice(msgspec.Struct, kw_only=True):
    number: str
    total_cents: int
    queue_count: int


class BillingApi(ApiPlugin):
    def name(self) -> str:
        return "billing"

    def routes(self) -> list[Any]:
        return [
            {
                "path": "/api/v1/billing/invoices/{number}",
                "endpoint": self.get_invoice,
                "methods": ["GET"],
                "name": "get_invoice",
                "is_websocket": False,
            },
            {
                "path": "/api/v1/billing/legacy",
                "endpoint": self.legacy,
                "methods": ["GET", "HEAD", "POST"],
                "name": "legacy",
            },
            {
                "path": "/api/v1/billing/live",
                "endpoint": self.live,
                "name": "live",
                "is_websocket": True,
            },
            get_billing_status,
        ]

    @staticmethod
    async def get_invoice(request: Any, *, chancy: Chancy, worker: Any) -> Invoice:
        """One invoice."""
        queues = await chancy.get_all_queues()
        return Invoice(
            number=request.path_params["number"], total_cents=4200, queue_count=len(queues)
        )

    @staticmethod
    async def legacy(request: Any, *, chancy: Chancy, worker: Any) -> JSONResponse:
        return JSONResponse({"method": request.method, "worker": worker}, status_code=202)

    @staticmethod
    async def live(websocket: Any, *, chancy: Chancy, worker: Any) -> None:
        await websocket.accept()
        await websocket.send_json({"prefix": chancy.prefix})
        await websocket.close()


@get("/billing/status", operation_id="getBillingStatus", tags=["billing"])
async def get_billing_status() -> dict[str, str]:
    return {"status": "ok"}


class Billing(Plugin):
    @staticmethod
    def get_identifier() -> str:
        return "example.billing"

    def api_plugin(self) -> str | None:
        return "tests.test_extensions.BillingApi"


class NamesAMissingModule(Plugin):
    @staticmethod
    def get_identifier() -> str:
        return "example.broken"

    def api_plugin(self) -> str | None:
        return "tests.no_such_module.Api"


class NamesAStarlettePlugin(Plugin):
    @staticmethod
    def get_identifier() -> str:
        return "example.starlette"

    def api_plugin(self) -> str | None:
        return "chancy.plugins.api.core.CoreApiPlugin"


def without_core(routes: list[Any]) -> list[Any]:
    """The routes besides the core plugin's (which every app serves)."""
    core = {h.operation_id for h in CoreApiPlugin(None).routes()}  # type: ignore[arg-type]
    return [r for r in routes if getattr(r, "operation_id", None) not in core]


def test_chancy_plugins_map_to_our_controllers_in_registration_order():
    app = Chancy("postgresql:///unused", plugins=[WorkflowPlugin(), Cron(), Metrics()])
    routes = without_core(load_api_routes(None, app, CoreApiPlugin))
    assert routes == [WorkflowController, CronController, MetricController]


def test_default_plugins_give_workflows_and_metrics_but_not_crons():
    routes = without_core(load_api_routes(None, Chancy("postgresql:///unused"), CoreApiPlugin))
    assert set(routes) == {WorkflowController, MetricController}


def test_a_plugin_naming_a_missing_module_fails_at_start_up():
    app = Chancy("postgresql:///unused", plugins=[NamesAMissingModule()], no_default_plugins=True)
    with pytest.raises(ExtensionError, match="NamesAMissingModule.api_plugin.*cannot be imported"):
        load_api_routes(None, app, CoreApiPlugin)


def test_a_plugin_naming_something_else_than_an_api_plugin_is_skipped():
    app = Chancy("postgresql:///unused", plugins=[NamesAStarlettePlugin()], no_default_plugins=True)
    assert without_core(load_api_routes(None, app, CoreApiPlugin)) == []


class OutsideApi(BillingApi):
    def routes(self) -> list[Any]:
        return [{"path": "/billing", "endpoint": self.get_invoice, "methods": ["GET"]}]


class Outside(Billing):
    def api_plugin(self) -> str | None:
        return "tests.test_extensions.OutsideApi"


def test_routes_outside_the_api_are_refused():
    app = Chancy("postgresql:///unused", plugins=[Outside()], no_default_plugins=True)
    with pytest.raises(ExtensionError, match="must start with /api/v1/"):
        load_api_routes(None, app, CoreApiPlugin)


def test_custom_routes_are_in_the_openapi_schema_with_their_types():
    app = Chancy("postgresql:///unused", plugins=[Billing()], no_default_plugins=True)
    schema = plugin_app(app).openapi_schema.to_schema()
    invoice = schema["paths"]["/api/v1/billing/invoices/{number}"]["get"]
    assert invoice["operationId"] == "billingGetInvoice"
    assert invoice["tags"] == ["billing"]
    assert invoice["description"] == "One invoice."
    assert invoice["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Invoice"
    }
    assert set(schema["components"]["schemas"]["Invoice"]["properties"]) == {
        "number",
        "total_cents",
        "queue_count",
    }
    legacy = schema["paths"]["/api/v1/billing/legacy"]
    assert (legacy["get"]["operationId"], legacy["post"]["operationId"]) == (
        "billingLegacyGet",
        "billingLegacyPost",
    )
    assert schema["paths"]["/api/v1/billing/status"]["get"]["operationId"] == "getBillingStatus"


async def test_custom_routes_answer_behind_authentication(dsn, chancy, settings):
    async with plugin_client(dsn, Billing(), settings=settings) as client:
        assert (await client.get("/api/v1/billing/invoices/A-1")).status_code == 401
        viewer = await login(client, "viewer")
        response = await client.get("/api/v1/billing/invoices/A-1", headers=viewer)
        assert response.status_code == 200, response.text
        assert response.json()["number"] == "A-1"
        assert response.json()["total_cents"] == 4200
        assert response.json()["queue_count"] >= 1

        # A Starlette response from a reference endpoint; worker is None when standalone.
        legacy = await client.get("/api/v1/billing/legacy", headers=viewer)
        assert (legacy.status_code, legacy.json()) == (202, {"method": "GET", "worker": None})
        # Unsafe methods of reference routes need the operator role.
        assert (await client.post("/api/v1/billing/legacy", headers=viewer)).status_code == 403
        operator = await login(client, "operator")
        posted = await client.post("/api/v1/billing/legacy", headers=operator)
        assert (posted.status_code, posted.json()["method"]) == (202, "POST")

        status = await client.get("/api/v1/billing/status", headers=viewer)
        assert status.json() == {"status": "ok"}

        with await client.websocket_connect("/api/v1/billing/live", headers=viewer) as socket:
            assert socket.receive_json() == {"prefix": "chancy_"}


def test_loaded_plugins_are_listed_on_the_api_plugin():
    from chancy_web import Api

    api = Api(authentication_backend=auth_backend())
    app = Chancy("postgresql:///unused", plugins=[Billing()], no_default_plugins=True)
    load_api_routes(api, app, CoreApiPlugin)
    load_api_routes(api, app, CoreApiPlugin)
    assert api.plugins == [CoreApiPlugin, BillingApi]
