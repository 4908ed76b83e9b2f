#!/usr/bin/env bash
# Create .venv and install oncograph into it (with test extras when asked). Idempotent; safe to re-run.
#   bash scripts/bootstrap.sh          # runtime: oncograph with the explorer ([serve]) and its front-end packages
#   bash scripts/bootstrap.sh test     # + test dependencies and the system packages the tests use
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "oncograph needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2; exit 2
fi
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv ..." >&2
  "$PY" -m venv .venv || {
    echo "python3 -m venv failed; installing Debian's python3-venv" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    "$PY" -m venv .venv; }
fi
extra=${1:-serve}
stamp=.venv/.oncograph-installed-$extra
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "installing oncograph[$extra] into .venv ..." >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[$extra]"
  touch "$stamp"
fi
# The explorer's JavaScript (cytoscape) comes from the npm registry at install time, pinned by package-lock.json.
bash scripts/frontend-deps.sh
if [ "$extra" = test ]; then
  bash scripts/system-deps.sh
  bash scripts/browser-deps.sh
fi
