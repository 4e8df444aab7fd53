"""One error shape everywhere: Litestar's `{status_code, detail, extra}` JSON.

Litestar already answers bad input with 400 and unknown routes with 404 in that shape; this
module adds 503 for an unavailable or overloaded database instead of a 500 or a hung request,
and logs every 500 with its traceback.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from litestar import Request, Response
from litestar.exceptions import ClientException
from litestar.types import ExceptionHandlersMap
from psycopg_pool import PoolTimeout

from chancy_web.deadline import DeadlineExceeded

log = logging.getLogger("chancy_web")


class ConflictException(ClientException):
    """409: the action contradicts the target's state (a job already finished, a queue that
    exists, a cron job still waiting)."""

    status_code = 409


def _unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, object]]:
    timed_out = isinstance(exc, psycopg.errors.QueryCanceled | PoolTimeout | DeadlineExceeded)
    detail = "The database timed out" if timed_out else "The database is unavailable"
    log.warning("%s %s: %s (%s)", request.method, request.url.path, detail, exc)
    return Response(
        {"status_code": 503, "detail": detail},
        status_code=503,
        headers={"Retry-After": "5"},
    )


def _invalid_value(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, object]]:
    # Input the schema allows but Postgres cannot store: a NUL character, a lone surrogate, a
    # number out of the column's range. The request changed nothing (its transaction rolled back).
    reason = getattr(getattr(exc, "diag", None), "message_primary", None) or str(exc)
    return Response(
        {"status_code": 400, "detail": f"A value cannot be stored: {reason}"}, status_code=400
    )


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, object]]:
    # Litestar logs unhandled exceptions only in debug mode; a 500 must never pass silently.
    log.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response({"status_code": 500, "detail": "Internal Server Error"}, status_code=500)


exception_handlers: ExceptionHandlersMap = {
    psycopg.OperationalError: _unavailable,
    PoolTimeout: _unavailable,
    psycopg.errors.DataError: _invalid_value,
    UnicodeEncodeError: _invalid_value,
    500: _internal_error,
}
