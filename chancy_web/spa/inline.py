"""A page's first data in its HTML, so that a cold load needs no round trip for it.

When index.html is served for a page, the server makes that page's first GETs
(`chancy_web.spa.first`) itself, through the app, with the page request's own credentials: the
same routes, role checks and response bodies as if the browser had asked. Each 200 answer goes
into the HTML as a JSON data block keyed by its request (`data-early`), which the boot script
hands to the app in place of a fetch (ui/src/lib/early.ts). A data block is not script: the
CSP keeps refusing inline script.

- No valid session (the session request is not a 200): nothing is inlined, and the page goes
  to the login form as before.
- The answers must come within `settings.first_data_ms`: what is not ready by then is left
  out, and the page asks for it itself (a job list then joins the query still running, see
  `chancy_web.shared_reads`).
- The page is sent at once, saying that data follows; the data blocks come at the end of its
  body when ready (`stream_page`), so the browser loads the app's files meanwhile.
- The HTML with data is made per request; only the template is cached (`Dashboard.page`).
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from litestar import Litestar
from litestar.types import HTTPDisconnectEvent, HTTPRequestEvent, Message, ReceiveMessage, Scope

from chancy_web.context import STATE_KEY, web_context
from chancy_web.spa.first import ApiGet, page_requests

log = logging.getLogger("chancy_web")

#: The attribute naming a data block's request (its key, without the base path).
DATA_ATTRIBUTE = "data-early"
#: Sent before the boot script when data blocks may follow at the end of the body: the boot
#: script then waits for the whole page before it asks for anything (ui/src/lib/early.ts).
FOLLOWS = b'<meta name="chancy-early" content="follows">'
#: The boot script's tag.
BOOT_TAG = re.compile(rb'<script[^>]*\ssrc="[^"]*/_app/immutable/boot\.')
#: Headers of the page request not passed on: the answers are read here, uncompressed and
#: whole, and they are JSON.
_NOT_PASSED = frozenset(
    {
        b"accept",
        b"accept-encoding",
        b"content-length",
        b"content-type",
        b"if-match",
        b"if-modified-since",
        b"if-none-match",
        b"if-range",
        b"if-unmodified-since",
        b"range",
        b"transfer-encoding",
    }
)
#: In JSON text these only occur inside strings, where their `\\u` escapes mean the same, so
#: the block cannot end the script element (`</script>`), open a comment (`<!--`), or carry a
#: line separator.
_ESCAPES = (
    (b"<", b"\\u003c"),
    (b">", b"\\u003e"),
    (b"&", b"\\u0026"),
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
)


@dataclass(frozen=True)
class Answer:
    key: str
    body: bytes


def escape_json(body: bytes) -> bytes:
    """`body` (JSON) for a `<script type="application/json">` element: the same value."""
    for raw, escaped in _ESCAPES:
        body = body.replace(raw, escaped)
    return body


def data_blocks(answers: Iterable[Answer]) -> bytes:
    return b"".join(
        f'<script type="application/json" {DATA_ATTRIBUTE}="{html.escape(a.key)}">'.encode()
        + escape_json(a.body)
        + b"</script>"
        for a in answers
    )


def page_path(scope: Scope, prefix: str) -> str:
    """The page's path as the browser sent it (percent-encoded), without the mount prefix."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(str(scope.get("path", "/")))
    depth = prefix.count("/")
    return "/" + "/".join(path.split("/")[depth + 1 :]) if depth else path


async def _get(app: Litestar, page: Scope, prefix: str, request: ApiGet) -> Answer | None:
    """`request` through the app, as the page's own fetch would send it; its body if 200."""
    headers = [(k, v) for k, v in page.get("headers", []) if k.lower() not in _NOT_PASSED]
    scope: dict[str, Any] = {
        **{k: page[k] for k in ("asgi", "http_version", "scheme", "server", "client") if k in page},
        "type": "http",
        "method": "GET",
        "root_path": page.get("root_path", ""),
        "path": unquote(request.path),
        "raw_path": (quote(prefix) + request.path).encode(),
        "query_string": request.query_string.encode(),
        "headers": [*headers, (b"accept", b"application/json")],
        "state": {},
        "extensions": {},
    }
    started: dict[str, Any] = {}
    chunks: list[bytes] = []
    sent = False

    async def receive() -> ReceiveMessage:
        nonlocal sent
        if sent:
            return HTTPDisconnectEvent(type="http.disconnect")
        sent = True
        return HTTPRequestEvent(type="http.request", body=b"", more_body=False)

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)  # type: ignore[arg-type]
    headers_out = {k.lower(): v for k, v in started.get("headers", [])}
    json = headers_out.get(b"content-type", b"").startswith(b"application/json")
    if started.get("status") != 200 or not json or b"content-encoding" in headers_out:
        return None
    return Answer(request.key, b"".join(chunks))


