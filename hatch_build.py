"""Make sure the prebuilt dashboard ships in every wheel and sdist.

`chancy_web/static/` is git-ignored. A wheel built from a git checkout builds it
with npm when it is missing; a wheel built from an sdist finds it already there
and needs no Node at all. Editable installs skip the check, so Python-only work
never needs Node either.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class UIBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            return
        root = Path(self.root)
        if (root / "chancy_web" / "static" / "index.html").is_file():
            return
        if shutil.which("npm") is None or not (root / "ui" / "package.json").is_file():
            raise RuntimeError(
                "chancy_web/static/ is missing and cannot be built here (npm or ui/ not found). "
                "Run `bash scripts/build_ui.sh` on a machine with Node 20+, or build the wheel "
                "from a released sdist, which already contains the dashboard."
            )
        self.app.display_info("Building the dashboard (scripts/build_ui.sh)...")
        subprocess.run(["bash", str(root / "scripts" / "build_ui.sh")], check=True, cwd=root)
