"""The OpenAPI 3.1 document, without a database: for `chancy-web openapi` and the UI's types."""

from __future__ import annotations

import json
from typing import Any

from chancy import Chancy
from chancy.plugins.cron import Cron

from chancy_web.app import create_app
from chancy_web.auth.backends import AuthBackend
from chancy_web.validation import FinishedJsonSchema


class _NoUsers(AuthBackend):
    async def login(self, request: Any, username: str, password: str) -> bool:
        return False


def openapi_document() -> dict[str, Any]:
    # Nothing connects: the app is composed only to read its schema. Cron is not one of
    # Chancy's default plugins; with it, the document covers every built-in route.
    chancy = Chancy("postgresql:///unused", plugins=[Cron()])
    app = create_app(chancy, authentication_backend=_NoUsers())
    assert app.openapi_config is not None
    render_plugins = app.openapi_config.render_plugins
    (renderer,) = (p for p in render_plugins if isinstance(p, FinishedJsonSchema))
    return renderer.finish(app.openapi_schema.to_schema())


def openapi_json() -> str:
    return json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"
