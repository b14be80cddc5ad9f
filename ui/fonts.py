"""A Chinese font for the screens: the system's if it has one, else the bundled Noto Sans SC.

The bundled Noto Sans SC is a subset (GB2312 and the program's own texts, made by
scripts/subset_fonts.py), so a rare character in a name (U+4DAE, CJK Extension A) is not in it.
The bundled Noto Serif SC Regular, complete, is registered too and named second in the program's
font (QFont.setFamilies): Qt draws each character the first family lacks from it, whichever the
first family is, instead of a box.
"""

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from workstation.resources import resource

log = logging.getLogger(__name__)

# System families that cover Simplified Chinese, best first (Windows, Kylin/UOS, Debian, macOS).
PREFERRED_FAMILIES = (
    "Microsoft YaHei",
    "微软雅黑",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "PingFang SC",
    "SimSun",
    "宋体",
)
BUNDLED_FONT = ("fonts", "NotoSansSC-Regular.ttf")
FALLBACK_FONT = ("fonts", "NotoSerifSC-Regular.ttf")

_registered: dict[tuple[str, ...], str] = {}


def _register(parts: tuple[str, ...]) -> str:
    """Register a bundled font file with Qt (once) and return its family name."""
    family = _registered.get(parts)
    if family is not None and family in QFontDatabase.families():
        return family
    path = resource(*parts)
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        raise RuntimeError(f"cannot load bundled font {path}")
    family = _registered[parts] = QFontDatabase.applicationFontFamilies(font_id)[0]
    return family


def load_bundled_font() -> str:
    """Register the bundled UI font with Qt and return its family name."""
    return _register(BUNDLED_FONT)


def load_fallback_font() -> str:
    """Register the bundled Noto Serif SC Regular (complete, not a subset: the fallback for what
    the UI font lacks) and return its family name."""
    return _register(FALLBACK_FONT)


def choose_ui_font(prefer_bundled: bool = False) -> str:
    """The family the UI uses: a system CJK family, or the bundled one when there is none."""
    if not prefer_bundled:
        families = set(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
        for family in PREFERRED_FAMILIES:
            if family in families:
                return family
    family = load_bundled_font()
    log.info("no system Chinese font found; using bundled %s", family)
    return family


def apply_ui_font(app: QApplication, prefer_bundled: bool = False) -> str:
    family = choose_ui_font(prefer_bundled)
    font = QFont(family)
    try:
        fallback = load_fallback_font()
    except RuntimeError as exc:  # the window still works; rare characters may show as boxes
        log.warning("%s", exc)
    else:
        if fallback != family:
            font.setFamilies([family, fallback])
    font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
    app.setFont(font)
    return family
