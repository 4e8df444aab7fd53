"""The bounds every input is checked against, before anything else reads it, and an accurate
schema for what Litestar cannot infer.

- Paths with control characters are refused (a NUL would reach the file system or Postgres,
  a newline a log line).
- JSON, in bodies and in query parameters, is bounded in depth before it is parsed: the
  parsers recurse once per level.
- Times must convert to UTC within what both Python and Postgres hold.
- Litestar converts parameters and bodies leniently (`0` passes as `false`, `"5"` as `5`),
  which suits query strings but not JSON, whose types are already exact. Every JSON body is
  therefore decoded once more, strictly, against the handler's declared Struct.

Each refusal is a 400 like any other validation error.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

import msgspec
from litestar import Litestar, Request, Response, Router
from litestar.enums import MediaType
from litestar.exceptions import ClientException, ValidationException
from litestar.middleware import ASGIMiddleware
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.types import ASGIApp, Receive, Scope, Send

from chancy_web.queues.tags import MAX_TAG_LENGTH

#: A pattern for text parameters compared with stored text: Postgres text cannot hold NUL, so
#: a value with one could match nothing, and the schema says so.
NO_NUL = r"^[^\x00]*$"
#: C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
CONTROL_CHARACTERS = re.compile(f"[{_CONTROL}]")
#: The pattern of every text path parameter: paths with control characters are refused.
NO_CONTROL = f"^[^{_CONTROL}]*$"

#: The longest username a login is tried with (see `chancy_web.auth.schemas.LoginRequest`).
MAX_USERNAME_LENGTH = 256
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_DEPTH_STEP = [0] * 256
_DEPTH_STEP[ord("[")] = _DEPTH_STEP[ord("{")] = 1
_DEPTH_STEP[ord("]")] = _DEPTH_STEP[ord("}")] = -1

#: Times are kept within what Python's datetime holds, with a day to spare at each end for
#: the arithmetic done on them (a job id bound is a time widened by a day).
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)


def printable(text: str) -> str:
    """`text` with its control characters escaped (`\\n`, `\\x00`), for a log line: taken
    from a request, it could otherwise write lines of its own into the log."""
    return CONTROL_CHARACTERS.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


class UnsupportedMediaType(ClientException):
    status_code = 415


#: Route `opt` flag: the body must be sent as `application/json` (see `strict_json_body`).
JSON_ONLY = "json_only"


class RefuseControlCharacters(ASGIMiddleware):
    """A request whose path holds a control character gets a 400 before anything reads it."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if CONTROL_CHARACTERS.search(scope["path"]):
            raise ValidationException("The path holds a control character")
        await next_app(scope, receive, send)


def json_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in `data`, counted without parsing it (brackets
    inside strings aside). For invalid JSON it may count high, never low."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def check_json_depth(data: bytes | str, what: str) -> None:
    """Refuse JSON that nests deeper than MAX_JSON_DEPTH, before a parser recurses into it."""
    if json_depth(data.encode() if isinstance(data, str) else data) > MAX_JSON_DEPTH:
        raise ValidationException(f"{what} nests JSON deeper than {MAX_JSON_DEPTH} levels")


def check_time(value: datetime, what: str) -> datetime:
    """`value` (with a UTC offset) if it lies between EARLIEST and LATEST once in UTC."""
    try:
        in_utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        in_utc = None
    if value.tzinfo is None or in_utc is None or not EARLIEST <= in_utc <= LATEST:
        raise ValidationException(
            f"{what} must be a time with a UTC offset between {EARLIEST.date()} and "
            f"{LATEST.date()} (UTC)"
        )
    return value


def _body_field(request: Request[Any, Any, Any]) -> Any:
    return request.route_handler.parsed_fn_signature.parameters.get("data")


async def strict_json_body(request: Request[Any, Any, Any]) -> None:
    """`before_request` hook: refuse a JSON body whose types are not exactly the schema's,
    and, on `JSON_ONLY` routes, a body sent as anything but JSON."""
    field = _body_field(request)
    if field is None:
        return
    if request.route_handler.opt.get(JSON_ONLY):
        media_type, _ = request.content_type
        if media_type.casefold() != "application/json":
            raise UnsupportedMediaType("Send the body as application/json")
    body = await request.body()
    if not body and field.has_default:
        return
    check_json_depth(body, "Request body")
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise ValidationException(f"Request body is not valid JSON: {exc}") from None
    try:
        msgspec.convert(_integral_floats_as_ints(decoded), type=field.annotation, strict=True)
    except msgspec.ValidationError as exc:
        raise ValidationException(f"Invalid request body: {exc}") from None


