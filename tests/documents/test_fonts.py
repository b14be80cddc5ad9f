"""Font discovery: official faces by family name, CFF and damaged files skipped, never a crash."""

import logging
import shutil
import struct
from pathlib import Path

import pytest

from workstation.documents import Document, Para, Title, find_fonts, missing_glyphs, render_pdf
from workstation.documents.fonts import inspect_font_file, scan_fonts


def fake_font(path: Path, family: str, outlines: bytes) -> Path:
    """A font file with just a table directory, a name table and an empty outline table:
    enough for discovery to read, not enough for reportlab to load."""
    name = family.encode("utf-16-be")
    name_table = (
        struct.pack(">HHH", 0, 1, 6 + 12)
        + struct.pack(">HHHHHH", 3, 1, 0x804, 1, len(name), 0)
        + name
    )
    tables = [(b"name", name_table), (outlines, b"\0" * 16)]
    tables.sort()
    sfnt = b"OTTO" if outlines == b"CFF " else b"\x00\x01\x00\x00"
    header = sfnt + struct.pack(">HHHH", len(tables), 0, 0, 0)
    offset = 12 + 16 * len(tables)
    directory, body = b"", b""
    for tag, data in tables:
        directory += struct.pack(">4sLLL", tag, 0, offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    path.write_bytes(header + directory + body)
    return path


def test_discovery_reads_family_names_and_outline_kind(tmp_path) -> None:
    ttf = fake_font(tmp_path / "fs.ttf", "仿宋_GB2312", b"glyf")
    otf = fake_font(tmp_path / "fs.otf", "仿宋_GB2312", b"CFF ")
    [face] = inspect_font_file(ttf)
    assert face.families == ("仿宋_GB2312",) and face.truetype
    assert not inspect_font_file(otf)[0].truetype


def test_a_cff_font_is_skipped_with_a_log_line(tmp_path, caplog) -> None:
    fake_font(tmp_path / "FangSong.otf", "仿宋_GB2312", b"CFF ")
    with caplog.at_level(logging.INFO, logger="workstation.documents.fonts"):
        assert scan_fonts([tmp_path]) == []
    assert "CFF" in caplog.text
    fonts = find_fonts([tmp_path])
    assert "body" not in fonts.official  # the CFF 仿宋 was not taken
    assert fonts.body.primary.path.name == "NotoSerifSC-Regular.ttf"


@pytest.mark.skipif(not Path("/usr/share/fonts/opentype").is_dir(), reason="no system .otf fonts")
def test_real_cff_fonts_in_the_font_dir_do_not_crash(tmp_path) -> None:
    for otf in list(Path("/usr/share/fonts/opentype").rglob("*.otf"))[:3]:
        shutil.copy(otf, tmp_path)
    fonts = find_fonts([tmp_path])
    doc = Document((Para("申请执行人：李䶮"),), kind="report")
    assert render_pdf(doc, fonts=fonts).startswith(b"%PDF")


def test_an_official_font_reportlab_cannot_load_falls_back(tmp_path, caplog, monkeypatch) -> None:
    # Looks like TrueType 仿宋_GB2312 and 方正小标宋简体 to discovery; reportlab rejects it.
    fake_font(tmp_path / "fsgb2312.ttf", "仿宋_GB2312", b"glyf")
    fake_font(tmp_path / "FZXBSJW.ttf", "方正小标宋简体", b"glyf")
    (tmp_path / "broken.ttf").write_bytes(b"\x00\x01\x00\x00garbage")
    monkeypatch.setenv("WORKSTATION_FONT_DIR", str(tmp_path))
    fonts = find_fonts()
    assert fonts.official["body"] == "仿宋_GB2312"
    assert fonts.official["heading"] == "方正小标宋简体"
    doc = Document((Title("终本约谈笔录"), Para("申请执行人：李䶮")), kind="report")
    with caplog.at_level(logging.WARNING, logger="workstation.documents.fonts"):
        assert missing_glyphs(doc, fonts) == []
        pdf = render_pdf(doc, fonts=fonts)
    assert pdf.startswith(b"%PDF")
    assert "reportlab cannot use it" in caplog.text
    assert fonts.body.primary.path.name == "NotoSerifSC-Regular.ttf"


def test_installed_truetype_fonts_are_found_by_family_name(tmp_path) -> None:
    droid = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
    if not droid.exists():
        pytest.skip("DroidSansFallbackFull not installed")
    shutil.copy(droid, tmp_path)
    fonts = find_fonts([tmp_path])
    # A CJK face becomes a fallback after the bundled serif, never the main body face.
    assert fonts.body.primary.path.name == "NotoSerifSC-Regular.ttf"
    assert any(face.path.name == droid.name for face in fonts.body.faces)
