#!/usr/bin/env bash
# Refreshes src/db/disposable_domains.txt from the npm package `disposable-email-domains`
# (the community-maintained list). Admins add domains of their own on /admin/accounts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack "disposable-email-domains@${1:-latest}" --silent >/dev/null && tar xzf ./*.tgz)
python3 - "$TMP/package" "$ROOT/src/db/disposable_domains.txt" <<'PY'
import json, sys
pkg, out = sys.argv[1], sys.argv[2]
names = json.load(open(f"{pkg}/index.json")) + json.load(open(f"{pkg}/wildcard.json"))
names = sorted({n.strip().lower() for n in names if "." in n.strip()})
open(out, "w").write("\n".join(names) + "\n")
print(f"{len(names)} domains written to {out}")
PY
