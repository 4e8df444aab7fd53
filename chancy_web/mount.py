"""Where the app is mounted, so that cookies and the dashboard's base path follow the prefix."""

from __future__ import annotations

from typing import Any


def mount_prefix(scope: Any) -> str:
    """The path prefix the app is served under ("" at the root, "/ops/jobs" when mounted).

    Starlette-style mounts and proxies set `root_path`. A Litestar mount leaves `root_path`
    empty and strips the prefix from `path`, but `raw_path` still holds the full path.
    """
    root_path = str(scope.get("root_path") or "")
    if root_path:
        return root_path.rstrip("/")
    raw = scope.get("raw_path")
    path: str = scope.get("path") or ""
    if raw is None:
        return ""
    full = bytes(raw).decode("latin-1").split("?", 1)[0]
    if path and full.endswith(path) and full != path:
        return full[: -len(path)].rstrip("/")
    return ""
