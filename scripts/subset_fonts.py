"""Subset the bundled Noto Serif SC Bold and Noto Sans SC Regular to the characters Chinese court
documents and the program's screens use (run by hand; the results are committed in place of the
originals, under the same file names).

    .venv/bin/pip install -e '.[dev]'          # fontTools
    git show fd9491f:resources/fonts/NotoSerifSC-Bold.ttf > /tmp/NotoSerifSC-Bold.ttf
    git show 79dcfaf:resources/fonts/NotoSansSC-Regular.ttf > /tmp/NotoSansSC-Regular.ttf
    .venv/bin/python scripts/subset_fonts.py /tmp/NotoSerifSC-Bold.ttf /tmp/NotoSansSC-Regular.ttf

Sources (the files first committed in fd9491f and 79dcfaf; name table: vendor URL
https://fonts.google.com/noto, project https://github.com/notofonts/noto-cjk; the static TrueType
instances of the Google Fonts family downloads, https://fonts.google.com/noto/specimen/Noto+Serif+SC
and https://fonts.google.com/noto/specimen/Noto+Sans+SC):

    NotoSerifSC-Bold.ttf     Version 2.003-H1, 30,920 glyphs, 14,806,580 bytes,
                             sha256 9c6a2ba736e4b499c84f65ce366bd3625c0401885fd3e585ace50fb738b96ff6
    NotoSansSC-Regular.ttf   Version 2.004-H2, 30,898 glyphs, 10,559,284 bytes,
                             sha256 d45f67f0a7c0ca3f256950777ce6a61cc7ce5f9696d02900cbbaac25f8aa7d16

NotoSerifSC-Regular.ttf is NOT subset: documents print their body (names of parties, addresses) in
it, and it is the last face of every document font chain and the UI's fallback, so every
character it has must stay printable.

The character set (`character_set`):
  - every character of GB2312: each valid two-byte code (rows 0xA1-0xF7, cells 0xA1-0xFE) decoded,
    that is the 6,763 hanzi and the 682 symbols (punctuation, 〇, ①, Greek, Cyrillic, kana,
    box drawing, fullwidth forms);
  - ASCII and Latin-1 (U+0020-U+007E, U+00A0-U+00FF);
  - General Punctuation U+2000-U+206F, CJK Symbols and Punctuation U+3000-U+303F, Halfwidth and
    Fullwidth Forms U+FF00-U+FFEF (fullwidth digits and letters, （）［］ etc.);
  - Letterlike symbols and number forms the documents use (℃ № Ⅰ-Ⅻ ⅰ-ⅻ), the circled and
    parenthesised numbers ①-⑳ ⑴-⒇ ⒈-⒛ (U+2460-U+24FF), the arrows ← ↑ → ↓ and × ÷ ± ≤ ≥ ≠;
  - every character in the program's own texts: resources/ (templates, court codes, settings,
    legal bases, indicators: *.toml) and the Python sources of workstation/ and ui/ (labels and
    messages shown in the window; keep rare characters out of their comments and docstrings, or
    they join the subset and tests/ui/test_font_fallback.py fails);
  - every character the source font has that NotoSerifSC-Regular.ttf lacks (Noto Sans SC has 10:
    the compatibility ideographs 豈嵐露雷靈 and 𥫗𧾷𰻝𰻞𱁬, among them biang in 王𰻝), so that the
    bundled fonts together still print every character they printed before.
A character outside it (a rare character in a name: 䶮, 镕) is printed from Noto Serif SC
Regular by the documents' per-character fallback (workstation/documents/fonts.py), and drawn from it
on screen by Qt's fallback to the registered application fonts (ui/fonts.py).

Kept: TrueType (glyf) outlines, which reportlab needs (it cannot embed CFF), fontTools' default
OpenType layout features (kerning, vertical forms, localised forms, composition; the proportional
alternates palt/vpal/halt, which neither Qt nor reportlab turns on, go: 0.2 MB), every name record
(the OFL notice and the family name, which font discovery reads), vertical metrics. Dropped:
TrueType hinting (instructions, fpgm/prep/cvt): the glyphs are drawn by FreeType's auto-hinter on
Linux and by DirectWrite/ClearType on Windows, and printed unhinted in any case (these builds carry
almost none: dropping it saves a few bytes, but keeps the files free of instructions for glyphs now
gone).

Noto Serif SC has no Reserved Font Name (its copyright line names none), so the subset keeps its
name. Noto Sans SC's reserves the name 'Source' (from Source Han Sans): the subset keeps the name
Noto Sans SC, which does not use it. Both stay under the SIL Open Font License 1.1
(resources/fonts/OFL-*.txt; resources/fonts/README says what was changed).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
FONT_DIR = ROOT / "resources" / "fonts"
SUBSET = ("NotoSerifSC-Bold.ttf", "NotoSansSC-Regular.ttf")
COMPLETE = FONT_DIR / "NotoSerifSC-Regular.ttf"  # not subset: the fallback for everything else
EXPECTED_SHA256 = {
    "NotoSerifSC-Bold.ttf": "9c6a2ba736e4b499c84f65ce366bd3625c0401885fd3e585ace50fb738b96ff6",
    "NotoSansSC-Regular.ttf": "d45f67f0a7c0ca3f256950777ce6a61cc7ce5f9696d02900cbbaac25f8aa7d16",
}

RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x2000, 0x206F),  # General Punctuation
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    (0x2460, 0x24FF),  # ① ⑴ ⒈ …
    (0x2160, 0x217F),  # Ⅰ ⅰ …
)
EXTRA = "℃№←↑→↓×÷±≤≥≠"
SCANNED = (("resources", "*.toml"), ("workstation", "*.py"), ("ui", "*.py"))


def gb2312() -> set[str]:
    """Every character GB2312 encodes, from decoding each valid two-byte code."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def program_texts(root: Path = ROOT) -> set[str]:
    """Every non-ASCII character in the program's resources and the sources of its screens."""
    chars: set[str] = set()
    for folder, pattern in SCANNED:
        for path in sorted((root / folder).rglob(pattern)):
            chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7F)
    return chars


