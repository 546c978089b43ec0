#!/usr/bin/env bash
# The browser tests drive Debian's chromium (playwright's own download does not work here).
# Installed from Debian's packages when missing and we may; otherwise the tests skip, saying why.
CHROMIUM=${CREDIT_HUB_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests (apt-get install -y chromium)"
  apt-get install -y -q chromium >/dev/null 2>&1 || apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1 || true
fi
[ -x "$CHROMIUM" ] || echo "no chromium at $CHROMIUM: the browser tests will be skipped (apt-get install -y chromium)"
exit 0
