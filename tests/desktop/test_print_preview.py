"""Print preview of our PDF documents: each page drawn onto the printer at its
resolution, so what comes out of the printer still scans."""

from PySide6.QtPrintSupport import QPrinter
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from desktop.print_preview import PdfDocumentDialog, match_paper, paint_pdf
from tests.reports.readback import page_sizes, scan_page


def two_pages(path) -> None:
    page = canvas.Canvas(str(path), pagesize=letter)
    page.drawString(72, 700, "Packing slip, page 1")
    page.showPage()
    Code128("RX-PRINT-2", barHeight=60, barWidth=1.6).drawOn(page, 72, 600)
    page.save()


def test_every_page_reaches_the_printer_and_its_barcode_still_scans(qapp, tmp_path):
    source, printed = tmp_path / "slip.pdf", tmp_path / "printed.pdf"
    two_pages(source)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    match_paper(printer, source)
    assert paint_pdf(source, printer) == 2
    # Letter paper, drawn 1:1: the barcode keeps the bar width it was printed with.
    assert [(round(w), round(h)) for w, h in page_sizes(printed)] == [(612, 792)] * 2
    assert [b.data for b in scan_page(printed, page=2)] == ["RX-PRINT-2"]


def test_the_document_dialog_opens_a_print_preview(qtbot, tmp_path):
    source = tmp_path / "slip.pdf"
    two_pages(source)
    dialog = PdfDocumentDialog("Packing slip SH-000001", source, 2, "packing-slip.pdf")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.preview.isVisible())
    assert "Packing slip SH-000001" in dialog.preview.windowTitle()
    dialog.preview.reject()


def test_a_label_prints_on_label_sized_paper(qapp, tmp_path):
    label, printed = tmp_path / "label.pdf", tmp_path / "printed.pdf"
    page = canvas.Canvas(str(label), pagesize=(288, 432))  # 4 x 6 in
    Code128("00006141410000000018", barHeight=80).drawOn(page, 20, 200)
    page.save()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    match_paper(printer, label)
    paint_pdf(label, printer)
    assert [(round(w), round(h)) for w, h in page_sizes(printed)] == [(288, 432)]
    assert [b.data for b in scan_page(printed)] == ["00006141410000000018"]
