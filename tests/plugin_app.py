"""A Chancy app with the chancy-web Api plugin, for `chancy --app tests.plugin_app.chancy ...`."""

import os

from chancy import Chancy

from chancy_web import Api, SimpleAuthBackend

chancy = Chancy(
    os.environ["CHANCY_WEB_PLUGIN_DSN"],
    plugins=[
        Api(
            port=int(os.environ["CHANCY_WEB_PLUGIN_PORT"]),
            authentication_backend=SimpleAuthBackend(
                {"admin": os.environ["CHANCY_WEB_PLUGIN_HASH"]}
            ),
        )
    ],
)
