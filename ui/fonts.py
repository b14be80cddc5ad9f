"""A Chinese font for the screens: the system's if it has one, else the bundled Noto Sans SC."""

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


def load_bundled_font() -> str:
    """Register the bundled font with Qt and return its family name."""
    font_id = QFontDatabase.addApplicationFont(str(resource(*BUNDLED_FONT)))
    if font_id < 0:
        raise RuntimeError(f"cannot load bundled font {resource(*BUNDLED_FONT)}")
    return QFontDatabase.applicationFontFamilies(font_id)[0]


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
    font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
    app.setFont(font)
    return family
