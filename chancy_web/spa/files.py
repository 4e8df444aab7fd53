"""The built files: read from disk on first use and whenever they change (a rebuild needs no
restart), with ETags, and sent as the build's `.br` or `.gz` sibling when the client accepts
it. Files under `_app/immutable/` have content hashes in their names and are cached for a
year."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from litestar import Response
from litestar.exceptions import NotFoundException

from chancy_web.types import AnyRequest

IMMUTABLE = "_app/immutable/"

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
#: Compressed siblings the build writes, best first.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def accepts(accept_encoding: str, coding: str) -> bool:
    """Whether an `Accept-Encoding` header allows `coding` (q=0 refuses it)."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in (coding, "*"):
            q = params.strip()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


@dataclass(frozen=True)
class Body:
    mtime_ns: int
    data: bytes
    etag: str


class FileCache:
    """The files under `root`, as `Body`s, cached until they change on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._files: dict[Path, Body] = {}
        self._lock = Lock()

    def read(self, path: Path) -> Body | None:
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            return None
        cached = self._files.get(path)
        if cached is not None and cached.mtime_ns == mtime:
            return cached
        data = path.read_bytes()
        body = Body(mtime, data, '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"')
        with self._lock:
            self._files[path] = body
        return body

    def resolve(self, relative: str) -> Path | None:
        """The file at `relative` inside the root, or None (also for `..` escapes and the
        compressed siblings, which are only sent by negotiation)."""
        if not relative or relative.endswith((".br", ".gz")):
            return None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path

    def response(self, request: AnyRequest, path: Path, headers: dict[str, str]) -> Response[bytes]:
        """`path` for `request`, with `headers`, compressed if accepted, 304 if unchanged."""
        relative = path.relative_to(self.root).as_posix()
        immutable = relative.startswith(IMMUTABLE)
        headers = {
            **headers,
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
