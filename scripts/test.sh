#!/usr/bin/env bash
# The README's test command: lint, types, then the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m ruff check solver sandbox tests
python3 -m mypy
python3 -m pytest -q "$@"
