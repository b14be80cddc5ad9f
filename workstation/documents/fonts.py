"""Fonts for printed documents: the court's licensed fonts when installed, else bundled OFL fonts.

Each role (body, heading, song) is a chain of faces. A character is printed in the first face of
its chain that has a glyph for it, so a rare character in a name falls back to another font
instead of printing as a box; a character no face has is reported by `FontSet.missing`.

Only TrueType-outline fonts are used: reportlab embeds those as subsets, and rejects PostScript
(CFF) outlines. reportlab's built-in CID fonts (STSong-Light) are never used: they are not
embedded, so the printout depends on the reader's fonts.

Reading a whole CJK font costs 50-150 ms, so discovery reads only each file's table directory,
`name` and `OS/2` tables, and a face is parsed in full only when something is printed in it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from workstation.resources import resource

log = logging.getLogger(__name__)

FONT_DIR_ENV = "WORKSTATION_FONT_DIR"
FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")

BUNDLED_SERIF = ("fonts", "NotoSerifSC-Regular.ttf")
BUNDLED_SERIF_BOLD = ("fonts", "NotoSerifSC-Bold.ttf")
BUNDLED_SANS = ("fonts", "NotoSansSC-Regular.ttf")

# Family names of the official faces, best first, compared without case, spaces, "-" or "_".
# 仿宋_GB2312 is what court templates name; Windows since Vista ships 仿宋 (simfang.ttf).
BODY_FAMILIES = (
    "仿宋_GB2312",
    "FangSong_GB2312",
    "仿宋",
    "FangSong",
    "方正仿宋_GBK",
    "方正仿宋简体",
    "FZFangSong-Z02",
    "FZFangSong-Z02S",
    "华文仿宋",
    "STFangsong",
)
SONG_FAMILIES = ("宋体", "SimSun", "华文宋体", "STSong", "方正书宋_GBK", "方正书宋简体")
HEADING_FAMILIES = (
    "方正小标宋简体",
    "方正小标宋_GBK",
    "FZXiaoBiaoSong-B05S",
    "FZXiaoBiaoSong-B05",
    "小标宋",
    "方正小标宋",
)
# Installed fonts worth trying for characters the main faces lack, in this order: those that
# reach beyond the BMP (CJK Extension B and later) first, then serif (Song/Ming) faces.
FALLBACK_HINTS = (
    "simsunextb",
    "simsun-extb",
    "mingliu-extb",
    "hanaminb",
    "hanamina",
    "ar pl uming",
    "ar pl ukai",
    "wenquanyi zen hei",
    "wenquanyi micro hei",
    "droid sans fallback",
)
MAX_INSTALLED_FALLBACKS = 8


_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode map, with characters beyond the BMP written as UTF-16 surrogate
    pairs as the PDF spec requires. reportlab writes <30EDD>, which readers reject, so a rare
    name character (CJK Extension B and later) would print but not be found by search or copy.
    """
    text = _reportlab_to_unicode_cmap(fontname, [0 if v > 0xFFFF else v for v in subset])
    lines = text.split("\n")
    for i, v in enumerate(subset):
        if v > 0xFFFF:
            old = f"<{i:02X}> <0000>"
            new = f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>"
            lines[lines.index(old)] = new
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def _norm(name: str) -> str:
    return "".join(c for c in name.casefold() if c not in " -_")


# --- reading font files without parsing them in full ---


@dataclass(frozen=True)
class FontFileInfo:
    """What discovery learns about one face in a font file from its headers."""

    path: Path
    index: int  # face index in a .ttc collection, 0 otherwise
    families: tuple[str, ...]
    truetype: bool  # has a 'glyf' table (reportlab cannot use CFF outlines)
    cjk: bool  # OS/2 says it covers CJK Unified Ideographs
    astral: bool  # OS/2 says it covers characters beyond the BMP


def _tables(data: bytes, offset: int) -> dict[bytes, tuple[int, int]]:
    num_tables = struct.unpack_from(">H", data, offset + 4)[0]
    tables = {}
    for i in range(num_tables):
        tag, _checksum, table_offset, length = struct.unpack_from(
            ">4sLLL", data, offset + 12 + 16 * i
        )
        tables[tag] = (table_offset, length)
    return tables


def _read_range(f, offset: int, length: int) -> bytes:
    f.seek(offset)
    return f.read(length)


