"""Cut ICU's data in a Linux bundle down to what a Chinese/English Qt program uses.

    .venv/bin/python scripts/filter_icu.py dist/EnforcementWorkstation     # run by build.sh

PySide6's Linux wheels carry their own ICU, whose data library (PySide6/Qt/lib/libicudata.so.73)
is 31 MB: every locale of CLDR in every tree, 200 converters, dictionaries for Thai, Lao, Khmer
and Burmese, transliteration. This script takes the data out of that library (the bytes of its
one exported symbol, icudt73_dat, an ICU .dat package), removes items with `icupkg -r`, and
builds a replacement library exporting the same symbol under the same soname (`genccode` to
assembly, then `gcc -shared`). It needs Debian's icu-devtools (icupkg, genccode: the package
format has not changed between ICU 72 and 73) and gcc; build.sh installs them.

What Qt 6 asks ICU for (the ICU functions libQt6Core imports): collation (QCollator: ucol_*),
converters (QStringEncoder/QStringDecoder for encodings other than UTF-8/16/32 and Latin-1:
ucnv_*), time zone names (QTimeZone::displayName: ucal_*) and locale-aware case mapping
(u_strToUpper/u_strToLower). It does not use ICU for QLocale's formats (Qt has its own CLDR
data), for text boundaries (QTextBoundaryFinder is Qt's own), nor transliteration.

Kept:
  - every item that is not locale data: normalisation (*.nrm), Unicode properties and names
    (*.icu), confusables (*.cfu), string preparation (*.spp), the converter alias table
    (cnvalias.icu), the root collation (coll/ucadata.icu), the pool bundles and each tree's
    res_index, and the supplemental data (supplementalData, likelySubtags, plurals,
    pluralRanges, numberingSystems, dayPeriods, keyTypeData, metadata, langInfo, units,
    genderList, grammaticalFeatures, currencyNumericCodes, icuver, icustd) and the time zone
    data (zoneinfo64, metaZones, timezoneTypes, windowsZones, zone/tzdbNames);
  - in every tree (main, coll, curr, lang, region, zone, unit, rbnf, brkitr) the locales
    KEEP_LOCALES: root, English (en, en_001, en_US, en_US_POSIX: the C locale) and Chinese
    (zh, zh_Hans, zh_Hans_CN, zh_Hant, zh_Hant_TW, zh_Hant_HK and the aliases zh_CN, zh_TW,
    zh_HK that point to them);
  - the break iterator rules (brkitr/*.brk) and the Chinese/Japanese dictionary
    (brkitr/cjdict.dict);
  - the converters KEEP_CONVERTERS: GB18030, GBK (windows-936, ibm-1386), GB2312 (EUC-CN,
    ibm-1383) and Big5 (windows-950); UTF-8/16/32, US-ASCII and ISO-8859-1 are built into ICU's
    code and need no data.
Removed: every other locale in every tree, every other converter, the Thai, Lao, Khmer and
Burmese dictionaries, transliteration (translit/). `icupkg` refuses to remove an item that a kept
one depends on (an alias target, a parent locale, a pool bundle, a converter's base table): such
an item is kept (rbnf/yue for zh_Hant_HK, ibm-1373 under windows-950), and only the dictionaries
are removed in spite of brkitr/root naming them.

The frozen program's self-test (ui/selftest.py, run by build.sh on the bundle) checks what Qt
uses: pinyin collation, GB18030 both ways, the Asia/Shanghai time zone, and Chinese formats.
"""

from __future__ import annotations

import argparse
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

KEEP_LOCALES = frozenset(
    {
        "root",
        "en",
        "en_001",
        "en_US",
        "en_US_POSIX",
        "zh",
        "zh_Hans",
        "zh_Hans_CN",
        "zh_CN",
        "zh_Hant",
        "zh_Hant_TW",
        "zh_TW",
        "zh_Hant_HK",
        "zh_HK",
    }
)
KEEP_CONVERTERS = frozenset(
    {
        "gb18030.cnv",
        "windows-936-2000.cnv",
        "ibm-1386_P100-2001.cnv",
        "ibm-1383_P110-1999.cnv",
        "windows-950-2000.cnv",
    }
)
KEEP_DICTIONARIES = frozenset({"cjdict.dict"})
DROPPED_TREES = ("translit",)
# A locale id as ICU names its items: language, optional script, optional region (empty in
# de__PHONEBOOK), optional variant. Names such as pool, res_index, supplementalData do not match.
LOCALE = re.compile(r"(root|[a-z]{2,3})(_[A-Z][a-z]{3})?(_[A-Z]{2}|_[0-9]{3}|_)?(_[A-Z0-9]+)?")


