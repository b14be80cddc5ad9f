"""The self-test's Qt steps (`workstation --selftest`): what Qt asks of ICU (collation,
converters, time zones; with date formats and word boundaries, which are Qt's own), the main
window over the self-test's case file rendered offscreen to PNG, and the ruling PDF read back and
drawn by QtPdf (the print preview's engine). The pictures are checked not to be blank.

The ICU step matters for the Linux bundle, whose ICU data is cut down to English and Chinese
(scripts/filter_icu.py): a missing item there shows only at run time, as an unsorted list or an
unknown encoding, so the frozen program checks each thing it keeps."""

import ctypes
import functools
import os
import re
import sys
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


# -- ICU, as Qt uses it -------------------------------------------------------------------------
NAMES = ("张三", "王五", "李四")
NAMES_IN_PINYIN_ORDER = ("李四", "王五", "张三")  # li, wang, zhang
WORDS = "被执行人张三名下银行存款"
ENCODED = "执行裁定书"
ZONE = b"Asia/Shanghai"


def check_collation() -> str:
    """QCollator in zh_CN sorts names by pinyin (ICU's zh collation)."""
    from PySide6.QtCore import QCollator, QLocale

    collator = QCollator(QLocale("zh_CN"))
    got = tuple(sorted(NAMES, key=functools.cmp_to_key(collator.compare)))
    if got != NAMES_IN_PINYIN_ORDER:
        raise StepFailed(
            f"collation: {'、'.join(got)}, not by pinyin {'、'.join(NAMES_IN_PINYIN_ORDER)}"
        )
    return "拼音排序/pinyin " + "<".join(got)


def check_word_boundaries() -> str:
    """QTextBoundaryFinder finds word boundaries inside a run of Chinese text."""
    from PySide6.QtCore import QTextBoundaryFinder

    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Word, WORDS)
    inside = []
    while (at := finder.toNextBoundary()) != -1:
        if 0 < at < len(WORDS):
            inside.append(at)
    if not inside:
        raise StepFailed(f"word boundaries: none inside {WORDS}")
    return f"分词/word boundaries {len(inside)}"


def _icu_common() -> tuple[ctypes.CDLL, str] | None:
    """ICU's common library as Qt loaded it, and its version suffix (Linux); None elsewhere."""
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = re.search(r"(/\S*/libicuuc\.so\.(\d+))$", maps, re.MULTILINE)
    if found is None:
        return None
    return ctypes.CDLL(found[1]), found[2]


