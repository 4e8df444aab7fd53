"""Serving the prebuilt dashboard. (Being completed with the dashboard issue.)"""

from __future__ import annotations

from pathlib import Path

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

STATIC_DIR = Path(__file__).parent / "static"


def spa_handlers(static_dir: Path | None) -> list[HTTPRouteHandler]:
    """The catch-all route after the API's: unknown `/api/*` paths stay JSON 404s."""

    @get(["/", "/{path:path}"], include_in_schema=False, sync_to_thread=False)
    def spa(path: FromPath[str] = "") -> None:
        raise NotFoundException("The dashboard is not built: run scripts/build_ui.sh")

    return [spa]
