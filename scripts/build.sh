#!/usr/bin/env bash
# Builds the platform without cargo-leptos: the server (dev profile, shared with the tests)
# and the browser bundle users get (size-optimised WebAssembly, wasm-bindgen, wasm-opt),
# into target/site. Sourced by run.sh and test.sh after setup.sh; WSIS_DEV_BUNDLE=1 skips
# the optimisation for a quicker developer build.
set -euo pipefail
SITE="$ROOT/target/site"
mkdir -p "$SITE/pkg"
# The bundle has a build directory of its own, so that it builds while the server does
# (cargo locks a build directory for one build at a time); its size-optimised link runs on
# one core while the server's crates take the other.
WASM_TARGET_DIR="${WASM_TARGET_DIR:-$CARGO_TARGET_DIR-wasm}"

# Called as `build_bundle || …`, where errexit does not apply: each step that can fail
# returns at once, so that a bundle that did not compile is never served.
build_bundle() {
  local profile=wasm-release
  [ "${WSIS_DEV_BUNDLE:-0}" = 1 ] && profile=dev
  need_wasm_bindgen
  say "building the browser bundle ($profile)"
  CARGO_TARGET_DIR="$WASM_TARGET_DIR" cargo build -p wsis-app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --profile "$profile" || return 1
  local dir="$profile"
  [ "$profile" = dev ] && dir=debug
  local wasm="$WASM_TARGET_DIR/wasm32-unknown-unknown/$dir/wsis_app.wasm"
  local stamp="$SITE/pkg/.built-from"
  local sum
  sum="$(sha256sum "$wasm" "$ROOT/style/main.css" | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -f "$SITE/pkg/wsis.wasm" ] \
    && { [ "$profile" = dev ] || [ -f "$SITE/pkg/wsis.wasm.br" ]; }; then
    return
  fi
  rm -f "$SITE/pkg"/wsis*
  wasm-bindgen --target web --no-typescript --out-dir "$SITE/pkg" --out-name wsis "$wasm" || return 1
  # Leptos names the module after LEPTOS_OUTPUT_NAME (set by setup.sh for every build)
  mv "$SITE/pkg/wsis_bg.wasm" "$SITE/pkg/wsis.wasm"
  if [ "$profile" = wasm-release ]; then
    need_wasm_opt
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
      "$SITE/pkg/wsis.wasm" -o "$SITE/pkg/wsis.opt.wasm" || return 1
    mv "$SITE/pkg/wsis.opt.wasm" "$SITE/pkg/wsis.wasm"
  fi
  cp "$ROOT/style/main.css" "$SITE/pkg/wsis.css"
  if [ "$profile" = wasm-release ]; then
    # compressed once here; the server sends these to browsers that accept them
    for f in wsis.wasm wsis.js wsis.css; do
      brotli -f -q 11 -k "$SITE/pkg/$f"
      gzip -f -9 -k "$SITE/pkg/$f"
    done
  fi
  cp -r "$ROOT/public/." "$SITE/"
  echo "$sum" > "$stamp"
}

build_server() {
  say "building the server"
  cargo build -p wsis-server --bins
}

# The server (and, with "tests", the test binaries) in the background while the bundle
# builds; fails when either fails.
build_all() { # [tests]
  local what="${1:-}"
  (
    build_server
    if [ "$what" = tests ]; then say "building the tests"; cargo test -p wsis -p wsis-server --no-run; fi
  ) &
  local server=$!
  local bundle=0
  build_bundle || bundle=$?
  local built=0
  wait "$server" || built=$?
  [ "$bundle" = 0 ] && [ "$built" = 0 ] || { echo "the build failed" >&2; return 1; }
}
