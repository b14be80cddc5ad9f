#!/usr/bin/env bash
# Build the installable program (one folder, dist/EnforcementWorkstation/) with PyInstaller from
# build.spec, print its size, then run its self-test from a clean environment (only PATH, LANG,
# a temporary HOME, the offscreen Qt platform and a passphrase) under both of its names (on Linux
# `workstation` is a link to `EnforcementWorkstation`): both must pass. Exit status 0 only when
# the build and both self-tests passed. CI runs it after the tests
# (.ci/run); run it before every release. Offline, with PyInstaller already in .venv (see the
# README's wheelhouse), nothing is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

NAME=EnforcementWorkstation
TARGET_MB=150
# The system libraries the Linux bundle relies on instead of carrying them (build.spec,
# SYSTEM_LIBS; PyInstaller itself leaves out glibc, libxcb, OpenGL/EGL and Wayland). They must be
# on the build machine too, for the dependency check below. README, For court IT, lists them.
BUNDLE_SYSTEM_DEBS="libx11-6 libx11-xcb1 libxcb1 libxcb-glx0 libxcb-randr0 libxcb-render0 \
libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon0 \
libxkbcommon-x11-0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libcups2 \
libgssapi-krb5-2 libegl1 libgl1 libwayland-client0 libwayland-cursor0 libwayland-egl1"
# scripts/filter_icu.py cuts ICU's data down with icupkg and genccode (icu-devtools; its ICU 72
# tools read and write the data package format of PySide6's ICU 73) and links it with gcc.
ICU_TOOL_DEBS="icu-devtools gcc binutils"
started=$(date +%s)

need_debs $QT_RUNTIME_DEBS $BUNDLE_SYSTEM_DEBS $ICU_TOOL_DEBS
if [ ! -x .venv/bin/pyinstaller ]; then
    make_venv "[build]"
fi
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec
bundle="dist/$NAME"
# ICU's data, 31 MB in PySide6's wheel, cut to English and Chinese (see the script's docstring;
# the self-test below checks collation, GB18030, time zones and dates in the result).
.venv/bin/python scripts/filter_icu.py "$bundle"
built=$(date +%s)

# Every ELF file in the bundle must find each library it needs: in the bundle (the bootloader puts
# _internal/ on LD_LIBRARY_PATH) or on this system. A library left out by build.spec that this
# machine lacks would be missing on an officer's computer too.
missing=$(find "$bundle" -type f -exec sh -c \
    'for f; do if head -c4 "$f" | grep -q "^.ELF"; then echo "$f"; fi; done' sh {} + |
    while read -r elf; do
        LD_LIBRARY_PATH="$bundle/_internal" ldd "$elf" 2>&1 | grep "not found" |
            sed "s|^[[:space:]]*|  ${elf#"$bundle"/}: |" || true
    done | sort -u)
if [ -n "$missing" ]; then
    echo "Libraries not found for files in the bundle:" >&2
    echo "$missing" >&2
    exit 1
fi
echo "Dependencies: every ELF file in the bundle finds its libraries (ldd)"

size_mb=$(du -sm "$bundle" | cut -f1)
echo "Bundle: $bundle, ${size_mb} MB uncompressed (target ${TARGET_MB} MB), built in $((built - started)) s"
if [ "$size_mb" -gt "$TARGET_MB" ]; then
    echo "  OVER THE TARGET (see README, For court IT)"
fi
# The largest parts, in MB (du rounds each up).
part() {
    local label="$1"
    shift
    printf "    %4s  %s\n" "$(du -cm "$@" 2>/dev/null | tail -1 | cut -f1)" "$label"
}
internal="$bundle/_internal"
{
    part "Qt libraries (PySide6/Qt/lib)" "$internal/PySide6/Qt/lib"
    part "  of which ICU data (libicudata)" "$internal/PySide6/Qt/lib/libicudata.so".*
    part "Qt plugins" "$internal/PySide6/Qt/plugins"
    part "Qt's Python bindings (PySide6/*.so, shiboken6)" "$internal/PySide6/"*.so \
        "$internal/shiboken6"
    part "fonts (resources/fonts)" "$internal/resources/fonts"
    part "cryptography" "$internal/cryptography"
    part "SQLCipher (sqlcipher3, its OpenSSL)" "$internal/sqlcipher3" \
        "$internal/sqlcipher3_binary.libs"
    part "Pillow (PIL, pillow.libs)" "$internal/PIL" "$internal/pillow.libs"
    part "libpython" "$internal/libpython"*.so*
    part "other libraries at _internal/ (OpenSSL, libstdc++, SQLite, ...)" \
        $(find "$internal" -maxdepth 1 -name '*.so*' -type f ! -name 'libpython*')
    part "Python's own modules (python3.11/lib-dynload)" "$internal/python3.11"
    part "the executable ($NAME, with the Python modules)" "$bundle/$NAME"
} | sed 's/^/  /'

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