def _family_names(name_table: bytes) -> tuple[str, ...]:
    """Family (1), full (4) and typographic family (16) names, in every language the file has."""
    _fmt, count, string_offset = struct.unpack_from(">HHH", name_table, 0)
    names: list[str] = []
    for i in range(count):
        platform, encoding, _lang, name_id, length, offset = struct.unpack_from(
            ">HHHHHH", name_table, 6 + 12 * i
        )
        if name_id not in (1, 4, 16):
            continue
        raw = name_table[string_offset + offset : string_offset + offset + length]
        if platform in (0, 3):
            text = raw.decode("utf-16-be", errors="replace")
        elif platform == 1 and encoding == 0:
            text = raw.decode("mac_roman", errors="replace")
        elif platform == 1 and encoding == 25:  # Mac, simplified Chinese
            text = raw.decode("gb18030", errors="replace")
        else:
            continue
        text = text.strip("\x00 ")
        if text and text not in names:
            names.append(text)
    return tuple(names)


def inspect_font_file(path: Path) -> list[FontFileInfo]:
    """The faces in a font file, read from its headers; [] for a file that is not a font.

    Raises OSError or struct.error/ValueError for a damaged file; the caller logs and skips it.
    """
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12:
            return []
        if head[:4] == b"ttcf":
            count = struct.unpack_from(">L", head, 8)[0]
            offsets = struct.unpack(f">{count}L", f.read(4 * count))
        elif head[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO"):
            offsets = (0,)
        else:
            return []
        faces = []
        for index, offset in enumerate(offsets):
            directory = _read_range(f, offset, 12)
            num_tables = struct.unpack_from(">H", directory, 4)[0]
            directory += f.read(16 * num_tables)
            tables = _tables(directory, 0)
            families: tuple[str, ...] = ()
            if b"name" in tables:
                families = _family_names(_read_range(f, *tables[b"name"]))
            cjk = astral = False
            if b"OS/2" in tables:
                os2 = _read_range(f, *tables[b"OS/2"])
                if len(os2) >= 58:
                    _r1, r2, _r3, _r4 = struct.unpack_from(">4L", os2, 42)
                    cjk = bool(r2 & (1 << (59 - 32)))
                    astral = bool(r2 & (1 << (57 - 32)))
            faces.append(
                FontFileInfo(
                    path=path,
                    index=index,
                    families=families,
                    truetype=b"glyf" in tables,
                    cjk=cjk,
                    astral=astral,
                )
            )
        return faces


def system_font_dirs() -> list[Path]:
    """Where fonts are installed on Windows, Linux (incl. Kylin/UOS) and macOS."""
    home = Path.home()
    dirs: list[Path] = []
    if sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:  # fonts installed "for this user only", common for 仿宋_GB2312
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs += [
            home / "Library" / "Fonts",
            Path("/Library/Fonts"),
            Path("/System/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
        ]
    else:
        dirs += [
            home / ".local" / "share" / "fonts",
            home / ".fonts",
            Path("/usr/local/share/fonts"),
            Path("/usr/share/fonts"),
        ]
    return dirs


def font_search_dirs() -> list[Path]:
    """The override directory from WORKSTATION_FONT_DIR (searched first), then the system's."""
    dirs = []
    override = os.environ.get(FONT_DIR_ENV)
    if override:
        dirs.extend(Path(p) for p in override.split(os.pathsep) if p)
    return dirs + system_font_dirs()


def _font_files(dirs: Iterable[Path]) -> Iterable[Path]:
    seen: set[Path] = set()
    for root in dirs:
        if not root.is_dir():
            continue
        for dirpath, _dirnames, filenames in os.walk(root):
            for name in sorted(filenames):
                if name.lower().endswith(FONT_SUFFIXES):
                    path = Path(dirpath) / name
                    if path not in seen:
                        seen.add(path)
                        yield path


def scan_fonts(dirs: Iterable[Path]) -> list[FontFileInfo]:
    """Every usable (TrueType-outline) face in `dirs`; other files are logged and skipped."""
    found: list[FontFileInfo] = []
    for path in _font_files(dirs):
        try:
            faces = inspect_font_file(path)
        except (OSError, struct.error, ValueError) as exc:
            log.info("skipping font file %s: cannot read it (%s)", path, exc)
            continue
        for face in faces:
            if not face.truetype:
                log.info(
                    "skipping font %s (%s): CFF outlines, reportlab embeds only TrueType",
                    path,
                    ", ".join(face.families[:2]) or "unnamed",
                )
                continue
            found.append(face)
    return found


# --- faces and chains ---


_load_lock = threading.Lock()


@dataclass(eq=False)
class FontFace:
    """One face of one file, parsed (and registered with reportlab) when first needed."""

    path: Path
    index: int = 0
    label: str = ""
    _font: TTFont | None = field(default=None, repr=False)
    _failed: bool = field(default=False, repr=False)

    @cached_property  # asked for every run of text drawn
    def name(self) -> str:
        """The name the face is registered under with reportlab."""
        digest = hashlib.sha1(f"{self.path}#{self.index}".encode()).hexdigest()[:8]
        return f"WS-{self.path.stem}-{self.index}-{digest}"

    def load(self) -> TTFont | None:
        """The parsed font, or None if reportlab cannot use the file (logged once)."""
        if self._font is not None or self._failed:
            return self._font
        with _load_lock:
            if self._font is None and not self._failed:
                try:
                    font = TTFont(self.name, str(self.path), subfontIndex=self.index)
                # reportlab's parser fails on odd files in many ways (TTFError for CFF outlines,
                # AttributeError for a missing name): any failure means the face is not usable.
                except (TTFError, Exception) as exc:
                    log.warning("skipping font %s: reportlab cannot use it (%s)", self.path, exc)
                    self._failed = True
                    return None
                pdfmetrics.registerFont(font)
                self._font = font
        return self._font

    @property
    def usable(self) -> bool:
        return self.load() is not None

    def has(self, char: str) -> bool:
        font = self.load()
        return font is not None and ord(char) in font.face.charToGlyph

    def width(self, char: str) -> float:
        """Advance width of `char` in thousandths of the type size."""
        font = self.load()
        assert font is not None
        face = font.face
        return face.charWidths.get(ord(char), face.defaultWidth)


# Characters that are laid out but need no glyph.
_NO_GLYPH = frozenset("\n\r\t\u200b\u200c\u200d\ufeff")


@dataclass(eq=False)
class FontChain:
    """Faces for one role, best first; each character goes to the first face that has it."""

    role: str
    faces: tuple[FontFace, ...]
    _memo: dict[str, FontFace | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.faces:
            raise ValueError(f"no fonts for {self.role}")

    @property
    def primary(self) -> FontFace:
        for face in self.faces:
            if face.usable:
                return face
        raise RuntimeError(f"none of the fonts for {self.role} can be used")

    def face_for(self, char: str) -> FontFace | None:
        """The face that prints `char`, None if no face in the chain has it."""
        try:
            return self._memo[char]
        except KeyError:
            pass
        found = None
        if char == " " or char in _NO_GLYPH:
            found = self.primary
        else:
            for face in self.faces:
                if face.has(char):
                    found = face
                    break
        self._memo[char] = found
        return found

    def missing(self, text: str) -> list[str]:
        """Characters of `text` no face in the chain can print, in order of first appearance."""
        out: list[str] = []
        for char in dict.fromkeys(text):
            if char in _NO_GLYPH or char == " ":
                continue
            if self.face_for(char) is None:
                out.append(char)
        return out


@dataclass(eq=False)
class FontSet:
    """The fonts a document is printed with.

    body: 仿宋 for text, tables, signatures; heading: 小标宋 for titles; song: 宋体 for the
    court name (when a template asks for it) and page numbers. `official` records which roles
    found the court's licensed font rather than the bundled one.
    """

    body: FontChain
    heading: FontChain
    song: FontChain
    official: dict[str, str] = field(default_factory=dict)

    def chain(self, role: str) -> FontChain:
        return {"body": self.body, "heading": self.heading, "song": self.song}[role]

    def describe(self) -> str:
        """One line per role naming the main face, for the log and the about box."""
        return "; ".join(
            f"{role}: {self.chain(role).faces[0].label or self.chain(role).faces[0].path.name}"
            for role in ("body", "heading", "song")
        )


def _pick(faces: Sequence[FontFileInfo], wanted: Sequence[str]) -> FontFileInfo | None:
    """The first face whose family names match `wanted`, in the order of `wanted`."""
    by_name: dict[str, FontFileInfo] = {}
    for info in faces:
        for family in info.families:
            by_name.setdefault(_norm(family), info)
    for want in wanted:
        hit = by_name.get(_norm(want))
        if hit is not None:
            return hit
    # Names like "方正小标宋简体 Regular" or "FZXiaoBiaoSong-B05S Regular".
    for want in wanted:
        key = _norm(want)
        for name, info in by_name.items():
            if name.startswith(key):
                return info
    return None


def _fallback_order(faces: Sequence[FontFileInfo]) -> list[FontFileInfo]:
    def rank(info: FontFileInfo) -> tuple[int, int, str]:
        names = [_norm(n) for n in info.families]
        hint = next(
            (i for i, h in enumerate(FALLBACK_HINTS) if any(n.startswith(_norm(h)) for n in names)),
            len(FALLBACK_HINTS),
        )
        return (0 if info.astral else 1, hint, str(info.path))

    def hinted(info: FontFileInfo) -> bool:
        names = [_norm(n) for n in info.families]
        return any(n.startswith(_norm(h)) for h in FALLBACK_HINTS for n in names)

    cjk = [f for f in faces if f.cjk or hinted(f)]
    return sorted(cjk, key=rank)[:MAX_INSTALLED_FALLBACKS]


_faces_by_file: dict[tuple[Path, int], FontFace] = {}


def _face(path: Path, index: int = 0, label: str = "") -> FontFace:
    """One FontFace per file and index, so a font is parsed once per process."""
    key = (path.resolve(), index)
    face = _faces_by_file.get(key)
    if face is None:
        face = _faces_by_file[key] = FontFace(key[0], index, label)
    return face


def build_font_set(installed: Sequence[FontFileInfo]) -> FontSet:
    """Choose each role's chain from the installed faces and the bundled fonts."""
    serif = _face(resource(*BUNDLED_SERIF), label="Noto Serif SC (bundled)")
    serif_bold = _face(resource(*BUNDLED_SERIF_BOLD), label="Noto Serif SC Bold (bundled)")
    sans = _face(resource(*BUNDLED_SANS), label="Noto Sans SC (bundled)")

    official: dict[str, str] = {}

    def first(role: str, wanted: Sequence[str], default: FontFace) -> list[FontFace]:
        info = _pick(installed, wanted)
        if info is None:
            return [default]
        label = info.families[0] if info.families else info.path.name
        official[role] = label
        return [_face(info.path, info.index, label), default]

    chosen_paths = set()
    body = first("body", BODY_FAMILIES, serif)
    heading = first("heading", HEADING_FAMILIES, serif_bold)
    song = first("song", SONG_FAMILIES, serif)
    for face in (*body, *heading, *song):
        chosen_paths.add((face.path, face.index))
    fallbacks = [
        _face(i.path, i.index, i.families[0] if i.families else i.path.name)
        for i in _fallback_order(installed)
        if (i.path.resolve(), i.index) not in chosen_paths
    ]
    tail = [*fallbacks, sans]

    def chain(role: str, head: list[FontFace]) -> FontChain:
        faces: list[FontFace] = []
        for face in [*head, *([serif] if serif not in head else []), *tail]:
            if face not in faces:
                faces.append(face)
        return FontChain(role, tuple(faces))

    return FontSet(
        body=chain("body", body),
        heading=chain("heading", heading),
        song=chain("song", song),
        official=official,
    )


@lru_cache(maxsize=8)
def _find_fonts(dirs: tuple[Path, ...]) -> FontSet:
    fonts = build_font_set(scan_fonts(dirs))
    log.info("document fonts: %s", fonts.describe())
    return fonts


def find_fonts(search_dirs: Sequence[Path] | None = None) -> FontSet:
    """The fonts to print with: the court's installed licensed fonts when present, else bundled.

    Searches WORKSTATION_FONT_DIR and the system font directories unless `search_dirs` is given.
    The answer is cached per set of directories.
    """
    dirs = tuple(search_dirs) if search_dirs is not None else tuple(font_search_dirs())
    return _find_fonts(dirs)


def bundled_fonts() -> FontSet:
    """Only the bundled fonts: the same output on every machine (tests, snapshots)."""
    return _find_fonts(())
