"""The self-test's Qt steps (`workstation --selftest`): the main window over the self-test's case
file rendered offscreen to PNG, and the ruling PDF read back and drawn by QtPdf (the print
preview's engine). Each checks that the picture is not blank."""

import os
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QImage

from workstation.selftest import SelfTest, Step, StepFailed


def ink(image: QImage, step: int = 4) -> tuple[int, float]:
    """Distinct colours and the share of the commonest colour, over every `step`th pixel."""
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return 0, 1.0
    counts: Counter[int] = Counter(
        image.pixel(x, y)
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    )
    return len(counts), counts.most_common(1)[0][1] / sum(counts.values())


def _check_picture(image: QImage, what: str, colours: int) -> str:
    distinct, commonest = ink(image)
    if distinct < colours or commonest > 0.995:
        raise StepFailed(f"{what} looks blank ({distinct} colours, {commonest:.1%} one colour)")
    return f"{image.width()}×{image.height()}, {distinct} 种颜色/colours"


def _step_window(t: SelfTest) -> str:
    from .app import make_app
    from .main_window import MainWindow

    assert t.cf is not None and t.ready is not None
    app = make_app()
    settings = QSettings(str(t.folder / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(t.cf, settings, today=t.today)
    try:
        window.resize(1280, 800)
        window.show()
        window.search.setText(t.ready.case_number)
        window.apply_filter()
        window.table.selectRow(0)
        app.processEvents()
        picture = window.grab().toImage()
        out = t.folder / "main-window.png"
        if not picture.save(str(out)):
            raise StepFailed(f"could not write {out}")
        t.files["window"] = out
        return _check_picture(picture, "the main window", colours=16)
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


def _step_pdf_view(t: SelfTest) -> str:
    from PySide6.QtPdf import QPdfDocument

    path: Path = t.files["ruling"]
    document = QPdfDocument()
    error = document.load(str(path))
    if error != QPdfDocument.Error.None_ or document.pageCount() < 1:
        raise StepFailed(f"QtPdf cannot read {path.name}: {error}")
    size = document.pagePointSize(0).toSize()
    image = document.render(0, QSize(size.width(), size.height()))
    out = t.folder / "ruling-page-1.png"
    image.save(str(out))
    pages = document.pageCount()
    document.close()
    return f"{pages} 页/pages; " + _check_picture(image, "the ruling's first page", colours=2)


STEPS: list[Step] = [
    ("主窗口 / main window (offscreen PNG)", _step_window),
    ("打印预览引擎 / print preview engine (QtPdf)", _step_pdf_view),
]


def qt_steps() -> list[Step]:
    """The Qt steps, offscreen unless a platform is chosen already."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return STEPS
