#!/usr/bin/env bash
# Install the third-party federation tooling the tests run (see docs/federation.md):
# @theguild/federation-composition, Hive Gateway, graphql-http (the audit and the court fixture).
#
# Installs exactly the versions pinned in package-lock.json with `npm ci` into
# tests/federation/node_modules/ (gitignored). A stamp holding the sha256 of the lock file (and
# of this script) makes a second run a no-op. Set FEDERATION_FORCE_BUILD=1 to reinstall.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stamp="$here/node_modules/.build-stamp"

want_stamp="lock-sha256 $(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
script-sha256 $(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)"

if [[ "${FEDERATION_FORCE_BUILD:-0}" != "1" && -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" ]]; then
    echo "tests/federation: node modules up to date"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "tests/federation/build.sh: npm not found (Node.js >= 20 is required for the federation tests)" >&2
    exit 1
fi

echo "tests/federation: npm ci"
started=$(date +%s)
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
printf '%s\n' "$want_stamp" >"$stamp"
echo "tests/federation: installed in $(( $(date +%s) - started )) s"
