"""The extension point: API routes contributed by the Chancy app's plugins.

Each Chancy plugin may name an API plugin with `api_plugin()` (an import string). Chancy's own
cron, metrics and workflow plugins name Starlette classes of chancy 0.26's web plugin, so those
are served by chancy-web's own controllers instead. Any other name must import to a subclass of
`chancy_web.ApiPlugin`, which is instantiated with the `Api` plugin (None when chancy-web runs
standalone or embedded) and whose `routes()` may return:

- chancy 0.26-style `RouteT` dicts (`path` under `/api/v1/`, `endpoint(request, *, chancy, worker)`,
  `methods`, `name`, `is_websocket`). The endpoint's return annotation, when it is not a
  Starlette response, becomes the route's response schema. Safe methods need the viewer role,
  others the operator role.
- Litestar route handlers, controllers or routers, mounted under `/api/v1` like the built-in
  ones (so `@get("/billing")` serves `/api/v1/billing`); they set their own `opt["role"]`.

Every route sits behind the same authentication guard as the built-in routes, except a
Litestar handler with `opt={"exclude_from_auth": True}` (the core's login). Plugins are
visited in registration order, so the routes (and the OpenAPI document) are deterministic.

The core routes come the same way, from `chancy_web.CoreApiPlugin` or the one subclass of it
registered in its place (see `chancy_web.core`).
"""

from __future__ import annotations

import abc
import inspect
import logging
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from chancy import Chancy
from chancy.plugin import Plugin
from chancy.utils import import_string
from litestar import Controller, Request, Response, Router, WebSocket, route, websocket
from litestar.handlers import BaseRouteHandler
from litestar.response import Stream
from litestar.types import ControllerRouterHandler

from chancy_web.auth.backends import AuthBackend
from chancy_web.auth.guards import SAFE_METHODS
from chancy_web.auth.roles import Role
from chancy_web.context import Ctx
from chancy_web.crons.controller import CronController
from chancy_web.metrics.controller import MetricController
from chancy_web.settings import Settings
from chancy_web.types import AnyRequest, AnyWebSocket
from chancy_web.workflows.controller import WorkflowController

log = logging.getLogger("chancy_web")

#: Every API route is under this path; a RouteT's path starts with it.
API_PREFIX = "/api/v1"


class RouteT(typing.TypedDict):
    """A route of an `ApiPlugin`, as in chancy 0.26's web plugin."""

    path: str
    endpoint: Callable[..., Any]
    methods: list[str] | None
    name: str | None
    is_websocket: bool | None


class ApiPlugin(abc.ABC):
    """Adds endpoints to the API. `routes()` may also return Litestar handlers or controllers."""

    def __init__(self, api: ApiHost) -> None:
        self.api = api

    @abc.abstractmethod
    def name(self) -> str: ...

    def routes(self) -> Sequence[Any]:
        return []


#: A Litestar handler's `opt` flag for a route served without authentication (the login).
PUBLIC = "exclude_from_auth"


class ApiHost(Plugin):
    """What the extension point knows of the Chancy plugin that serves the API
    (`chancy_web.Api`, which derives from it): its identifier, chancy 0.26's web plugin's,
    its settings, and the API plugins registered on it."""

    port: int
    host: str
    debug: bool
    allow_origins: list[str]
    secret_key: str | None
    authentication_backend: AuthBackend
    settings: Settings
    #: API plugins to load besides those the app's plugins name (a CoreApiPlugin subclass
    #: here replaces the core); once loaded, every one of them, the core first.
    plugins: list[type[ApiPlugin]]

    @staticmethod
    def get_identifier() -> str:
        return "chancy.api"


def api_host(chancy: Chancy) -> ApiHost | None:
    """`chancy`'s API plugin, if it is chancy-web's (not the Starlette one of chancy 0.26)."""
    plugin = chancy.plugins.get(ApiHost.get_identifier())
    return plugin if isinstance(plugin, ApiHost) else None


