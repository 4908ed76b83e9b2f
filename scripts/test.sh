#!/usr/bin/env bash
# The whole test suite: set up .venv with test dependencies and system packages, lint with ruff (the rules are in
# pyproject.toml: pyflakes and pycodestyle's errors), then run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
.venv/bin/ruff check --quiet src tests bench scripts || {
  echo "ruff found the problems above; fix them (or run .venv/bin/ruff check --fix) before the tests run" >&2; exit 1; }
exec .venv/bin/python -m pytest "$@"
