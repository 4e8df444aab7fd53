"""Strict request bodies, and an accurate schema for optional ones.

Litestar converts parameters and bodies leniently (`0` passes as `false`, `"5"` as `5`),
which suits query strings but not JSON, whose types are already exact. Every JSON body is
therefore decoded once more, strictly, against the handler's declared Struct; a mismatch is
a 400 like any other validation error.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.exceptions import ValidationException
from litestar.openapi.plugins import JsonRenderPlugin

from chancy_web.queues.tags import MAX_TAG_LENGTH

#: A pattern for text parameters compared with stored text: Postgres text cannot hold NUL, so
#: a value with one could match nothing, and the schema says so.
NO_NUL = r"^[^\x00]*$"


def _body_field(request: Request[Any, Any, Any]) -> Any:
    return request.route_handler.parsed_fn_signature.parameters.get("data")


async def strict_json_body(request: Request[Any, Any, Any]) -> None:
    """`before_request` hook: refuse a JSON body whose types are not exactly the schema's."""
    field = _body_field(request)
    if field is None:
        return
    body = await request.body()
    if not body and field.has_default:
        return
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


def finish_schema(
    schema: dict[str, Any], optional_bodies: frozenset[str], allowed_executors: tuple[str, ...]
) -> dict[str, Any]:
    """Mark the optional request bodies, publish the executors a queue may be given
    (configuration of this app), and the bounds of each queue tag (Litestar drops those of
    list items). Changes `schema` in place, and returns it."""
    for path_item in schema.get("paths", {}).values():
        for method in ("post", "put", "patch"):
            operation = path_item.get(method)
            optional = operation and operation.get("operationId") in optional_bodies
            if optional and "requestBody" in operation:
                operation["requestBody"]["required"] = False
    schemas = schema.get("components", {}).get("schemas", {})
    for name in ("QueueCreate", "QueueUpdate"):
        properties = schemas.get(name, {}).get("properties", {})
        if "executor" in properties:
            properties["executor"]["enum"] = list(allowed_executors)
        for tags in (properties.get("tags", {}), *properties.get("tags", {}).get("oneOf", [])):
            if "items" in tags:
                tags["items"] = {"type": "string", "maxLength": MAX_TAG_LENGTH, "pattern": NO_NUL}
    return schema
