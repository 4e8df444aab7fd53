"""Serving the prebuilt dashboard from `chancy_web/static/` (built by `scripts/build_ui.sh`).

- `/_app/...` is the bundle. Files under `_app/immutable/` have content hashes in their names
  and are cached for a year; a missing file is a real 404, never the page. The build writes
  `.br` and `.gz` siblings, sent when the client accepts them.
- Any other path outside `/api/` gets `index.html` (the client-side router shows the page),
  with the build's base-path placeholder replaced by the prefix the app is mounted under, so
  one bundle works at `/` or under any prefix. It is never cached, and gzipped when accepted.
- Unknown `/api/...` paths stay JSON 404s.
- Dashboard responses carry security headers, including a CSP without inline script (the
  build moves SvelteKit's inline bootstrap into a file; see `ui/scripts/postbuild.js`).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from urllib.parse import quote

from litestar import Request, Response, get
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.params import FromPath
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from chancy_web.mount import mount_prefix

STATIC_DIR = Path(__file__).parent / "static"
#: Written by the UI build in place of the base path (see ui/svelte.config.js).
BASE_PLACEHOLDER = "/__CHANCY_WEB_BASE__"
ASSETS = "_app"
IMMUTABLE = "_app/immutable/"

#: Written by the UI build: hashes of the inline style attributes in its templates.
CSP_FILE = "_app/csp.json"
#: Written by the UI build: each page's route pattern and the files it needs beyond index.html.
ROUTES_FILE = "_app/routes.json"


def content_security_policy(style_hashes: list[str] | tuple[str, ...] = ()) -> str:
    """No inline script at all; inline style attributes only by hash ('unsafe-hashes')."""
    styles = " ".join(["'self'", *(["'unsafe-hashes'"] if style_hashes else [])])
    styles += "".join(f" '{h}'" for h in style_hashes)
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {styles}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


#: Headers on every dashboard response (the CSP is completed from the build's CSP_FILE).
SECURITY_HEADERS = {
    "Content-Security-Policy": content_security_policy(),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: Defaults for every other response (the API's JSON), added unless already set.
API_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_API_SECURITY_HEADERS = [(k.lower().encode(), v.encode()) for k, v in API_SECURITY_HEADERS.items()]

MEDIA_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".txt": "text/plain",
}
#: Route `opt` flag on the dashboard's handlers: their responses are compressed already, so an
#: app-wide `CompressionConfig` should skip them (`exclude_opt_key=NO_COMPRESSION`).
NO_COMPRESSION = "no_compression"
#: Compressed siblings the build writes, best first.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
_HASH = re.compile(r"sha(256|384|512)-[A-Za-z0-9+/]+=*")


def accepts(accept_encoding: str, coding: str) -> bool:
    """Whether an `Accept-Encoding` header allows `coding` (q=0 refuses it)."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in (coding, "*"):
            q = params.strip()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


@dataclass(frozen=True)
class _Body:
    mtime_ns: int
    data: bytes
    etag: str


@dataclass(frozen=True)
class _Route:
    id: str
    pattern: re.Pattern[str]
    js: tuple[str, ...]
    css: tuple[str, ...]

    def links(self, base: str) -> bytes:
        """Preload tags for this page's own files, so they load alongside the app's."""
        tags = [f'<link rel="modulepreload" href="{base}/{html.escape(f)}">' for f in self.js]
        tags += [f'<link rel="stylesheet" href="{base}/{html.escape(f)}">' for f in self.css]
        return "".join(tags).encode()