def _integral_floats_as_ints(value: Any) -> Any:
    """JSON Schema counts 1.0 as an integer; msgspec's strict mode does not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral_floats_as_ints(v) for v in value]
    if isinstance(value, dict):
        return {k: _integral_floats_as_ints(v) for k, v in value.items()}
    return value


def schema_router(path: str) -> Router:
    """Where Litestar serves the schema; its unknown paths answer a JSON 404 like the rest of
    the API rather than Litestar's HTML page."""
    return Router(path, route_handlers=[], include_in_schema=False, after_request=_json_404)


def _json_404(response: Response[Any]) -> Response[Any]:
    if response.status_code != 404:
        return response
    body = {"status_code": 404, "detail": "Not Found"}
    return Response(body, status_code=404, media_type=MediaType.JSON)


class FinishedJsonSchema(JsonRenderPlugin):
    """Serves the OpenAPI document as JSON, with what Litestar cannot infer (`finish_schema`).

    The document is built on its first request, not at start-up: it takes 1.6 MiB that a
    process which never serves it should not hold.
    """

    def __init__(self) -> None:
        super().__init__()
        self.optional_bodies: frozenset[str] = frozenset()
        self.allowed_executors: tuple[str, ...] = ()

    def finish(self, schema: dict[str, Any]) -> dict[str, Any]:
        return finish_schema(schema, self.optional_bodies, self.allowed_executors)

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, self.finish(openapi_schema))


def operations_with_optional_bodies(app: Litestar) -> frozenset[str]:
    """Litestar marks every request body required; these operations do not need one."""
    return frozenset(
        handler.operation_id
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if (field := handler.parsed_fn_signature.parameters.get("data")) and field.has_default
    )


#: Operations whose success bodies have shapes that overlap, which Litestar lists as `oneOf`
#: (exactly one): an empty job list is a list of full rows and of summary rows at once.
OVERLAPPING_RESPONSES = frozenset({"listJobs"})


def _sse_message(data: dict[str, Any]) -> dict[str, Any]:
    """The schema of one Server-Sent Events message whose `data` is JSON of schema `data`
    (the shape OpenAPI 3.2 gives event streams)."""
    return {
        "type": "object",
        "required": ["data"],
        "properties": {
            "data": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": data,
            },
            "id": {"type": "string"},
            "retry": {"type": "integer", "minimum": 0},
        },
    }


#: Request bodies that refuse unknown fields (see `finish_schema`).
STRICT_BODIES = ("JobClone",)


def finish_schema(
    schema: dict[str, Any], optional_bodies: frozenset[str], allowed_executors: tuple[str, ...]
) -> dict[str, Any]:
    """Mark the optional request bodies, say `anyOf` where response shapes overlap, publish
    the executors a queue may be given (configuration of this app), the bounds of each queue
    tag (Litestar drops those of list items), of usernames (enforced by the login itself) and of
    text in paths (by `RefuseControlCharacters`), and describe event streams message by message.
    Changes `schema` in place, and returns it."""
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            optional = operation.get("operationId") in optional_bodies
            if optional and method in ("post", "put", "patch") and "requestBody" in operation:
                operation["requestBody"]["required"] = False
            for parameter in operation.get("parameters", []):
                text = parameter.get("schema", {})
                if parameter["in"] == "path" and text.get("type") == "string":
                    text.setdefault("pattern", NO_CONTROL)
            for response in operation.get("responses", {}).values():
                stream = response.get("content", {}).get("text/event-stream", {})
                if "$ref" in stream.get("schema", {}):  # not wrapped yet (finished once)
                    stream["schema"] = _sse_message(stream["schema"])
            if method == "get" and operation.get("operationId") in OVERLAPPING_RESPONSES:
                body = operation["responses"]["200"]["content"]["application/json"]["schema"]
                if "oneOf" in body:  # not when an override declares another type
                    body["anyOf"] = body.pop("oneOf")
    schemas = schema.get("components", {}).get("schemas", {})
    username = schemas.get("LoginRequest", {}).get("properties", {}).get("username")
    if username is not None:
        username["maxLength"] = MAX_USERNAME_LENGTH
    # Bodies whose Struct refuses unknown fields (forbid_unknown_fields), which Litestar does
    # not publish: a misspelt edit of a clone must not be dropped silently.
    for name in STRICT_BODIES:
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    for name in ("QueueCreate", "QueueUpdate"):
        properties = schemas.get(name, {}).get("properties", {})
        if "executor" in properties:
            properties["executor"]["enum"] = list(allowed_executors)
        for tags in (properties.get("tags", {}), *properties.get("tags", {}).get("oneOf", [])):
            if "items" in tags:
                tags["items"] = {"type": "string", "maxLength": MAX_TAG_LENGTH, "pattern": NO_NUL}
    return schema
