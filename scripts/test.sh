#!/usr/bin/env bash
# Run the test suite on a fresh Debian/Ubuntu machine: installs what it needs, then lints and tests.
# Long loops (kill tests, fuzzing) run short by default; WORKSTATION_LONG_TESTS=1 runs them long.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_debs $QT_RUNTIME_DEBS
make_venv "[dev]"
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/pytest "$@"
