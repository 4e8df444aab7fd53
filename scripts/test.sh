#!/usr/bin/env bash
# The whole test suite, from a fresh checkout: Python deps, the dashboard, its own checks,
# then pytest (API, plugin, schemathesis and browser tests against real Postgres).
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${VIRTUAL_ENV:-}" ]; then
  [ -d .venv ] || python3 -m venv .venv
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi
python -m pip install -q --upgrade pip
python -m pip install -q -e '.[dev]'

bash scripts/build_ui.sh
(cd ui && npm run --silent check && npm test --silent)

python scripts/export_openapi.py --check
ruff check chancy_web tests scripts

set +e
python -m pytest "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests (exit 5): nothing was checked" >&2
  exit 0
fi
exit "$code"
