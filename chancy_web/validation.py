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


def publish_allowed_executors(app: Litestar, allowed: tuple[str, ...]) -> None:
    """The executors a queue may be given are configuration; put this app's in its schema."""
    schemas = app.openapi_schema.components.schemas or {}
    for name in ("QueueCreate", "QueueUpdate"):
        properties = getattr(schemas.get(name), "properties", None) or {}
        executor = properties.get("executor")
        if executor is not None:
            executor.enum = list(allowed)  # type: ignore[union-attr]


def mark_optional_bodies(app: Litestar) -> None:
    """Litestar marks every request body required; say so only where a handler needs one."""
    optional = {
        handler.operation_id
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if (field := handler.parsed_fn_signature.parameters.get("data")) and field.has_default
    }
    for path_item in (app.openapi_schema.paths or {}).values():
        for operation in (path_item.post, path_item.put, path_item.patch):
            if operation and operation.operation_id in optional and operation.request_body:
                operation.request_body.required = False  # type: ignore[union-attr]