#: chancy's own plugins, by identifier, and by the API plugin of chancy 0.26's web plugin they
#: name (which
#: catches subclasses that changed their identifier). `WorkflowPlugin`'s identifier is
#: `chancy.workflow_plugin`; `chancy.workflow` is accepted too.
BUILTIN: dict[str, type[Controller]] = {
    "chancy.cron": CronController,
    "chancy.metrics": MetricController,
    "chancy.workflow": WorkflowController,
    "chancy.workflow_plugin": WorkflowController,
    "chancy.plugins.cron.api.CronApiPlugin": CronController,
    "chancy.plugins.metrics.api.MetricsApiPlugin": MetricController,
    "chancy.plugins.workflow.api.WorkflowApiPlugin": WorkflowController,
}
#: Starlette path converters -> Litestar path parameter types.
PATH_TYPES = {"str": "str", "int": "int", "float": "float", "uuid": "uuid", "path": "path"}
_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


class ExtensionError(RuntimeError):
    """A plugin's API extension cannot be loaded; raised when the app is composed."""


def load_api_routes(
    api: ApiHost | None, chancy: Chancy, core: type[ApiPlugin]
) -> list[ControllerRouterHandler]:
    """The route handlers of the core plugin and of `chancy`'s plugins, for `/api/v1`.

    The API plugins are those on `api.plugins` and those the app's plugins name, in that
    order, with the core first: `core` (`chancy_web.CoreApiPlugin`), or the one subclass of
    it among them. Loaded, they are listed on `api.plugins`, as in chancy 0.26's web plugin.
    """
    routes: list[ControllerRouterHandler] = []
    classes: list[type[ApiPlugin]] = list(api.plugins) if api is not None else []
    for plugin in chancy.plugins.values():
        target = plugin.api_plugin()
        if not target:
            continue
        builtin = BUILTIN.get(plugin.get_identifier()) or BUILTIN.get(target)
        if builtin is not None:
            if builtin not in routes:
                routes.append(builtin)
            continue
        cls = _import(target, plugin)
        if not (isinstance(cls, type) and issubclass(cls, ApiPlugin)):
            # Chancy 0.26's web plugin skipped these silently; a Starlette ApiPlugin cannot run
            # here.
            log.warning(
                "Skipping %s from %s.api_plugin(): not a chancy_web.ApiPlugin subclass",
                target,
                type(plugin).__name__,
            )
            continue
        if cls not in classes:
            classes.append(cls)
    classes = _with_one_core(classes, core)
    for cls in classes:
        extension = cls(api)  # type: ignore[arg-type]  # None when standalone
        log.info("Loading API plugin %s", extension.name())
        for item in extension.routes():
            routes.extend(_handlers(extension, item))
    if api is not None:
        api.plugins = classes
    return routes


def _with_one_core(classes: list[type[ApiPlugin]], core: type[ApiPlugin]) -> list[type[ApiPlugin]]:
    """`classes` with exactly one core plugin, first: a subclass of `core` replaces it (and
    any subclass replaces the classes it derives from)."""
    cores = [c for c in classes if issubclass(c, core)]
    cores = [c for c in cores if not any(o is not c and issubclass(o, c) for o in cores)]
    if len(cores) > 1:
        names = ", ".join(f"{c.__module__}.{c.__qualname__}" for c in cores)
        raise ExtensionError(
            f"Only one core API plugin can serve the core routes, got {names}: "
            "make one a subclass of the other"
        )
    others = [c for c in classes if not issubclass(c, core)]
    return [cores[0] if cores else core, *others]


def is_public(handler: ControllerRouterHandler) -> bool:
    """Whether a route handler is served without authentication (the core's login)."""
    return isinstance(handler, BaseRouteHandler) and bool(handler.opt.get(PUBLIC))


def _import(target: str, plugin: object) -> Any:
    try:
        return import_string(target)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ExtensionError(
            f"{type(plugin).__name__}.api_plugin() names {target!r}, which cannot be "
            f"imported: {exc}"
        ) from exc


def _handlers(extension: ApiPlugin, item: Any) -> list[ControllerRouterHandler]:
    if isinstance(item, BaseRouteHandler | Router) or (
        isinstance(item, type) and issubclass(item, Controller)
    ):
        return [item]
    if isinstance(item, Mapping) and "path" in item and "endpoint" in item:
        return _from_route_t(extension, item)
    raise ExtensionError(
        f"API plugin {extension.name()!r} returned {item!r} from routes(): expected a RouteT "
        "dict, a Litestar route handler, a Controller or a Router"
    )


