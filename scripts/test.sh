#!/usr/bin/env bash
# The whole test suite: set up .venv with test dependencies and system packages, then run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
exec .venv/bin/python -m pytest "$@"
