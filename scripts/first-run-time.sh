#!/usr/bin/env bash
# Measures what a newcomer waits for: clones this repository into a temporary folder with
# an empty target directory and an empty cargo home for the project's tools, runs the run
# command until /readyz answers, and prints each step's duration; then the second run
# (nothing changed) and, with --test, the test command after it.
#   scripts/first-run-time.sh [--test]
# Packages installed system-wide by an earlier run (mold, brotli, Chromium) stay installed;
# the cargo registry (~/.cargo/registry) is shared unless FIRST_RUN_EMPTY_REGISTRY=1.
# FIRST_RUN_TARGET_DIR names the (empty) target directory to use instead of a temporary one,
# and FIRST_RUN_KEEP_TOOLS=1 installs the tools into ~/.cargo itself (empty of them on a
# fresh machine), so that a fresh machine's measurement also warms the machine for later
# builds: dependency sources at another path would make every later build start over.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="$(mktemp -d)"
PORT="${FIRST_RUN_PORT:-3900}"
export CARGO_TARGET_DIR="${FIRST_RUN_TARGET_DIR:-$TMP/target}"
export CARGO_HOME="$TMP/cargo-home"
if [ "${FIRST_RUN_KEEP_TOOLS:-0}" = 1 ]; then
  # the machine's own cargo home, which a fresh machine has without the project's tools:
  # the builds then find their dependencies where later builds look, and stay warm
  CARGO_HOME="${CARGO_HOME_DEFAULT:-$HOME/.cargo}"
  if [ -x "$CARGO_HOME/bin/wasm-bindgen" ]; then
    echo "note: $CARGO_HOME/bin already holds wasm-bindgen; its install is not measured" >&2
  fi
fi
mkdir -p "$CARGO_HOME"
# the shared registry keeps the dependency sources where later builds look for them (an empty
# one on a fresh machine, so the downloads are measured too)
if [ "${FIRST_RUN_EMPTY_REGISTRY:-0}" != 1 ] && [ "$CARGO_HOME" != "$HOME/.cargo" ]; then
  mkdir -p "$HOME/.cargo/registry"
  ln -s "$HOME/.cargo/registry" "$CARGO_HOME/registry"
fi
export PATH="$CARGO_HOME/bin:$PATH"
git clone -q "$ROOT" "$TMP/wsis"
cd "$TMP/wsis"

# runs the run command in the background, prints "+seconds line" for every step it starts,
# and returns once /readyz answers
serve() { # log
  local start=$1 log=$2
  (LEPTOS_SITE_ADDR="127.0.0.1:$PORT" PUBLIC_URL="http://127.0.0.1:$PORT" DATA_DIR="$TMP/data" \
    bash scripts/run.sh 2>&1 | while IFS= read -r l; do printf '%6ds %s\n' "$(( $(date +%s) - start ))" "$l"; done > "$log") &
  until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
    sleep 1
    # run.sh ends by exec-ing the server: either process means the run command is alive
    if ! pgrep -f "scripts/run.sh|$CARGO_TARGET_DIR/debug/wsis-server" >/dev/null && ! curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then
      cat "$log"; echo "the run command stopped before serving" >&2; exit 1
    fi
  done
}
stop() { pkill -f "$CARGO_TARGET_DIR/debug/wsis-server" 2>/dev/null || true; sleep 1; }
keep_tools() {
  if [ "${FIRST_RUN_KEEP_TOOLS:-0}" = 1 ] && [ "$CARGO_HOME" != "$HOME/.cargo" ] && [ -d "$CARGO_HOME/bin" ]; then
    mkdir -p "$HOME/.cargo/bin" && cp -n "$CARGO_HOME/bin/"* "$HOME/.cargo/bin/" 2>/dev/null || true
  fi
}
trap 'stop; keep_tools; rm -rf "$TMP"' EXIT

date -u +"first run from a fresh clone, %Y-%m-%d %H:%M UTC, $(nproc) cores"
t0=$(date +%s)
serve "$t0" "$TMP/first.log"
first=$(( $(date +%s) - t0 ))
grep -E '==>|Finished' "$TMP/first.log" | sed 's/\x1b\[[0-9;]*m//g'
stop
t1=$(date +%s)
serve "$t1" "$TMP/second.log"
second=$(( $(date +%s) - t1 ))
stop
printf 'first run: serving after %d min %d s\nsecond run (nothing changed): serving after %d s\n' $((first / 60)) $((first % 60)) "$second"
if [ "${1:-}" = --test ]; then
  t2=$(date +%s)
  bash scripts/test.sh > "$TMP/test.log" 2>&1 || { tail -n 40 "$TMP/test.log"; exit 1; }
  t=$(( $(date +%s) - t2 ))
  printf 'test command after the run command: %d min %d s; crates compiled for the tests: %s\n' $((t / 60)) $((t % 60)) \
    "$(grep -c Compiling "$TMP/test.log" || true)"
fi
