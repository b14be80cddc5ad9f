"""The bundled Noto Sans SC is a subset (GB2312 and the program's texts): a rare character in a
name is drawn from the bundled Noto Serif SC Regular, registered beside it, not as a box."""

from PySide6.QtGui import QFont, QRawFont, QTextLayout

from ui.fonts import BUNDLED_FONT, FALLBACK_FONT, apply_ui_font, load_fallback_font
from workstation.resources import resource

RARE = "䶮"  # U+4DAE, CJK Extension A: outside GB2312, in names (李䶮)


def _runs(font: QFont, text: str) -> dict[str, str]:
    """Which family Qt draws each character of `text` in."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    drawn: dict[str, str] = {}
    for run in layout.glyphRuns():
        family = run.rawFont().familyName()
        for index in run.glyphIndexes():
            for char in text:
                if run.rawFont().glyphIndexesForString(char) == [index]:
                    drawn[char] = family
    return drawn


def test_the_sans_subset_lacks_the_rare_character_and_the_registered_serif_has_it(qapp) -> None:
    sans = QRawFont(str(resource(*BUNDLED_FONT)), 12)
    serif = QRawFont(str(resource(*FALLBACK_FONT)), 12)
    assert sans.isValid() and serif.isValid()
    # supportsCharacter takes the code point: given a str, PySide6 answers True for 䶮 here
    assert sans.supportsCharacter(ord("李")) and not sans.supportsCharacter(ord(RARE))
    assert serif.supportsCharacter(ord(RARE))
    assert load_fallback_font() == "Noto Serif SC"


def test_the_program_font_falls_back_to_the_serif_for_a_rare_character(qapp) -> None:
    before = qapp.font()
    try:
        _check_program_font(qapp)
    finally:
        qapp.setFont(before)


def _check_program_font(qapp) -> None:
    family = apply_ui_font(qapp, prefer_bundled=True)
    font = qapp.font()
    assert family == "Noto Sans SC"
    assert font.families() == ["Noto Sans SC", "Noto Serif SC"]
    drawn = _runs(font, f"李{RARE}")
    assert drawn == {"李": "Noto Sans SC", RARE: "Noto Serif SC"}
