#!/usr/bin/env bash
# Runs the platform on http://127.0.0.1:3000 with an embedded SQLite database under
# ./data and the demo data (set DATABASE_URL=postgres://… to use PostgreSQL instead).
# Installs what is missing, builds the server and the optimised browser bundle, serves.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$ROOT/scripts/build.sh"
cd "$ROOT"
build_all
export DATA_DIR="${DATA_DIR:-$ROOT/data}"
# the demo accounts and editions are this laptop command's choice, never a server default
export DEMO_DATA="${DEMO_DATA:-1}"
export LEPTOS_SITE_ROOT="$ROOT/target/site"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
say "serving on http://$LEPTOS_SITE_ADDR (demo accounts in README.md)"
exec "$CARGO_TARGET_DIR/debug/wsis-server" "$@"