def _icu_encode(text: str, codec: str) -> bytes | None:
    """`text` encoded by ICU's converter `codec` (ucnv_fromUChars), in the ICU Qt uses; None
    where Qt has no ICU. PySide6 does not wrap QStringEncoder's encoding call, so this asks ICU,
    the code and data behind QStringEncoder on Linux, directly."""
    icu = _icu_common()
    if icu is None:
        return None
    lib, version = icu
    status = ctypes.c_int(0)
    ucnv_open = getattr(lib, f"ucnv_open_{version}")
    ucnv_open.restype = ctypes.c_void_p
    ucnv_open.argtypes = (ctypes.c_char_p, ctypes.POINTER(ctypes.c_int))
    from_uchars = getattr(lib, f"ucnv_fromUChars_{version}")
    from_uchars.restype = ctypes.c_int32
    from_uchars.argtypes = (
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int32,
        ctypes.c_char_p,
        ctypes.c_int32,
        ctypes.POINTER(ctypes.c_int),
    )
    ucnv_close = getattr(lib, f"ucnv_close_{version}")
    ucnv_close.argtypes = (ctypes.c_void_p,)
    converter = ucnv_open(codec.encode("ascii"), ctypes.byref(status))
    if not converter or status.value > 0:
        raise StepFailed(f"ICU cannot open the {codec} converter (error {status.value})")
    try:
        utf16 = text.encode("utf-16-le")
        out = ctypes.create_string_buffer(4 * len(text) + 4)
        size = from_uchars(converter, out, len(out), utf16, len(utf16) // 2, ctypes.byref(status))
        if status.value > 0:
            raise StepFailed(f"ICU cannot encode into {codec} (error {status.value})")
        return out.raw[:size]
    finally:
        ucnv_close(converter)


def _qt_decode(data: bytes, codec: str) -> str:
    """`data` decoded by Qt's QStringDecoder for `codec` (through an XML declaration: PySide6
    does not wrap QStringDecoder's decoding call either)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QXmlStreamReader

    buffer = QBuffer()
    buffer.setData(
        QByteArray(f'<?xml version="1.0" encoding="{codec}"?><t>'.encode() + data + b"</t>")
    )
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QXmlStreamReader(buffer)
    reader.readNextStartElement()
    text = reader.readElementText()
    if reader.hasError():
        raise StepFailed(f"Qt cannot decode {codec}: {reader.errorString()}")
    return text


def check_gb18030(required: bool | None = None) -> str:
    """GB18030 both ways: ICU's converter encodes as Python does, Qt decodes it back. Required
    where Qt uses ICU (Linux); elsewhere Qt's own converters may lack it and it is only noted."""
    from PySide6.QtCore import QStringDecoder, QStringEncoder

    required = sys.platform.startswith("linux") if required is None else required
    valid = QStringEncoder("GB18030").isValid() and QStringDecoder("GB18030").isValid()
    if not valid:
        if required:
            raise StepFailed("QStringEncoder/QStringDecoder: no GB18030 converter")
        return "GB18030 无/not available"
    expected = ENCODED.encode("gb18030")
    encoded = _icu_encode(ENCODED, "GB18030")
    if encoded is not None and encoded != expected:
        raise StepFailed(f"GB18030: ICU encodes {ENCODED} as {encoded.hex()}, not {expected.hex()}")
    back = _qt_decode(expected, "GB18030")
    if back != ENCODED:
        raise StepFailed(f"GB18030: {expected.hex()} decodes as {back!r}, not {ENCODED}")
    return "GB18030 往返/round trip" if encoded is not None else "GB18030 解码/decodes"


def check_time_zone() -> str:
    """Asia/Shanghai is known, 8 hours ahead of UTC, and (with ICU) named in Chinese."""
    from PySide6.QtCore import QDateTime, QLocale, QTimeZone

    zone = QTimeZone(ZONE)
    if not zone.isValid():
        raise StepFailed(f"time zone {ZONE.decode()} unknown")
    offset = zone.standardTimeOffset(QDateTime.currentDateTimeUtc())
    if offset != 8 * 3600:
        raise StepFailed(f"time zone {ZONE.decode()}: UTC offset {offset} s, not 28800")
    name = zone.displayName(
        QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("zh_CN")
    )
    if _icu_common() is not None and "中国" not in name:
        raise StepFailed(f"time zone {ZONE.decode()}: named {name!r} in Chinese, not 中国标准时间")
    return f"{ZONE.decode()} {name}"


def check_chinese_date() -> str:
    """QLocale("zh_CN") writes a date in Chinese (2026年11月26日星期四)."""
    from PySide6.QtCore import QDate, QLocale

    text = QLocale("zh_CN").toString(QDate(2026, 11, 26), QLocale.FormatType.LongFormat)
    if not all(part in text for part in ("2026", "年", "11", "月", "26", "日")):
        raise StepFailed(f"zh_CN date: {text!r}")
    return text


ICU_CHECKS = (
    check_collation,
    check_word_boundaries,
    check_gb18030,
    check_time_zone,
    check_chinese_date,
)


def _step_icu(t: SelfTest) -> str:
    return "; ".join(check() for check in ICU_CHECKS)


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
    ("排序、分词、编码、时区、日期 / ICU: collation, words, GB18030, time zone, date", _step_icu),
    ("主窗口 / main window (offscreen PNG)", _step_window),
    ("打印预览引擎 / print preview engine (QtPdf)", _step_pdf_view),
]


def qt_steps() -> list[Step]:
    """The Qt steps, offscreen unless a platform is chosen already."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return STEPS
