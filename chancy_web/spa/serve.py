"""The dashboard's routes: the bundle under `/_app/`, and `index.html` for every page."""

from __future__ import annotations

import gzip
import html
from collections import OrderedDict
from functools import partial
from pathlib import Path
from threading import Lock
from urllib.parse import quote

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Stream

from chancy_web.mount import mount_prefix
from chancy_web.spa.csp import CSP_FILE, security_headers
from chancy_web.spa.files import MEDIA_TYPES, FileCache, accepts
from chancy_web.spa.inline import first_data, first_requests, page_parts, stream_page
from chancy_web.spa.preloads import ROUTES_FILE, Route, parse_routes
from chancy_web.types import AnyRequest

STATIC_DIR = Path(__file__).parent.parent / "static"
#: Written by the UI build in place of the base path (see ui/svelte.config.js).
BASE_PLACEHOLDER = "/__CHANCY_WEB_BASE__"
ASSETS = "_app"
#: Route `opt` flag on the dashboard's handlers: their responses are compressed already, so an
#: app-wide `CompressionConfig` should skip them (`exclude_opt_key=NO_COMPRESSION`).
NO_COMPRESSION = "no_compression"


class Dashboard:
    """The built dashboard: its files, and index.html rendered once per mount prefix and page."""

    def __init__(self, root: Path) -> None:
        self.files = FileCache(root)
        self.root = self.files.root
        self._pages: OrderedDict[tuple[str, str, int], tuple[bytes, bytes]] = OrderedDict()
        self._routes: tuple[int, list[Route]] = (-1, [])
        self._lock = Lock()

    @property
    def built(self) -> bool:
        return (self.root / "index.html").is_file()

    def headers(self) -> dict[str, str]:
        found = self.files.read(self.root / CSP_FILE)
        return security_headers(found.data if found is not None else None)

    def route(self, path: str) -> Route | None:
        """The page `path` (relative to the mount prefix) shows, from the build's route list."""
        found = self.files.read(self.root / ROUTES_FILE)
        if found is None:
            return None
        if self._routes[0] != found.mtime_ns:
            self._routes = (found.mtime_ns, parse_routes(found.data))
        return next((r for r in self._routes[1] if r.pattern.match(path)), None)

    def page(self, prefix: str, path: str = "/") -> tuple[bytes, bytes]:
        """index.html for `prefix`, preloading what the page at `path` needs; plain and gzipped."""
        template = self.files.read(self.root / "index.html")
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

    def file_response(self, request: AnyRequest, path: Path) -> Response[bytes]:
        return self.files.response(request, path, self.headers())


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
    def asset(request: AnyRequest, path: FromPath[str]) -> Response[bytes]:
        site = require_built()
        found = site.files.resolve(f"{ASSETS}/{path.lstrip('/')}")
        if found is None:
            raise NotFoundException(f"No such file: {ASSETS}/{path.lstrip('/')}")
        return site.file_response(request, found)

    @get(["/", "/{path:path}"], include_in_schema=False, opt={NO_COMPRESSION: True})
    async def page(request: AnyRequest, path: FromPath[str] = "") -> Response[bytes] | Stream:
        relative = path.strip("/")
        if relative == "api" or relative.startswith("api/"):
            raise NotFoundException(f"No API route at /{relative}")
        site = require_built()
        # Top-level files of the build (favicon, robots.txt); everything else is a page.
        if "/" not in relative and relative != "index.html":
            found = site.files.resolve(relative)
            if found is not None:
                return site.file_response(request, found)
        prefix = mount_prefix(request.scope)
        plain, compressed = site.page(prefix, "/" + relative)
        headers = {**site.headers(), "Cache-Control": "no-store", "Vary": "Accept-Encoding"}
        gzipped = accepts(request.headers.get("accept-encoding", ""), "gzip")
        if gzipped:
            headers["Content-Encoding"] = "gzip"
        media_type = MEDIA_TYPES[".html"]
        requests = first_requests(request.app, request.scope, prefix)
        if requests:
            # The shared page at once, then this session's own data as it comes (see
            # chancy_web.spa.inline): the browser fetches the app's files meanwhile.
            head, tail = page_parts(plain)
            data = partial(first_data, request.app, request.scope, prefix, requests)
            body = stream_page(head, tail, data, gzipped)
            return Stream(body, media_type=media_type, headers=headers)
        return Response(compressed if gzipped else plain, media_type=media_type, headers=headers)

    return [asset, page]
