#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests marked `browser`, driven through Playwright with
# executable_path=/usr/bin/chromium). Installs it only when missing; never downloads a browser build of its own
# (no `playwright install`). Fonts come with chromium's recommended packages.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium is missing; install Debian's chromium package (as root: apt-get install chromium)" >&2
  exit 2
fi
echo "installing Debian's chromium for the browser tests ..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null || { echo "chromium did not install" >&2; exit 1; }
