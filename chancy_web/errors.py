"""One error shape everywhere: Litestar's `{status_code, detail, extra}` JSON.

Litestar already answers bad input with 400 and unknown routes with 404 in that shape; this
module keeps it JSON whatever the route's own media type (`/metrics` serves text), adds 503
for an unavailable or overloaded database instead of a 500 or a hung request, and logs every
500 with its traceback. `status_for` says which status the client gets for an exception.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from litestar import Request, Response
from litestar.enums import MediaType
from litestar.exceptions import ClientException, HTTPException
from litestar.types import ExceptionHandlersMap
from psycopg_pool import PoolTimeout

from chancy_web.deadline import DeadlineExceeded
from chancy_web.query import QueryError
from chancy_web.validation import printable

log = logging.getLogger("chancy_web")


class ConflictException(ClientException):
    """409: the action contradicts the target's state (a job already finished, a queue that
    exists, a cron job still waiting)."""

    status_code = 409


#: Answered with 503: the database is unavailable, overloaded or stopped answering.
UNAVAILABLE = (psycopg.OperationalError, PoolTimeout)
#: Answered with 400: a value the schema allows but Postgres cannot store.
UNSTORABLE = (psycopg.errors.DataError, UnicodeEncodeError)


def status_for(exc: BaseException) -> int:
    """The status the client gets for `exc`, as `exception_handlers` answer it."""
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, UNAVAILABLE):
        return 503
    if isinstance(exc, (*UNSTORABLE, QueryError)):
        return 400
    return 500


def _client_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    # Litestar's own answer, except that it would take the route's media type.
    body: dict[str, Any] = {"status_code": exc.status_code, "detail": exc.detail}
    if exc.extra:
        body["extra"] = exc.extra
    return Response(
        body, status_code=exc.status_code, headers=exc.headers, media_type=MediaType.JSON
    )


def _unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, object]]:
    timed_out = isinstance(exc, psycopg.errors.QueryCanceled | PoolTimeout | DeadlineExceeded)
    detail = "The database timed out" if timed_out else "The database is unavailable"
    log.warning(
        "%s %s: %s (%s)",
        printable(request.method),
        printable(request.url.path),
        detail,
        printable(str(exc)),
    )
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


def _query_error(request: Request[Any, Any, Any], exc: QueryError) -> Response[dict[str, object]]:
    # A search that does not parse: where (a character offset) and what would fit there, so
    # that the dashboard can underline it.
    return Response(
        {
            "status_code": 400,
            "detail": exc.message,
            "extra": {"position": exc.position, "expected": exc.expected},
        },
        status_code=400,
        media_type=MediaType.JSON,
    )


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, object]]:
    # Litestar logs unhandled exceptions only in debug mode; a 500 must never pass silently.
    log.error(
        "Unhandled error on %s %s",
        printable(request.method),
        printable(request.url.path),
        exc_info=exc,
    )
    return Response({"status_code": 500, "detail": "Internal Server Error"}, status_code=500)


exception_handlers: ExceptionHandlersMap = {
    HTTPException: _client_error,
    **dict.fromkeys(UNAVAILABLE, _unavailable),
    **dict.fromkeys(UNSTORABLE, _invalid_value),
    QueryError: _query_error,  # type: ignore[dict-item]
    500: _internal_error,
}
