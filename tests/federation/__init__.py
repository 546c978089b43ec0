"""Tests of hub/federation/ (SDL, edge scopes); the Hive Gateway kit they drive lives here too
(build.sh, package.json, *.mjs)."""