class Dashboard:
    """The built files, read from disk on first use and whenever they change (a rebuild
    needs no restart), and index.html rendered once per mount prefix."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._files: dict[Path, _Body] = {}
        self._pages: OrderedDict[tuple[str, str, int], tuple[bytes, bytes]] = OrderedDict()
        self._routes: tuple[int, list[_Route]] = (-1, [])
        self._lock = Lock()

    @property
    def built(self) -> bool:
        return (self.root / "index.html").is_file()

    def headers(self) -> dict[str, str]:
        """SECURITY_HEADERS with the CSP allowing the build's inline style hashes."""
        found = self.read(self.root / CSP_FILE)
        hashes: list[str] = []
        if found is not None:
            try:
                loaded = json.loads(found.data)
                hashes = [h for h in loaded.get("style_hashes", []) if _HASH.fullmatch(h)]
            except (ValueError, AttributeError):
                hashes = []
        return {**SECURITY_HEADERS, "Content-Security-Policy": content_security_policy(hashes)}

    def read(self, path: Path) -> _Body | None:
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            return None
        cached = self._files.get(path)
        if cached is not None and cached.mtime_ns == mtime:
            return cached
        data = path.read_bytes()
        body = _Body(mtime, data, '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"')
        with self._lock:
            self._files[path] = body
        return body

    def resolve(self, relative: str) -> Path | None:
        """The file at `relative` inside the static dir, or None (also for `..` escapes and
        the compressed siblings, which are only sent by negotiation)."""
        if not relative or relative.endswith((".br", ".gz")):
            return None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path

    def route(self, path: str) -> _Route | None:
        """The page `path` (relative to the mount prefix) shows, from the build's route list."""
        found = self.read(self.root / ROUTES_FILE)
        if found is None:
            return None
        if self._routes[0] != found.mtime_ns:
            try:
                routes = [
                    _Route(r["id"], re.compile(r["pattern"]), tuple(r["js"]), tuple(r["css"]))
                    for r in json.loads(found.data)
                ]
            except (ValueError, KeyError, TypeError, re.error):
                routes = []
            self._routes = (found.mtime_ns, routes)
        return next((r for r in self._routes[1] if r.pattern.match(path)), None)

    def page(self, prefix: str, path: str = "/") -> tuple[bytes, bytes]:
        """index.html for `prefix`, preloading what the page at `path` needs; plain and gzipped."""
        template = self.read(self.root / "index.html")
        if template is None:
            raise NotFoundException("The dashboard is not built: run scripts/build_ui.sh")
        route = self.route(path)
        key = (prefix, route.id if route else "", template.mtime_ns)
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        data = template.data
        if route is not None:
            data = data.replace(b"</head>", route.links(BASE_PLACEHOLDER) + b"</head>", 1)
        base = html.escape(quote(prefix, safe="/!$&'()*+,;=:@-._~"), quote=True)
        data = data.replace(BASE_PLACEHOLDER.encode(), base.encode())
        rendered = (data, gzip.compress(data, 6, mtime=0))
        with self._lock:
            self._pages[key] = rendered
            while len(self._pages) > 64:
                self._pages.popitem(last=False)
        return rendered

    def file_response(self, request: Request, path: Path) -> Response[bytes]:  # type: ignore[type-arg]
        relative = path.relative_to(self.root).as_posix()
        immutable = relative.startswith(IMMUTABLE)
        headers = {
            **self.headers(),
            "Cache-Control": "public, max-age=31536000, immutable" if immutable else "no-cache",
            "Vary": "Accept-Encoding",
        }
        body = None
        accept = request.headers.get("accept-encoding", "")
        for coding, suffix in ENCODINGS:
            if accepts(accept, coding):
                body = self.read(path.with_name(path.name + suffix))
                if body is not None:
                    headers["Content-Encoding"] = coding
                    break
        if body is None:
            body = self.read(path)
        if body is None:
            raise NotFoundException(f"No such file: {relative}")
        headers["ETag"] = body.etag
        if request.headers.get("if-none-match") == body.etag:
            return Response(b"", status_code=304, headers=headers)
        media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return Response(body.data, media_type=media_type, headers=headers)


def spa_handlers(static_dir: Path | None) -> list[HTTPRouteHandler]:
    """The dashboard's routes; register them after the API's so unknown `/api/*` paths stay
    JSON 404s."""
    dashboard = Dashboard(static_dir) if static_dir is not None else None

    def require_built() -> Dashboard:
        if dashboard is None or not dashboard.built:
            raise NotFoundException("The dashboard is not built: run scripts/build_ui.sh")
        return dashboard

    @get(
        f"/{ASSETS}/{{path:path}}",
        include_in_schema=False,
        sync_to_thread=False,
        opt={NO_COMPRESSION: True},
    )
    def asset(request: Request, path: FromPath[str]) -> Response[bytes]:  # type: ignore[type-arg]
        site = require_built()
        found = site.resolve(f"{ASSETS}/{path.lstrip('/')}")
        if found is None:
            raise NotFoundException(f"No such file: {ASSETS}/{path.lstrip('/')}")
        return site.file_response(request, found)

    @get(
        ["/", "/{path:path}"],
        include_in_schema=False,
        sync_to_thread=False,
        opt={NO_COMPRESSION: True},
    )
    def page(request: Request, path: FromPath[str] = "") -> Response[bytes]:  # type: ignore[type-arg]
        relative = path.strip("/")
        if relative == "api" or relative.startswith("api/"):
            raise NotFoundException(f"No API route at /{relative}")
        site = require_built()
        # Top-level files of the build (favicon, robots.txt); everything else is a page.
        if "/" not in relative and relative != "index.html":
            found = site.resolve(relative)
            if found is not None:
                return site.file_response(request, found)
        plain, compressed = site.page(mount_prefix(request.scope), "/" + relative)
        headers = {**site.headers(), "Cache-Control": "no-store", "Vary": "Accept-Encoding"}
        if accepts(request.headers.get("accept-encoding", ""), "gzip"):
            headers["Content-Encoding"] = "gzip"
            return Response(compressed, media_type=MEDIA_TYPES[".html"], headers=headers)
        return Response(plain, media_type=MEDIA_TYPES[".html"], headers=headers)

    return [asset, page]


class SecurityHeadersMiddleware(ASGIMiddleware):
    """Adds `API_SECURITY_HEADERS` to every HTTP response that does not set them itself
    (the dashboard's own responses carry the stricter `SECURITY_HEADERS`)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                present = {name.lower() for name, _ in headers}
                extra = [h for h in _API_SECURITY_HEADERS if h[0] not in present]
                message["headers"] = [*headers, *extra]
            await send(message)

        await next_app(scope, receive, send_with_headers)
