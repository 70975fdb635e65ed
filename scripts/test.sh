#!/usr/bin/env bash
# Install the engine with its test tools into .venv and run every check: lint, format, types, and the whole test
# suite (SQLite and a throwaway PostgreSQL server started from the machine's binaries).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
echo "Installing the engine and its test tools into .venv (log: .venv/install.log) ..."
{ .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -c constraints.txt -e ".[test]" ; } \
  > .venv/install.log 2>&1 || { tail -n 40 .venv/install.log; exit 1; }
echo "ruff, mypy, pytest ..."
.venv/bin/ruff check engine review_ui tests bench
.venv/bin/ruff format --check engine review_ui tests bench
.venv/bin/mypy
.venv/bin/pytest "$@"
