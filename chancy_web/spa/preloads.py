"""Each page's own files (its JS chunks and CSS), from the build's route list, preloaded by
`index.html` so that they load alongside the app's rather than after it."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

#: Written by the UI build: each page's route pattern and the files it needs beyond index.html.
ROUTES_FILE = "_app/routes.json"


@dataclass(frozen=True)
class Route:
    id: str
    pattern: re.Pattern[str]
    js: tuple[str, ...]
    css: tuple[str, ...]

    def links(self, base: str) -> bytes:
        """Preload tags for this page's own files, so they load alongside the app's."""
        tags = [f'<link rel="modulepreload" href="{base}/{html.escape(f)}">' for f in self.js]
        tags += [f'<link rel="stylesheet" href="{base}/{html.escape(f)}">' for f in self.css]
        return "".join(tags).encode()


def parse_routes(data: bytes) -> list[Route]:
    """The build's ROUTES_FILE; none if it is malformed (pages then preload nothing extra)."""
    try:
        return [
            Route(r["id"], re.compile(r["pattern"]), tuple(r["js"]), tuple(r["css"]))
            for r in json.loads(data)
        ]
    except (ValueError, KeyError, TypeError, re.error):
        return []
