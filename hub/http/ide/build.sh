#!/usr/bin/env bash
# Build the offline GraphiQL assets served under /ide-assets/ (see hub/http/ide/page.py).
#
# Installs the versions pinned in package-lock.json with `npm ci` and copies the
# browser (UMD) bundles into hub/http/ide/static/ (gitignored). A stamp file holding the
# sha256 of the lock file (and of this script) makes a second run a no-op.
# Set IDE_FORCE_BUILD=1 to rebuild regardless of the stamp.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
static="$here/static"
stamp="$static/.build-stamp"

# source (relative to node_modules/) -> file name under static/
assets=(
    "react/umd/react.production.min.js:react.production.min.js"
    "react-dom/umd/react-dom.production.min.js:react-dom.production.min.js"
    "graphiql/graphiql.min.js:graphiql.min.js"
    "graphiql/graphiql.min.css:graphiql.min.css"
)

want_stamp="lock-sha256 $(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
script-sha256 $(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)"

up_to_date() {
    [[ -f "$stamp" ]] || return 1
    [[ "$(cat "$stamp")" == "$want_stamp" ]] || return 1
    local entry
    for entry in "${assets[@]}"; do
        [[ -s "$static/${entry#*:}" ]] || return 1
    done
}

if [[ "${IDE_FORCE_BUILD:-0}" != "1" ]] && up_to_date; then
    echo "hub/http/ide: static assets up to date"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "hub/http/ide/build.sh: npm not found (Node.js >= 20 is required to build the IDE assets)" >&2
    exit 1
fi

echo "hub/http/ide: npm ci"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

staging="$here/node_modules/.static-staging"
rm -rf "$staging"
mkdir -p "$staging"
for entry in "${assets[@]}"; do
    src="$here/node_modules/${entry%%:*}"
    if [[ ! -s "$src" ]]; then
        echo "hub/http/ide/build.sh: missing $src (does the pinned version still ship a UMD bundle?)" >&2
        exit 1
    fi
    cp "$src" "$staging/${entry#*:}"
done

# The page must work offline: refuse a stylesheet that pulls anything from the network.
if grep -Eiq '@import|url\(["'\'']?(https?:)?//' "$staging/graphiql.min.css"; then
    echo "hub/http/ide/build.sh: graphiql.min.css references external resources" >&2
    exit 1
fi

printf '%s\n' "$want_stamp" >"$staging/.build-stamp"
rm -rf "$static"
mv "$staging" "$static"
echo "hub/http/ide: built $(du -sh "$static" | cut -f1) of assets in $static"
