"""chancy-web: the API and dashboard for the Chancy job queue."""

from chancy_web.__about__ import __version__
from chancy_web.app import create_app
from chancy_web.auth.backends import AuthBackend, SimpleAuthBackend
from chancy_web.auth.roles import Role
from chancy_web.auth.schemas import User
from chancy_web.core import CoreApiPlugin
from chancy_web.extensions import ApiPlugin, RouteT
from chancy_web.plugin import Api
from chancy_web.settings import Settings

__all__ = [
    "Api",
    "ApiPlugin",
    "AuthBackend",
    "CoreApiPlugin",
    "Role",
    "RouteT",
    "Settings",
    "SimpleAuthBackend",
    "User",
    "__version__",
    "create_app",
]
