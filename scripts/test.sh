#!/usr/bin/env bash
# Run the test suite on a fresh Debian/Ubuntu machine: installs what it needs (Qt's libraries,
# PostgreSQL for the central server's tests, a virtualenv), starts a throw-away PostgreSQL, then
# lints and tests. Long loops (kill tests) run short by default; WORKSTATION_LONG_TESTS=1 runs
# them long. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_debs $QT_RUNTIME_DEBS postgresql poppler-utils  # poppler: pdftoppm renders document pages to PNG
make_venv "[dev]"
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/ruff format --check .
if [ -z "${WORKSTATION_TEST_PG_URL:-}" ]; then
    WORKSTATION_TEST_PG_URL="$(bash scripts/pg-test-cluster.sh start)"
    export WORKSTATION_TEST_PG_URL
    trap 'bash scripts/pg-test-cluster.sh stop' EXIT
fi
.venv/bin/pytest "$@"
