"""Showing a finished PDF document: render it off the GUI thread into a temporary
file, then offer "Open" (the computer's PDF viewer, which also prints) and "Save as
PDF…". Every document screen (purchase order, packing slip, T3, invoice) uses this.

Why not QPrintPreviewDialog: it paints through QPainter, while our documents are
reportlab PDFs (embedded fonts, archival). And QtPdf is a separate wheel RxDesk does
not ship; the system viewer prints better than a raster preview anyway."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
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
        hint = QLabel("Open it in your PDF viewer to read or print it, or save a copy to "
                      "email to the recipient.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton("&Open / Print…")
        self.save_button = QPushButton("&Save as PDF…")
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(self.open_in_viewer)
        self.save_button.clicked.connect(self.ask_where_to_save)
        self.save_button.setDefault(True)
        layout.addWidget(buttons)

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
