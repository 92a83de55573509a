#!/usr/bin/env bash
# The benchmark (README "Benchmark"): builds the release server and the load generator,
# then runs it. Arguments go to the load generator (--season, --voters, --votes, --concurrency,
# --tally-votes, --pages); DATABASE_URL=postgres://… runs it on PostgreSQL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$ROOT/scripts/build.sh"
cd "$ROOT"
# the pages are measured with the bundle users get, hydration in Chromium
build_bundle
need_browser
say "building the release server and the load generator"
cargo build --release -p wsis-server --bins
say "running the benchmark"
exec "$CARGO_TARGET_DIR/release/bench" "$@"