def removed(item: str) -> bool:
    """Whether the package item (e.g. "coll/de.res", "ibm-37_P100-1995.cnv") goes."""
    tree, _, name = item.rpartition("/")
    if tree in DROPPED_TREES:
        return True
    if name.endswith(".cnv"):
        return name not in KEEP_CONVERTERS
    if name.endswith(".dict"):
        return name not in KEEP_DICTIONARIES
    if name.endswith(".res"):
        stem = name.removesuffix(".res")
        return bool(LOCALE.fullmatch(stem)) and stem not in KEEP_LOCALES
    return False


# --- the data symbol in an ELF shared library -----------------------------------------------


def elf_symbol(path: Path, symbol: str) -> bytes:
    """The bytes of a defined dynamic symbol of a 64-bit little-endian ELF file."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strtab_offset = sections[link][4]
        for at in range(offset, offset + size, entsize):
            st_name, _st_info, _other, shndx, value, st_size = struct.unpack_from(
                "<IBBHQQ", data, at
            )
            end = data.index(b"\0", strtab_offset + st_name)
            if data[strtab_offset + st_name : end].decode() != symbol or shndx == 0:
                continue
            section = sections[shndx]
            start = value - section[3] + section[4]  # address -> file offset
            return data[start : start + st_size]
    raise ValueError(f"{path}: no symbol {symbol}")


def tool(name: str) -> str:
    """The path of an ICU tool: Debian puts icupkg and genccode in /usr/sbin, which is not on an
    ordinary user's PATH."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise SystemExit(f"{name} not found: install Debian's icu-devtools (scripts/build.sh does)")
    return found


def run(*command: str | Path) -> str:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def filter_library(library: Path, work: Path) -> tuple[Path, list[str], list[str]]:
    """Build the filtered library in `work`; (its path, items kept, items removed)."""
    version = library.name.rsplit(".", 1)[-1]  # libicudata.so.73
    package = f"icudt{version}l"
    original = work / "in" / f"{package}.dat"
    original.parent.mkdir()
    original.write_bytes(elf_symbol(library, f"icudt{version}_dat"))
    items = run(tool("icupkg"), "--ignore-deps", "-l", original).split()  # also a filtered one
    gone = {item for item in items if removed(item)}
    filtered = work / f"{package}.dat"
    ignore_deps: list[str] = []
    while True:
        (work / "remove.txt").write_text("\n".join(sorted(gone)) + "\n", encoding="ascii")
        done = subprocess.run(
            [tool("icupkg"), *ignore_deps, "-r", work / "remove.txt", original, filtered],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            break
        # "Item rbnf/zh_Hant_HK.res depends on missing item rbnf/yue.res": keep what a kept
        # item needs (an alias target, a parent, a converter's base table) and try again. Only
        # the dictionaries are let go although brkitr/root.res names them: without one, ICU
        # breaks that script's text by its rules alone.
        needed = set(re.findall(r"depends on missing item (\S+)", done.stderr))
        if not needed or ignore_deps:
            raise SystemExit(f"icupkg -r failed:\n{done.stdout}{done.stderr}")
        dictionaries = {n for n in needed if n.startswith("brkitr/") and n.endswith(".dict")}
        gone -= needed - dictionaries
        if needed == dictionaries:
            ignore_deps = ["--ignore-deps"]
    kept = [item for item in items if item not in gone]
    run(tool("genccode"), "-q", "-e", f"icudt{version}", "-a", "gcc", "-d", work, filtered)
    assembly = work / f"{package}_dat.S"
    out = work / library.name
    run(
        "gcc",
        "-shared",
        "-nostdlib",
        "-Wl,-z,noexecstack",
        f"-Wl,-soname,{library.name}",
        "-o",
        out,
        assembly,
    )
    if elf_symbol(out, f"icudt{version}_dat")[: filtered.stat().st_size] != filtered.read_bytes():
        raise SystemExit(f"{out}: its icudt{version}_dat is not the filtered package")
    return out, kept, sorted(gone)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the PyInstaller folder (dist/NAME)")
    args = parser.parse_args(argv)
    found = sorted((args.bundle / "_internal" / "PySide6" / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        print(f"ICU data: no libicudata.so.* in {args.bundle} (not a Linux bundle?); unchanged")
        return 0
    library = found[0]
    with tempfile.TemporaryDirectory(prefix="filter-icu-") as tmp:
        built, kept, gone = filter_library(library, Path(tmp))
        before = library.stat().st_size
        shutil.copyfile(built, library)
    print(
        f"ICU data: {library.name} {before / 1e6:.1f} -> {library.stat().st_size / 1e6:.1f} MB "
        f"({len(kept)} items kept, {len(gone)} removed: other locales, converters, "
        "dictionaries, transliteration)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
