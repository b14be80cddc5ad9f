"""Every screen renders, in Chinese, with the bundled font when the system has none."""

from pathlib import Path

from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage

from ui.fonts import choose_ui_font
from ui.snapshots import render_all, render_enforcement


def test_bundled_font_is_used_and_covers_chinese_and_rare_characters(qapp):
    family = choose_ui_font(prefer_bundled=True)
    assert family == "Noto Sans SC"
    metrics = QFontMetrics(QFont(family))
    for ch in "执行裁定书王堃龙":
        assert metrics.inFontUcs4(ord(ch)), ch


def _distinct_colours(image: QImage, step: int = 7) -> int:
    colours = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            colours.add(QColor(image.pixel(x, y)).rgb())
    return len(colours)


def test_snapshot_command_renders_every_screen(qapp, tmp_path: Path):
    paths = render_all(tmp_path, cases=120) + render_enforcement(tmp_path)
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "case-dialog-errors.png",
            "case-dialog.png",
            "dashboard.png",
            "main-window-search.png",
            "main-window.png",
            "case-measures.png",
            "case-assets.png",
            "case-funds.png",
            "case-visits.png",
            "case-clues.png",
            "case-readiness.png",
            "measure-dialog-errors.png",
            "payout-dialog-errors.png",
            "resumption-dialog-errors.png",
            "interview-notices.png",
            "interview-review.png",
            "ruling-dialog.png",
            "work-view.png",
        ]
    )
    for path in paths:
        image = QImage(str(path))
        assert not image.isNull()
        assert image.width() >= 400 and image.height() >= 250
        assert _distinct_colours(image) > 20, f"{path.name} looks blank"
