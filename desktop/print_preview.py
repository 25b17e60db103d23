"""Showing a finished PDF document: render it off the GUI thread into a temporary
file, then offer "Print preview…" (Qt's preview and printer choice), "Open" (the
computer's PDF viewer) and "Save as PDF…". Every document screen (purchase order, pick
list, labels, packing slip, T3, invoice, statement) uses this.

The documents are reportlab PDFs (embedded fonts, archival); QPrintPreviewDialog paints
through QPainter, so each page is rasterised by PDFium (pypdfium2, a self-contained
wheel on Windows too) at the printer's resolution and drawn to fit the printable area.
QtPdf would do the same but is not in PySide6-Essentials."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, QSizeF, QStandardPaths, QUrl
from PySide6.QtGui import (QDesktopServices, QImage, QPageLayout, QPageSize, QPainter,
                           QPaintEngine)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from desktop.tasks import run_task, show_error

KEEP_SECONDS = 24 * 3600  # a viewer may still have yesterday's file open; not longer


def documents_folder() -> Path:
    """Where rendered documents wait to be opened or saved (cleared after a day)."""
    folder = Path(tempfile.gettempdir()) / "rxdesk-documents"
    folder.mkdir(exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.pdf"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass  # open in a viewer on Windows; next time
    return folder


PRINT_DPI_CAP = 300  # enough for text and barcodes; a 1200 dpi printer needs no more
PREVIEW_DPI = 100  # the preview keeps every page as an image: screen resolution


def paint_pdf(pdf: Path, printer: QPrinter) -> int:
    """Draw every page of `pdf` onto `printer` (a real printer, the preview or a PDF
    file), each scaled to fit its printable area; returns the pages drawn."""
    document = pdfium.PdfDocument(str(pdf))
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise OSError("the printer could not be opened")
        # The preview records pages (a picture engine) and keeps each image: screen
        # resolution there; a printer or PDF file consumes them page by page.
        previewing = painter.paintEngine().type() == QPaintEngine.Type.Picture
        dpi = PREVIEW_DPI if previewing else min(printer.resolution(), PRINT_DPI_CAP)
        for number in range(len(document)):
            if number:
                printer.newPage()
            page = document[number]
            bitmap = page.render(scale=dpi / 72, prefer_bgrx=True, rev_byteorder=True)
            # A copy Qt owns (3 bytes a pixel): PDFium frees its bitmap with the page.
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGBX8888).convertToFormat(
                               QImage.Format.Format_RGB888)
            area = QRectF(painter.viewport())
            fit = min(area.width() / image.width(), area.height() / image.height())
            target = QRectF(area.x(), area.y(), image.width() * fit, image.height() * fit)
            painter.drawImage(target, image)
        return len(document)
    finally:
        if painter.isActive():
            painter.end()
        document.close()


def match_paper(printer: QPrinter, pdf: Path) -> None:
    """Paper the size of the document's first page (US letter, a 4x6 in label) and the
    whole sheet to draw on: pages print 1:1, so a GS1 barcode keeps the bar width it was
    drawn with (our documents carry their own margins)."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        width, height = document[0].get_size()
    finally:
        document.close()
    printer.setPageSize(QPageSize(QSizeF(width, height), QPageSize.Unit.Point, "",
                                  QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if width > height
                               else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)


def safe_file_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "document"
    return stem if stem.lower().endswith(".pdf") else f"{stem}.pdf"


class PdfDocumentDialog(QDialog):
    """A rendered document: what it is, how many pages, Open and Save as PDF…"""

    def __init__(self, title: str, path: Path, pages: int, file_name: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.path, self.pages, self.file_name = path, pages, safe_file_name(file_name)
        self.saved_to: Path | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        heading = QLabel(f"<b>{title}</b> is ready: {pages} page{'s' if pages != 1 else ''}.")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        hint = QLabel("Preview and print it here, open it in your PDF viewer, or save a "
                      "copy to email to the recipient.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = QPushButton("&Print preview…")
        self.open_button = QPushButton("&Open in viewer")
        self.save_button = QPushButton("&Save as PDF…")
        for button in (self.print_button, self.open_button, self.save_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_preview)
        self.open_button.clicked.connect(self.open_in_viewer)
        self.save_button.clicked.connect(self.ask_where_to_save)
        self.print_button.setDefault(True)
        layout.addWidget(buttons)

    def print_preview(self) -> None:
        """Qt's print preview of the pages, with the printer, copies and page setup."""
        # Both kept on the dialog: the preview holds the printer by pointer only.
        self.printer = printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name)
        match_paper(printer, self.path)
        preview = QPrintPreviewDialog(printer, self)
        preview.setWindowTitle(f"Print preview: {self.windowTitle()}")
        preview.paintRequested.connect(lambda target: self._paint(target))
        self.preview = preview
        preview.open()

    def _paint(self, printer: QPrinter) -> None:
        try:
            paint_pdf(self.path, printer)
        except (OSError, pdfium.PdfiumError) as exc:
            self._status(f"Could not print {self.file_name}: {exc}.")

    def open_in_viewer(self) -> bool:
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))
        if not opened:
            self._status(f"No PDF viewer opened the file. It is at {self.path}; "
                         "use Save as PDF… to keep a copy.")
        return opened

    def ask_where_to_save(self) -> None:
        start = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        target, _filter = QFileDialog.getSaveFileName(
            self, "Save as PDF", str(Path(start) / self.file_name), "PDF documents (*.pdf)")
        if target:
            self.save_to(Path(target))

    def save_to(self, target: Path) -> bool:
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            shutil.copyfile(self.path, target)
        except OSError as exc:
            self._status(f"Could not save to {target}: {exc.strerror or exc}.")
            return False
        self.saved_to = target
        self._status(f"Saved to {target}.")
        return True

    def _status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.show()


def show_pdf(parent: QWidget, title: str, file_name: str, render: Callable[[Path], int],
             on_ready: Callable[[PdfDocumentDialog], None] | None = None) -> None:
    """Run `render(path) -> pages` on the database worker thread (it reads the data
    and draws the PDF), then open the document dialog over `parent`."""
    path = documents_folder() / f"{int(time.time() * 1000)}-{safe_file_name(file_name)}"

    def ready(pages: int) -> None:
        dialog = PdfDocumentDialog(title, path, pages, file_name, parent)
        if on_ready is not None:
            on_ready(dialog)
        dialog.open()

    run_task(parent, lambda: render(path), ready, lambda exc: show_error(parent, exc))
