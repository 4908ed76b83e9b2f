#!/usr/bin/env bash
# The explorer's front-end packages (src/oncograph/serve/frontend/package.json), installed with `npm ci` from the
# lock file; never copied into the repository. Installs Debian's npm first when it is missing. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
FRONTEND=src/oncograph/serve/frontend
if [ -f "$FRONTEND/node_modules/.package-lock.json" ] && [ ! "$FRONTEND/package-lock.json" -nt "$FRONTEND/node_modules/.package-lock.json" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "npm is missing; install Node.js and npm (as root: apt-get install npm), then rerun" >&2; exit 2
  fi
  echo "installing Debian's npm for the explorer's front-end packages ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
echo "installing the explorer's front-end packages (npm ci) ..." >&2
npm ci --prefix "$FRONTEND" --no-audit --no-fund --loglevel=error >/dev/null
