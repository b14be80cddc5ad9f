"""Print preview: the rendered PDF pages, printed through the system print dialog or saved.

The dialog shows exactly the PDF that `workstation.documents.render_pdf` made; printing
renders each of its pages at the printer's resolution (capped, see PRINT_DPI_CAP) onto the
printer, so paper and PDF are the same layout. A document with characters no font can print
is not printed: the officer is told which characters (see `missing_glyphs_message`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.documents import (
    Document,
    FontSet,
    missing_glyphs,
    render_combined_pdf,
    render_pdf,
)

from .dialog_parts import ERROR_STYLE

log = logging.getLogger(__name__)

# A page image at 1200 dpi is 560 MB; 600 dpi keeps laser-printed text sharp at a quarter of it.
PRINT_DPI_CAP = 600


def missing_glyphs_message(chars: list[str]) -> str:
    """What the officer reads when a document has characters no installed font can print."""
    listed = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in chars)
    return (
        f"文书中有 {len(chars)} 个字符本机所有字体都无法打印，打印出来会是空框：{listed}。"
        "请核对这些字是否录入正确；如确为生僻字，请安装含有这些字的字体"
        "（或交技术人员放入 WORKSTATION_FONT_DIR 指定的字体文件夹）后再打印。"
    )


def _missing(docs: list[Document], fonts: FontSet | None) -> list[str]:
    return list(dict.fromkeys(c for doc in docs for c in missing_glyphs(doc, fonts)))


class PrintPreviewDialog(QDialog):
    """The pages of one document (or of several, printed together: each numbers its own pages),
    with 打印…, 另存为PDF… and 关闭."""

    def __init__(
        self,
        doc: Document | list[Document],
        parent: QWidget | None = None,
        *,
        fonts: FontSet | None = None,
        title: str = "打印预览",
        file_name: str = "文书.pdf",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        docs = list(doc) if isinstance(doc, list | tuple) else [doc]
        self.document = docs[0] if len(docs) == 1 else None
        self.documents = docs
        self.file_name = file_name
        self.missing = _missing(docs, fonts)
        self.pdf_bytes = (
            render_pdf(docs[0], fonts=fonts)
            if len(docs) == 1
            else render_combined_pdf(docs, fonts=fonts)
        )
        self._printer: QPrinter | None = None  # kept while the print dialog is open

        # The QBuffer and its bytes must outlive the QPdfDocument reading them.
        self._data = QByteArray(self.pdf_bytes)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf = QPdfDocument(self)
        self.pdf.load(self._buffer)
        if self.pdf.status() != QPdfDocument.Status.Ready:
            log.error("print preview: QtPdf cannot read the rendered PDF: %s", self.pdf.error())

        self.view = QPdfView(self)
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)

        self.warning = QLabel(missing_glyphs_message(self.missing) if self.missing else "")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(ERROR_STYLE)
        self.warning.setVisible(bool(self.missing))

        self.pages_label = QLabel(f"共 {self.page_count()} 页")
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为PDF…")
        self.close_button = QPushButton("关闭")
        for button in (self.print_button, self.save_button):
            button.setEnabled(not self.missing)
        self.print_button.clicked.connect(self.open_print_dialog)
        self.save_button.clicked.connect(self.ask_save_pdf)
        self.close_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.pages_label)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(760, 900)
        self.print_button.setDefault(not self.missing)

    def page_count(self) -> int:
        return self.pdf.pageCount()

    # --- printing ---

    def open_print_dialog(self) -> None:
        """The system print dialog; on OK, print every page."""
        if self.missing:
            return
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._printer.setDocName(self.windowTitle())
        self._printer.setFromTo(1, self.page_count())
        dialog = QPrintDialog(self._printer, self)
        dialog.setWindowTitle("打印")
        dialog.setMinMax(1, self.page_count())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(self._printer)
        self._printer = None

    def print_to(self, printer: QPrinter) -> None:
        """Print the document's pages (or the range chosen in the print dialog) on `printer`."""
        if self.missing:
            raise ValueError("document has characters no font can print")
        printer.setFullPage(True)
        printer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                printer.pageLayout().margins(),
            )
        )
        first, last = 1, self.page_count()
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage(), min(printer.toPage() or last, last)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("打印机无法开始打印，请检查打印机是否就绪。")
        try:
            dpi = min(printer.resolution(), PRINT_DPI_CAP)
            for number in range(first, last + 1):
                if number > first:
                    printer.newPage()
                index = number - 1
                points = self.pdf.pagePointSize(index)
                size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                image = self.pdf.render(index, size)
                target: QRect = painter.viewport()  # the whole sheet: setFullPage(True)
                painter.drawImage(target, image)
        finally:
            painter.end()

    # --- saving ---

    def ask_save_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "另存为PDF", self.file_name, "PDF 文件 (*.pdf)")
        if not path:
            return
        try:
            self.save_pdf(Path(path))
        except OSError as exc:
            QMessageBox.warning(self, "另存为PDF", f"无法保存到 {path}：{exc.strerror or exc}")

    def save_pdf(self, path: Path) -> None:
        """Write the same PDF the preview shows."""
        if self.missing:
            raise ValueError("document has characters no font can print")
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        path.write_bytes(self.pdf_bytes)


def show_print_preview(
    doc: Document | list[Document],
    parent: QWidget | None = None,
    *,
    fonts: FontSet | None = None,
    **kwargs,
) -> PrintPreviewDialog:
    """Open the preview; first tell the officer about characters that cannot be printed."""
    missing = _missing(list(doc) if isinstance(doc, list | tuple) else [doc], fonts)
    if missing:
        QMessageBox.warning(parent, "无法打印的字符", missing_glyphs_message(missing))
    dialog = PrintPreviewDialog(doc, parent, fonts=fonts, **kwargs)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
