#!/usr/bin/env bash
# Build the dashboard into chancy_web/static/ (git-ignored; shipped in the wheel and sdist).
#
#   bash scripts/build_ui.sh
#
# Installs the locked dependencies (npm ci), generates the TypeScript types from the
# committed OpenAPI schema (ui/src/lib/api/openapi.json), builds the static app, and moves
# SvelteKit's inline bootstrap script into a file so the CSP needs no inline script.
# Needs Node 20.19+ and npm; run `python scripts/export_openapi.py` first if the API changed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/ui"

if ! command -v npm >/dev/null 2>&1; then
    echo "build_ui.sh: npm is not installed (Node 20.19+ is needed to build the dashboard)" >&2
    exit 1
fi

npm ci --no-audit --no-fund
rm -rf "$root/chancy_web/static"
npm run build
test -f "$root/chancy_web/static/index.html"
echo "Dashboard built into chancy_web/static/"