def character_set(root: Path = ROOT) -> set[str]:
    chars = gb2312() | program_texts(root) | set(EXTRA)
    for first, last in RANGES:
        chars.update(chr(c) for c in range(first, last + 1))
    return chars


def subset_font(source: Path, out: Path, chars: set[str]) -> tuple[int, int]:
    """Write the subset of `source` to `out`; (characters kept, glyphs)."""
    options = subset.Options()
    options.hinting = False  # drop instructions, fpgm, prep, cvt
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.glyph_names = False
    font = TTFont(str(source))
    if "glyf" not in font:
        raise SystemExit(f"{source}: not TrueType outlines (reportlab needs glyf)")
    cmap = font.getBestCmap()
    only_here = set(cmap) - set(TTFont(str(COMPLETE)).getBestCmap())
    wanted = sorted({ord(c) for c in chars if ord(c) in cmap} | only_here)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.save(str(out))
    kept = TTFont(str(out))
    return len(kept.getBestCmap()), kept["maxp"].numGlyphs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", type=Path, help="the original font files")
    parser.add_argument("--out-dir", type=Path, default=FONT_DIR)
    args = parser.parse_args(argv)
    chars = character_set()
    print(f"character set: {len(chars)} characters")
    for source in args.sources:
        if source.name not in SUBSET:
            print(f"{source.name}: not one of {', '.join(SUBSET)}", file=sys.stderr)
            return 2
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if digest != EXPECTED_SHA256[source.name]:
            print(f"note: {source.name} is not the recorded source (sha256 {digest})")
        out = args.out_dir / source.name
        kept, glyphs = subset_font(source, out, chars)
        print(
            f"{source.name}: {source.stat().st_size:,} -> {out.stat().st_size:,} bytes, "
            f"{kept} characters, {glyphs} glyphs"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