#: Requests that came too late for their page, left to finish (asyncio keeps only weak
#: references to tasks).
_LATE: set[asyncio.Task[Answer | None]] = set()


def _let_finish(task: asyncio.Task[Answer | None]) -> None:
    """Leave a request that came too late to finish unobserved. Not cancelled: that would
    close its database connection, and the page's own request for the same list joins it
    (`chancy_web.shared_reads`) rather than running the query again."""
    if task.done():
        if not task.cancelled():
            task.exception()  # retrieved
        return
    _LATE.add(task)
    task.add_done_callback(_finished)


def _finished(task: asyncio.Task[Answer | None]) -> None:
    _LATE.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved


def first_requests(app: Litestar, page: Scope, prefix: str) -> list[ApiGet]:
    """The requests to answer in the page `page` asks for: none when the app is not
    chancy-web's (its dashboard routes in another app) or `first_data_ms` is 0."""
    if STATE_KEY not in app.state or web_context(app).settings.first_data_ms <= 0:
        return []
    return page_requests(page_path(page, prefix), page.get("query_string", b"").decode())


async def first_data(app: Litestar, page: Scope, prefix: str, requests: list[ApiGet]) -> bytes:
    """The data blocks answering `requests` (b"" for none): see the module."""
    if not requests:
        return b""
    budget = web_context(app).settings.first_data_ms / 1000
    loop = asyncio.get_running_loop()
    until = loop.time() + budget
    # Who is logged in first: without a session, the page's data is not asked for at all.
    session = asyncio.ensure_future(_get(app, page, prefix, requests[0]))
    tasks: list[asyncio.Task[Answer | None]] = []
    try:
        await asyncio.wait([session], timeout=budget)
        if not session.done() or session.exception() is not None or session.result() is None:
            return b""
        tasks = [asyncio.ensure_future(_get(app, page, prefix, r)) for r in requests[1:]]
        if tasks:
            await asyncio.wait(tasks, timeout=max(0.0, until - loop.time()))
    finally:  # also when the client has gone
        for task in [session, *tasks]:
            _let_finish(task)
    answers = [session.result()]
    for task in tasks:
        if not task.done():  # too late: cancelled, winding down
            continue
        if task.exception() is not None:
            log.warning("A page's first data failed", exc_info=task.exception())
        else:
            answers.append(task.result())
    return data_blocks(a for a in answers if a is not None)


def page_parts(page: bytes) -> tuple[bytes, bytes]:
    """The page to send at once, saying that data follows (FOLLOWS, before the boot script,
    so that the script sees it), and the end of its body, to send after the data blocks."""
    found = BOOT_TAG.search(page)
    at = found.start() if found else page.find(b"</head>")
    end = page.rfind(b"</body>")
    if at < 0 or end < at:
        return page, b""
    return page[:at] + FOLLOWS + page[at:end], page[end:]


async def stream_page(
    head: bytes, tail: bytes, data: Callable[[], Awaitable[bytes]], gzipped: bool
) -> AsyncIterator[bytes]:
    """`head` at once, then the data blocks and `tail`, gzipped as one stream if asked."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31) if gzipped else None
    yield head if packer is None else packer.compress(head) + packer.flush(zlib.Z_SYNC_FLUSH)
    try:
        blocks = await data()
    except Exception:  # the page must end whatever happened: it then asks for its data
        log.exception("A page's first data failed")
        blocks = b""
    rest = blocks + tail
    yield rest if packer is None else packer.compress(rest) + packer.flush()
