#!/usr/bin/env bash
# Runs the platform on http://127.0.0.1:3000 with an embedded SQLite database under
# ./data and demo data (set DATABASE_URL=postgres://… to use PostgreSQL instead).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
export DATA_DIR="${DATA_DIR:-$ROOT/data}"
say "building and serving on http://127.0.0.1:3000 (demo accounts in README.md)"
exec cargo leptos serve "$@"
