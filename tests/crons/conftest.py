"""A real worker running the real Cron plugin, and a client of an app that serves crons."""

from __future__ import annotations

from chancy.plugins.cron import Cron

from tests.helpers import plugin_app_fixtures

#: Worked only by `cron_worker`.
CRON_QUEUE = "crons"
#: Worked by nobody: its jobs stay pending.
IDLE_QUEUE = "crons-idle"

# The Cron plugin polls the schedules every second (it does not wait for leadership); its
# table needs migrating.
cron_chancy, cron_worker, cron_client = plugin_app_fixtures(
    "cron", plugins=lambda: [Cron(poll_interval=1)], queue=CRON_QUEUE, served=Cron, migrate=True
)
