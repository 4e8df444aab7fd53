"""A real worker running the real WorkflowPlugin, and a client of an app that serves workflows."""

from __future__ import annotations

from chancy.plugins.leadership import ImmediateLeadership
from chancy.plugins.workflow import WorkflowPlugin

from tests.helpers import plugin_app_fixtures

#: Worked only by `workflow_worker`.
WORKFLOW_QUEUE = "workflows"
#: Worked by nobody: workflows whose steps go there never finish.
IDLE_QUEUE = "workflows-idle"

# The workflow scheduler runs on the leader only; this worker leads from its first second
# (the real election takes a minute). Another leader elsewhere would be harmless.
workflow_chancy, workflow_worker, workflow_client = plugin_app_fixtures(
    "workflow",
    plugins=lambda: [ImmediateLeadership(), WorkflowPlugin(polling_interval=1)],
    queue=WORKFLOW_QUEUE,
    served=WorkflowPlugin,
)
