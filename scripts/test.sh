#!/usr/bin/env bash
# Runs every test: domain unit and property tests, HTTP integration tests against a
# real server (SQLite, and PostgreSQL when TEST_DATABASE_URL is set; under CI a missing
# PostgreSQL fails), the red-team suite, the public API against its OpenAPI document, and
# the browser tests in Chromium against the bundle users get.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$ROOT/scripts/build.sh"
cd "$ROOT"

build_all tests

# Each test makes its own database and data folder; clear those of earlier runs.
rm -rf "${TMPDIR:-/tmp}"/wsis-test-* 2>/dev/null || true
if [ -n "${TEST_DATABASE_URL:-}" ] && command -v psql >/dev/null; then
  for db in $(psql "$TEST_DATABASE_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'wsis_test_%'" 2>/dev/null || true); do
    psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true
  done
fi

# a real OpenID Connect provider (oidc-provider from npm) for the sign-in tests
need_browser
OIDC_PORT="${OIDC_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
(cd end2end && OIDC_PORT="$OIDC_PORT" exec node oidc/provider.mjs) > "${TMPDIR:-/tmp}/wsis-oidc-provider.log" 2>&1 &
OIDC_PID=$!
trap 'kill $OIDC_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$OIDC_PORT/.well-known/openid-configuration" >/dev/null 2>&1 && break
  kill -0 "$OIDC_PID" 2>/dev/null || { cat "${TMPDIR:-/tmp}/wsis-oidc-provider.log"; exit 1; }
  sleep 0.5
done
export TEST_OIDC_ISSUER="http://127.0.0.1:$OIDC_PORT"

# a real SMTP server (aiosmtpd from PyPI) for the mail queue's tests
need_aiosmtpd
SMTP_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export TEST_SMTP_DIR="$(mktemp -d)"
SMTP_DIR="$TEST_SMTP_DIR" SMTP_PORT="$SMTP_PORT" "$AIOSMTPD_PYTHON" "$ROOT/end2end/smtp/server.py" > "${TMPDIR:-/tmp}/wsis-smtp-server.log" 2>&1 &
SMTP_PID=$!
trap 'kill $OIDC_PID $SMTP_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 40); do
  grep -q "SMTP server on" "${TMPDIR:-/tmp}/wsis-smtp-server.log" 2>/dev/null && break
  kill -0 "$SMTP_PID" 2>/dev/null || { cat "${TMPDIR:-/tmp}/wsis-smtp-server.log"; exit 1; }
  sleep 0.25
done
export TEST_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"

BACKENDS="SQLite${TEST_DATABASE_URL:+ and PostgreSQL}"
say "unit, property, HTTP integration and red-team tests on $BACKENDS"
# every test server holds a pool of its own on one PostgreSQL server (100 connections):
# small pools, so that tests running side by side, two nodes each, never exhaust it
DATABASE_MAX_CONNECTIONS="${DATABASE_MAX_CONNECTIONS:-16}" cargo test -p wsis -p wsis-server

say "starting demo servers for the API and browser tests"
E2E_DIR="$(mktemp -d)"
PORT="${E2E_PORT:-3100}"
REVIEW_PORT=$((PORT + 1))
# Two demo servers: one with voting open, one brought to the expert review (DEMO_PHASE).
start_server() { # port data-dir demo-phase
  mkdir -p "$2"
  LEPTOS_SITE_ADDR="127.0.0.1:$1" LEPTOS_SITE_ROOT="$ROOT/target/site" DATA_DIR="$2" \
    PUBLIC_URL="http://127.0.0.1:$1" DATABASE_URL="" DEMO_DATA=1 DEMO_PHASE="$3" POW_WAIT_SECS=2 \
    OIDC_ISSUER="$TEST_OIDC_ISSUER" OIDC_CLIENT_ID=wsis-prizes OIDC_CLIENT_SECRET=wsis-prizes-test-secret OIDC_NAME="Test Identity" \
    "$CARGO_TARGET_DIR/debug/wsis-server" > "$2/server.log" 2>&1 &
  echo $!
}
SERVER_PID=$(start_server "$PORT" "$E2E_DIR/voting" "")
REVIEW_PID=$(start_server "$REVIEW_PORT" "$E2E_DIR/review" review)
trap 'kill $SERVER_PID $REVIEW_PID $OIDC_PID $SMTP_PID 2>/dev/null || true' EXIT
for p in "$PORT:$SERVER_PID:voting" "$REVIEW_PORT:$REVIEW_PID:review"; do
  IFS=: read -r port pid dir <<< "$p"
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$E2E_DIR/$dir/server.log"; exit 1; }
    sleep 0.5
  done
done
say "public API against its OpenAPI document (schemathesis)"
need_schemathesis
st run "http://127.0.0.1:$PORT/api/v1/openapi.json" --url "http://127.0.0.1:$PORT" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing --max-examples 40 --seed 2026 || {
  echo "--- server log"; tail -n 50 "$E2E_DIR/voting/server.log"; exit 1; }

say "browser tests (Playwright, Chromium)"
(cd end2end && BASE_URL="http://127.0.0.1:$PORT" REVIEW_BASE_URL="http://127.0.0.1:$REVIEW_PORT" \
  OUTBOX_DIR="$E2E_DIR/voting/outbox" npx playwright test) || {
  for d in voting review; do echo "--- $d server log"; tail -n 50 "$E2E_DIR/$d/server.log"; done; exit 1; }
# a panic in a server's log fails the run, even when every answer the tests saw was right
for d in voting review; do
  if grep -q "panicked at" "$E2E_DIR/$d/server.log"; then
    echo "--- the $d server panicked:"; grep -A5 "panicked at" "$E2E_DIR/$d/server.log" | head -n 40; exit 1
  fi
done
say "all tests passed (integration tests on $BACKENDS)"
