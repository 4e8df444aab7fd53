"""Remake the README's screenshots (docs/screenshots/*.png) from the browser tests' set-up.

    python scripts/screenshots.py [output-dir]

Needs what the browser tests need: Debian's Chromium at /usr/bin/chromium and a built
dashboard (bash scripts/build_ui.sh). Postgres comes from CHANCY_WEB_TEST_DSN or an embedded
server, as in the tests.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    env = {**os.environ, "CHANCY_WEB_SCREENSHOTS": str(out.resolve())}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/e2e/screenshots.py",
        "tests/e2e/plugin_screenshots.py",
    ]
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode == 0:
        print("\n".join(sorted(os.path.relpath(p, ROOT) for p in out.glob("*.png"))))
    sys.exit(result.returncode)
