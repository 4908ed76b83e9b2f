#!/usr/bin/env bash
# The main job: set up .venv, build the graph from data/, validate it, write the release to dist/ (or $1), summarise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/oncograph build --out "${1:-dist}"
