#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there.
# Sourced by run.sh and test.sh; safe to run again (a second run installs nothing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# the project's cargo tools (wasm-bindgen) live in CARGO_HOME (default ~/.cargo)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
# One build directory outside the clone, shared by every checkout and by CI.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/wsis-prizes/target}"
mkdir -p "$CARGO_TARGET_DIR"
# Incremental caches of the Leptos crates take gigabytes; full builds do not use them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# cargo-leptos compiles Leptos with this variable set (it names the wasm bundle); setting it
# for plain cargo commands too keeps one set of compiled artefacts for builds and tests.
export LEPTOS_OUTPUT_NAME=wsis

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "please install: $*" >&2; return 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The linker named in .cargo/config.toml.
command -v mold >/dev/null || { say "installing mold"; apt_install mold; }
# The bundle's files are compressed at build time (brotli and gzip).
command -v brotli >/dev/null || { say "installing brotli"; apt_install brotli; }

# rust-toolchain.toml names the toolchain and the wasm target; rustup adds them on first use.
(cd "$ROOT" && rustup show active-toolchain >/dev/null 2>&1 || true)
(cd "$ROOT" && rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown) \
  || (cd "$ROOT" && rustup target add wasm32-unknown-unknown)


# The bundle's wasm-bindgen must match the wasm-bindgen crate of Cargo.lock.
need_wasm_bindgen() {
  local version
  version="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
  if [ "$("${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen" --version 2>/dev/null || true)" != "wasm-bindgen $version" ]; then
    say "installing wasm-bindgen-cli $version (matching Cargo.lock)"
    # its own temporary build directory, not the shared one the server is building in
    env -u CARGO_TARGET_DIR cargo install --quiet wasm-bindgen-cli --version "=$version"
  fi
}

# Release builds run wasm-opt; Debian's binaryen breaks hydration, npm's works.
need_wasm_opt() {
  if [ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ]; then
    say "installing wasm-opt (npm binaryen)"
    (cd "$ROOT/end2end" && npm install --no-audit --no-fund --silent >/dev/null)
  fi
  export PATH="$ROOT/end2end/node_modules/.bin:$PATH"
}

need_browser() {
  command -v chromium >/dev/null || { say "installing Chromium"; apt_install chromium; }
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ ! -d "$ROOT/end2end/node_modules/@axe-core/playwright" ] || [ ! -d "$ROOT/end2end/node_modules/oidc-provider" ]; then
    say "installing Playwright (no browser download) and the test OpenID provider"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent >/dev/null)
  fi
}

# schemathesis (from PyPI, in a virtual environment beside the build directory) checks the
# public API against its OpenAPI document.
SCHEMATHESIS_VERSION=4.32.5
need_schemathesis() {
  local venv="${WSIS_VENV:-$HOME/.cache/wsis-prizes/venv}"
  if [ "$("$venv/bin/st" --version 2>/dev/null || true)" != "st, version $SCHEMATHESIS_VERSION" ]; then
    say "installing schemathesis $SCHEMATHESIS_VERSION"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  export PATH="$venv/bin:$PATH"
}

# aiosmtpd (from PyPI, in the same virtual environment): the real SMTP server the mail
# queue's tests deliver to (end2end/smtp/server.py).
AIOSMTPD_VERSION=1.4.6
need_aiosmtpd() {
  local venv="${WSIS_VENV:-$HOME/.cache/wsis-prizes/venv}"
  if [ "$("$venv/bin/python" -c 'import aiosmtpd; print(aiosmtpd.__version__)' 2>/dev/null || true)" != "$AIOSMTPD_VERSION" ]; then
    say "installing aiosmtpd $AIOSMTPD_VERSION"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
  fi
  AIOSMTPD_PYTHON="$venv/bin/python"
}
