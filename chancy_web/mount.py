"""Where the app is mounted, so that cookies and the dashboard's base path follow the prefix."""

from __future__ import annotations

from urllib.parse import unquote

from litestar.types import Scope


def mount_prefix(scope: Scope) -> str:
    """The path prefix the app is served under, '' at the root.

    Starlette's `Mount` and `uvicorn --root-path` set `root_path`. A Litestar mount
    (`asgi(path, is_mount=True)`) only strips its prefix from `path`, so the prefix is what
    `raw_path` has in front of `path`.
    """
    root = str(scope.get("root_path") or "")
    raw = scope.get("raw_path")
    derived = ""
    if raw:
        full = unquote(raw.decode("latin-1")).rstrip("/")
        tail = str(scope.get("path", "")).rstrip("/")
        if not tail:
            derived = full
        elif full.endswith(tail):
            derived = full[: -len(tail)]
    return (derived or root).rstrip("/")
