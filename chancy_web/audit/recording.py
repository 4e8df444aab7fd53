"""How mutations reach the audit log.

A mutating handler is marked with `opt={"action": "job.retry", "role": ...}` and runs inside
`audited(...)`: the entry is written in the mutation's own transaction, so the log never
claims a change that was rolled back, nor misses one that committed. Attempts that end in an
exception (denied by the guard, or failed in the handler) are recorded afterwards by
`record_exception`, an app-level after-exception hook, on a connection of their own.

Only attempts by a known user are recorded: a request refused before anyone is identified
(no session, or an expired one) names nobody, and anyone can send as many as they like, so
recording them would let strangers grow the table without bound (uvicorn's access log still
has them). Targets and reasons come from the request, so they are cut to a bounded length.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.types import Scope
from psycopg import AsyncConnection

from chancy_web.audit.queries import AuditRecord, record
from chancy_web.auth.schemas import User
from chancy_web.context import WebContext, web_context
from chancy_web.db import connect
from chancy_web.errors import UNAVAILABLE, status_for
from chancy_web.types import AnyRequest

log = logging.getLogger("chancy_web")

MAX_TARGET_LENGTH = 200
MAX_REASON_LENGTH = 500


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Operation:
    """The open transaction of one audited mutation; handlers add what the log should say."""

    db: AsyncConnection
    target: str | None
    detail: dict[str, Any] = field(default_factory=dict)


def _target(scope: Scope) -> str | None:
    params = scope.get("path_params") or {}
    return ",".join(str(v) for v in params.values()) or None


def _bounded_target(target: str | None) -> str | None:
    return None if target is None else _bounded(target, MAX_TARGET_LENGTH)


def _client(scope: Scope) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


@asynccontextmanager
async def audited(
    ctx: WebContext,
    request: AnyRequest,
    *,
    target: str | None = None,
) -> AsyncIterator[Operation]:
    user: User = request.user
    async with connect(ctx) as db:
        operation = Operation(db=db, target=target or _target(request.scope))
        yield operation
        await record(
            db,
            ctx.chancy,
            AuditRecord(
                username=user.username,
                role=user.role.value,
                action=request.route_handler.opt["action"],
                target=_bounded_target(operation.target),
                outcome="allowed",
                # The route's success status (201 for a clone, 202 for a bulk operation).
                status_code=request.route_handler.status_code or 200,
                detail=operation.detail,
                client=_client(request.scope),
            ),
        )
    ctx.reads.invalidate()  # committed: later reads must see it


async def record_exception(exception: Exception, scope: Scope) -> None:
    """After-exception hook: log a denied or failed attempt at an audited mutation."""
    handler = scope.get("route_handler")
    action = handler.opt.get("action") if handler is not None else None
    user = scope.get("user")
    if action is None or not isinstance(user, User):
        return  # not a mutation, or nobody to name (see the module)
    ctx = web_context(scope["app"])
    if isinstance(exception, UNAVAILABLE):
        return  # the database cannot take the entry either; the 503 is logged
    denied = isinstance(exception, NotAuthorizedException | PermissionDeniedException)
    detail = exception.detail if isinstance(exception, HTTPException) else type(exception).__name__
    try:
        async with connect(ctx) as db:
            await record(
                db,
                ctx.chancy,
                AuditRecord(
                    username=user.username,
                    role=user.role.value,
                    action=action,
                    target=_bounded_target(_target(scope)),
                    outcome="denied" if denied else "failed",
                    status_code=status_for(exception),
                    detail={"reason": _bounded(str(detail), MAX_REASON_LENGTH)},
                    client=_client(scope),
                ),
            )
    except Exception:  # the original error matters more than its audit entry
        log.exception("Could not write the audit entry for an attempted %s", action)
