#!/usr/bin/env bash
# The HTML report is tested in headless Chromium from Debian (never a downloaded browser).
# Installs it when missing and we may (root with apt-get); otherwise says how.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian chromium for the browser tests…" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "chromium is not installed: the browser tests will fail. Install it with: sudo apt-get install chromium" >&2
fi
