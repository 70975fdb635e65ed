#!/usr/bin/env bash
# Install the engine into .venv (on first run, or when its requirements change) and start the API on SQLite with
# the shipped policies and notices. Extra arguments go to `underwrite serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "Installing the engine into .venv (first run; the log is .venv/install.log) ..."
  { .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -c constraints.txt -e . ; } \
    > .venv/install.log 2>&1 || { tail -n 40 .venv/install.log; exit 1; }
  rm -f .venv/.installed-* && touch "$stamp"
fi
exec .venv/bin/underwrite serve --ui "$@"
