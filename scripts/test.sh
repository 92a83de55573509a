#!/usr/bin/env bash
# Runs every test: domain unit and property tests, HTTP integration tests against a
# real server (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), and the browser
# tests in Chromium against the built platform.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

say "building the platform (server and WebAssembly)"
cargo leptos build

say "domain: unit and property tests"
cargo test -p wsis --features ssr

# Each test makes its own database and data folder; clear those of earlier runs.
rm -rf "${TMPDIR:-/tmp}"/wsis-test-* 2>/dev/null || true
if [ -n "${TEST_DATABASE_URL:-}" ] && command -v psql >/dev/null; then
  for db in $(psql "$TEST_DATABASE_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'wsis_test_%'" 2>/dev/null || true); do
    psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true
  done
fi

say "HTTP integration tests (SQLite${TEST_DATABASE_URL:+ and PostgreSQL})"
cargo test -p wsis-server

say "browser tests (Playwright, Chromium)"
need_browser
E2E_DIR="$(mktemp -d)"
PORT="${E2E_PORT:-3100}"
LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT="$ROOT/target/site" DATA_DIR="$E2E_DIR" \
  PUBLIC_URL="http://127.0.0.1:$PORT" DATABASE_URL="" \
  "$CARGO_TARGET_DIR/debug/wsis-server" > "$E2E_DIR/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 $SERVER_PID 2>/dev/null || { cat "$E2E_DIR/server.log"; exit 1; }
  sleep 0.5
done
(cd end2end && BASE_URL="http://127.0.0.1:$PORT" OUTBOX_DIR="$E2E_DIR/outbox" npx playwright test) || {
  echo "--- server log"; tail -n 50 "$E2E_DIR/server.log"; exit 1; }
say "all tests passed"
