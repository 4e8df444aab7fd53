"""The API requests a dashboard page opens with, as the server sees them: the Python side of
`pageRequests` (ui/src/lib/requests.ts), so that serving the page can answer them in its HTML
(`chancy_web.spa.inline`) and the page needs no round trip for its first data.

Each request is known by its key, `requestKey` of ui/src/lib/early.ts without the base path:
the path, then the parameters sorted and encoded as `URLSearchParams` does. The page takes an
answer from its HTML only for a request it makes itself under the same key, so a request this
side gets wrong is never used; where it might read a URL otherwise than the browser does
(anything but printable ASCII, unusual limits), it leaves that request out and the page asks
for it as before. tests/spa/test_first.py holds it to the UI's own answers for many URLs
(ui/src/lib/requests.samples.json, written by the UI's functions).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, quote_plus, unquote_to_bytes

from chancy_web.spa.job_list import Unsure, ascii_text, jobs_list_params

API = "/api/v1"
FAILURE_STATUSES = ("open", "resolved", "ignored")
FAILURES_PAGE_SIZE = 25
#: The overview's "Top failures" (`TOP_FAILURES`): the open groups seen last.
TOP_FAILURES = (("status", "open"), ("limit", "6"))
#: The first segments of the pages whose data is started early.
SECTIONS = ("", "failures", "jobs", "queues", "workers")
_ESCAPES = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class ApiGet:
    """One GET of the API: its path (encoded) and parameters, in the order the app sends
    them, so that the query string is the app's too (identical reads share one query, see
    `chancy_web.shared_reads`)."""

    path: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def query_string(self) -> str:
        return "&".join(f"{_form(k)}={_form(v)}" for k, v in self.params)

    @property
    def url(self) -> str:
        """As the app's `getUrl` writes it, with no base path."""
        return f"{self.path}?{self.query_string}" if self.params else self.path

    @property
    def key(self) -> str:
        """`requestKey` (early.ts) of this request without the base path."""
        ordered = sorted(self.params)
        return f"{self.path}?" + "&".join(f"{_form(k)}={_form(v)}" for k, v in ordered)


def _form(text: str) -> str:
    """As `URLSearchParams` serializes (application/x-www-form-urlencoded): `*` stays, `~`
    does not."""
    return quote_plus(text, safe="*").replace("~", "%7E")


def _decode_component(segment: str) -> str | None:
    """`decodeURIComponent`, or None where it throws (a stray `%`, bad UTF-8)."""
    if _ESCAPES.search(segment):
        return None
    try:
        return unquote_to_bytes(segment).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _path(template: str, value: str) -> ApiGet | None:
    """`template` with `value` as `encodeURIComponent` writes it; None for the dot segments
    the URL parser would resolve."""
    if value in (".", ".."):
        return None
    return ApiGet(f"{API}/{template}/" + quote(value, safe="!'()*"))


def _failures(first: Callable[[str], str | None]) -> ApiGet:
    """`toApiQuery(parseFailureQuery(...))` of failures/query.ts."""
    status = first("status")
    params = [("status", status if status in FAILURE_STATUSES else "open")]
    params.append(("limit", str(FAILURES_PAGE_SIZE)))
    for name in ("q", "cursor"):
        value = first(name)
        if value is not None and (text := ascii_text(value).strip(" ")):
            params.append((name, text))
    return ApiGet(f"{API}/failures", tuple(params))


def _section(section: str, item: str | None, first: Callable[[str], str | None]) -> list[ApiGet]:
    """The page's main data (`FIRST` in requests.ts), given its path's second segment."""
    if section == "":
        return [ApiGet(f"{API}/jobs/counts"), ApiGet(f"{API}/failures", TOP_FAILURES)]
    if item is not None:
        return [found] if (found := _path(section, item)) else []
    if section == "failures":
        return [_failures(first)]
    if section == "jobs":
        return [ApiGet(f"{API}/jobs", tuple(jobs_list_params(first)))]
    return [ApiGet(f"{API}/{section}")]


def page_requests(path: str, query: str) -> list[ApiGet]:
    """The GETs the page at `path` (as sent, percent-encoded, without the mount prefix) with
    the query string `query` starts early: who is logged in, then the page's main data."""
    if path == "/login":
        return []
    parts = path.split("/")[1:]
    section, item = (parts + ["", ""])[:2]
    session = [ApiGet(f"{API}/session")]
    if len(parts) > 2 or section not in SECTIONS:
        return session
    decoded = None
    if item:
        decoded = _decode_component(item)
        if decoded is None:
            return []  # decodeURIComponent throws: the boot script starts nothing at all
    pairs = parse_qsl(query, keep_blank_values=True)

    def first(name: str) -> str | None:
        return next((v for k, v in pairs if k == name), None)

    try:
        main = _section(section, decoded, first)
    except Unsure:
        return session
    return session + main
