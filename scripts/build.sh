#!/usr/bin/env bash
# Build the installable program (one folder, dist/EnforcementWorkstation/) with PyInstaller from
# build.spec, print its size, then run its self-test from a clean environment (only PATH, LANG,
# a temporary HOME, the offscreen Qt platform and a passphrase): both executables must pass.
# Exit status 0 only when the build and both self-tests passed. CI runs it after the tests
# (.ci/run); run it before every release. Offline, with PyInstaller already in .venv (see the
# README's wheelhouse), nothing is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

NAME=EnforcementWorkstation
TARGET_MB=150
started=$(date +%s)

need_debs $QT_RUNTIME_DEBS
if [ ! -x .venv/bin/pyinstaller ]; then
    make_venv "[build]"
fi
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec
built=$(date +%s)

bundle="dist/$NAME"
size_mb=$(du -sm "$bundle" | cut -f1)
echo "Bundle: $bundle, ${size_mb} MB uncompressed (target ${TARGET_MB} MB), built in $((built - started)) s"
if [ "$size_mb" -gt "$TARGET_MB" ]; then
    echo "  over the target: the largest parts (see README, For court IT):"
    du -sm "$bundle/_internal/PySide6/Qt/lib" "$bundle/_internal/resources" \
        "$bundle/_internal/cryptography" "$bundle/_internal/PIL" "$bundle/workstation" \
        "$bundle/$NAME" 2>/dev/null | sed 's/^/    /'
fi

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
for exe in workstation "$NAME"; do
    echo "Self-test of $bundle/$exe (clean environment):"
    env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$home" QT_QPA_PLATFORM=offscreen \
        WORKSTATION_PASSPHRASE=selftest-only-passphrase \
        "$bundle/$exe" --selftest
done
env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$home" "$bundle/workstation" --version
echo "Build and self-test: $(($(date +%s) - started)) s"