def _camel(*words: str) -> str:
    parts = [p for w in words for p in re.split(r"[^0-9A-Za-z]+", w) if p]
    return parts[0].lower() + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def _path(extension: ApiPlugin, path: str) -> str:
    if not path.startswith(f"{API_PREFIX}/"):
        raise ExtensionError(
            f"API plugin {extension.name()!r} route {path!r} must start with {API_PREFIX}/ "
            "(routes are served behind the API's authentication)"
        )

    def convert(match: re.Match[str]) -> str:
        kind = match[2] or "str"
        if kind not in PATH_TYPES:
            raise ExtensionError(f"Unsupported path parameter type {kind!r} in {path!r}")
        return f"{{{match[1]}:{PATH_TYPES[kind]}}}"

    return _PARAM.sub(convert, path.removeprefix(API_PREFIX))


def _from_route_t(extension: ApiPlugin, spec: Mapping[str, Any]) -> list[ControllerRouterHandler]:
    path = _path(extension, spec["path"])
    endpoint: Callable[..., Any] = spec["endpoint"]
    name = spec.get("name") or endpoint.__name__
    tags = [extension.name()]
    doc = inspect.getdoc(endpoint)
    if spec.get("is_websocket"):
        # Not in the OpenAPI document (it has no websockets); the guard still applies.
        return [websocket(path)(_websocket_endpoint(endpoint))]
    # Litestar refuses a HEAD handler with a body; Starlette added HEAD to GET routes itself.
    methods = [m.upper() for m in spec.get("methods") or ["GET"] if m.upper() != "HEAD"]
    handlers: list[ControllerRouterHandler] = []
    for method in methods:
        # One handler per method, so that each gets its own operation id.
        suffix = [method.lower()] if len(methods) > 1 else []
        role = Role.VIEWER if method in SAFE_METHODS else Role.OPERATOR
        handlers.append(
            route(
                path,
                http_method=[method],
                operation_id=_camel(extension.name(), name, *suffix),
                tags=tags,
                description=doc,
                opt={"role": role},
                status_code=200,
            )(_http_endpoint(endpoint))
        )
    return handlers


def _return_type(endpoint: Callable[..., Any]) -> Any:
    """The endpoint's return annotation if it describes the body, else Any."""
    try:
        hint = typing.get_type_hints(endpoint).get("return", Any)
    except Exception:  # unresolvable annotations only cost the schema its precision
        return Any
    module = getattr(hint, "__module__", "") or ""
    return Any if module.startswith("starlette") else hint


def _http_endpoint(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    async def handler(request: AnyRequest, ctx: Ctx) -> Any:
        result = endpoint(request, chancy=ctx.chancy, worker=ctx.worker)
        if inspect.isawaitable(result):
            result = await result
        return _from_starlette(result)

    handler.__annotations__ = {"request": Request, "ctx": Ctx, "return": _return_type(endpoint)}
    handler.__name__ = handler.__qualname__ = getattr(endpoint, "__name__", "endpoint")
    return handler


def _websocket_endpoint(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    async def handler(socket: AnyWebSocket, ctx: Ctx) -> None:
        await endpoint(socket, chancy=ctx.chancy, worker=ctx.worker)

    handler.__annotations__ = {"socket": WebSocket, "ctx": Ctx, "return": None}
    return handler


def _from_starlette(result: Any) -> Any:
    """A chancy 0.26-style endpoint's Starlette response as a Litestar one; anything else as is."""
    if not type(result).__module__.startswith("starlette"):
        return result
    headers = {
        k: v for k, v in result.headers.items() if k not in ("content-length", "content-type")
    }
    if hasattr(result, "body_iterator"):
        return Stream(
            result.body_iterator,
            status_code=result.status_code,
            media_type=result.media_type,
            headers=headers,
        )
    return Response(
        result.body, status_code=result.status_code, media_type=result.media_type, headers=headers
    )
