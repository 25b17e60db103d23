"""Invoices for the office: find an invoice by number, customer, shipment, order or the
customer's PO; see what is open, overdue (how many days, in red) or paid; one invoice
in full with its lines, the payments and credit memos that settled it, the shipment
and order it bills and its journal entry. From here: invoice the shipments that left
without an invoice (customers invoiced by hand), record a payment against the invoice,
issue a credit memo on it, and print it or save it as a PDF to email."""

from __future__ import annotations

import os
from datetime import date, datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget,
)

from core.permissions import Actor, Permission
from core.queries.billing_docs import terms_text
from core.queries.invoices import (InvoiceDetail, InvoiceLineRow, InvoiceRow, InvoiceShow,
                                   SettlementRow, count_invoices, invoice_detail,
                                   list_invoices, uninvoiced_shipments)
from desktop.books_dialogs import RecordPaymentDialog
from desktop.books_models import money
from desktop.invoice_dialogs import CreditMemoDialog, InvoiceShipmentsDialog, Invoiced
from desktop.paged_table import PagedColumn, PagedTableModel
from desktop.print_preview import show_pdf
from desktop.screens.list_detail import ListDetailScreen, plural
from desktop.table_models import Column, RowTableModel
from desktop.tasks import run_task, show_error
from desktop.widgets.badges import set_badge
from desktop.widgets.detail_card import DetailCard, compact_table
from reports.invoice import build_invoice, render_invoice

AREA = "invoices"
CHANGED = frozenset({AREA, "payments", "books"})
SETTLEMENT_ROWS = 4  # shown without scrolling
ROW_HEIGHT = 26
STATE_TONES = {InvoiceShow.OPEN: "info", InvoiceShow.OVERDUE: "bad", InvoiceShow.PAID: "ok"}


def local_date(value: datetime) -> str:
    return value.astimezone().date().isoformat()


def days_text(days: int) -> str:
    return plural(days, "day") if days > 0 else ""


def open_text(row: InvoiceRow) -> str:
    """What is left to pay; "Paid" once nothing is (a return credited beyond what was
    open shows as the negative amount the customer has on account from it)."""
    return "Paid" if not row.open else money(row.open)


def state_text(row: InvoiceRow, on: date) -> str:
    state = row.state(on)
    if state is InvoiceShow.OVERDUE:
        return f"Overdue {days_text(row.days_overdue(on))}"
    return "Open" if state is InvoiceShow.OPEN else "Paid"


class InvoicesModel(PagedTableModel[InvoiceRow]):
    """The invoice list; `on` is the day overdue is judged on (today when loaded)."""

    CUSTOMER, TOTAL, OPEN, OVERDUE = 1, 4, 5, 6

    def __init__(self, owner, parent=None):
        super().__init__(owner, parent)
        self.text = ""
        self.show = InvoiceShow.ALL
        self.on = date.today()
        self.columns = (
            PagedColumn("Invoice", lambda r: r.number),
            PagedColumn("Customer", lambda r: r.customer),
            PagedColumn("Date", lambda r: r.invoice_date.isoformat()),
            PagedColumn("Due", lambda r: r.due_date.isoformat()),
            PagedColumn("Total", lambda r: money(r.total), align_right=True),
            PagedColumn("Open", open_text, align_right=True,
                        tone=lambda r: "ok" if r.open <= 0 else None),
            PagedColumn("Overdue", lambda r: days_text(r.days_overdue(self.on)),
                        align_right=True, tone=lambda r: "bad"),
        )

    def query(self):
        self.on = date.today()
        show, text, on = self.show, self.text, self.on
        return (lambda: count_invoices(show, text, on),
                lambda offset, limit: list_invoices(show, text, offset, limit, on))


class LinesModel(RowTableModel[InvoiceLineRow]):
    columns = (
        Column("#", lambda line: str(line.line_no), align_right=True),
        Column("Product", lambda line: line.description),
        Column("NDC", lambda line: line.ndc),
        Column("Qty", lambda line: f"{line.quantity:,}", align_right=True),
        Column("Unit price", lambda line: money(line.unit_price), align_right=True),
        Column("Amount", lambda line: money(line.amount), align_right=True),
    )
    PRODUCT = 1


class SettlementsModel(RowTableModel[SettlementRow]):
    columns = (
        Column("Date", lambda s: s.on.isoformat()),
        Column("", lambda s: s.kind, tone=lambda s: "ok" if s.kind == "Payment" else "info"),
        Column("Number", lambda s: s.number),
        Column("Detail", lambda s: s.detail),
        Column("Amount", lambda s: money(s.amount), align_right=True),
        Column("Entry", lambda s: f"#{s.entry_id}", align_right=True),
        Column("By", lambda s: s.by),
    )
    KIND, DETAIL = 1, 3


class InvoiceDetailPanel(DetailCard):
    """One invoice: who, when, what it billed and how it has been settled."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Select an invoice to see its lines and what has been paid or "
                         "credited on it.", parent)
        self.title_label, self.state_badge, self.open_label = self.add_title_row()
        self.facts_label = self.add_text(muted=True)
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column = self.column
        self.lines_model = LinesModel(self)
        self.lines_table = compact_table(self.lines_model, LinesModel.PRODUCT, ROW_HEIGHT,
                                         selectable=False)
        self.lines_table.setMinimumHeight(80)
        column.addWidget(self.lines_table, 1)
        self.totals_label = QLabel()
        self.totals_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        column.addWidget(self.totals_label)
        caption = QLabel("Payments and credits")
        caption.setObjectName("sectionTitle")
        column.addWidget(caption)
        self.settlements_model = SettlementsModel(self)
        self.settlements_table = compact_table(self.settlements_model, SettlementsModel.DETAIL,
                                               ROW_HEIGHT, selectable=False)
        column.addWidget(self.settlements_table)
        self.nothing_settled = QLabel("Nothing has been paid or credited on this invoice yet.")
        self.nothing_settled.setObjectName("muted")
        column.addWidget(self.nothing_settled)
        self.show_detail(None)

    def show_detail(self, detail: InvoiceDetail | None, on: date | None = None) -> None:
        if not self.set_detail(detail):
            self.lines_model.set_rows([])
            self.settlements_model.set_rows([])
            return
        on = on or date.today()
        row = detail.invoice
        self.title_label.setText(f"{row.number} · {escape(row.customer)}")
        set_badge(self.state_badge, state_text(row, on), STATE_TONES[row.state(on)])
        self.open_label.setText(
            f"<b>Paid in full</b> · total {money(row.total)}" if not row.open
            else f"Open <b>{money(row.open)}</b> of {money(row.total)}")
        posted = [f"Invoiced {row.invoice_date.isoformat()}"
                  + (f" by {escape(detail.created_by)}" if detail.created_by else ""),
                  f"due {row.due_date.isoformat()} ({terms_text(detail.terms_days)})",
                  f"journal entry #{detail.entry_id}"]
        billed = []
        if row.shipment:
            billed.append(f"Shipment {row.shipment}"
                          + (f" shipped {local_date(detail.shipped_at)}"
                             if detail.shipped_at else ""))
        if row.order:
            billed.append(f"order {row.order}")
        if row.customer_po:
            billed.append(f"customer PO {escape(row.customer_po)}")
        self.facts_label.setText("<br>".join(" · ".join(part) for part in (posted, billed)
                                             if part))
        self.lines_model.set_rows(detail.lines)
        totals = [f"Subtotal {money(detail.subtotal)}"]
        if detail.tax:
            totals.append(f"Tax {money(detail.tax)}")
        totals.append(f"<b>Total {money(row.total)}</b>")
        if detail.paid:
            totals.append(f"Paid {money(detail.paid)}")
        if detail.credited:
            totals.append(f"Credited {money(detail.credited)}")
        totals.append(f"<b>Open {money(row.open)}</b>")
        self.totals_label.setText("  ·  ".join(totals))
        self.settlements_model.set_rows(detail.settlements)
        table = self.settlements_table
        # As tall as its rows (a few at most, then it scrolls); the lines take the rest.
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
                             + min(len(detail.settlements), SETTLEMENT_ROWS)
                             * table.verticalHeader().defaultSectionSize())
        table.setVisible(bool(detail.settlements))
        self.nothing_settled.setVisible(not detail.settlements)


def _save_pdf(invoice_id: int, target: Path) -> int:
    """Written beside the target and renamed into place: a failed render leaves no half
    file that could be emailed to a customer."""
    partial = target.with_name(target.name + ".part")
    try:
        pages = render_invoice(build_invoice(invoice_id), partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return pages


class InvoicesScreen(ListDetailScreen):
    title = "Invoices"
    icon_name = "invoices"
    summary = ("Invoices to customers: what is open or overdue, invoice shipments, "
               "payments, credit memos, print.")
    areas = frozenset({AREA, "payments", "books", "shipping", "partners", "returns"})
    count_noun = "invoice"
    changes = CHANGED
    read_detail = staticmethod(invoice_detail)

    @classmethod
    def available_to(cls, actor: Actor) -> bool:
        return any(actor.may(p) for p in (Permission.POST_INVOICES, Permission.RECORD_PAYMENTS,
                                          Permission.VIEW_REPORTS))

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.may_post = self.actor.may(Permission.POST_INVOICES)
        self.may_pay = self.actor.may(Permission.RECORD_PAYMENTS)
        self._list_table(InvoicesModel(self, self), InvoicesModel.CUSTOMER)
        self.table.activated_row.connect(self.print_invoice)

        self.show_combo = QComboBox()
        for show in InvoiceShow:
            self.show_combo.addItem(show.label, show.value)
        self.show_combo.currentIndexChanged.connect(self._show_changed)
        bar = self._search_bar("Invoice, customer, shipment, order or customer PO", 260,
                               self.show_combo)
        self.invoice_shipments_button = QPushButton("&Invoice shipments…")
        self.invoice_shipments_button.setToolTip(
            "Shipments that left without an invoice (customers invoiced by hand).")
        self.invoice_shipments_button.clicked.connect(self.invoice_shipments)
        self.invoice_shipments_button.setVisible(self.may_post)
        bar.addWidget(self.invoice_shipments_button)
        self.layout_.addLayout(bar)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.payment_button = QPushButton("&Record payment…")
        self.payment_button.setToolTip("The customer's payment, applied to this invoice "
                                       "first; any rest stays on account.")
        self.payment_button.clicked.connect(self.record_payment)
        self.payment_button.setVisible(self.may_pay)
        self.credit_button = QPushButton("Credit &memo…")
        self.credit_button.setToolTip("Credit part or all of what is open on the invoice.")
        self.credit_button.clicked.connect(self.credit_memo)
        self.credit_button.setVisible(self.may_post)
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Open the invoice as a PDF to read or print.")
        self.print_button.clicked.connect(self.print_invoice)
        self.save_button = QPushButton("Save P&DF…")
        self.save_button.setToolTip("Save the invoice as a PDF, e.g. to email it.")
        self.save_button.clicked.connect(self.save_pdf)
        actions.addWidget(self.payment_button)
        actions.addWidget(self.credit_button)
        actions.addStretch()
        actions.addWidget(self.print_button)
        actions.addWidget(self.save_button)

        self.detail_panel = InvoiceDetailPanel()
        self._list_over(actions, self._result_line(), self.detail_panel, stretch=(2, 3),
                        sizes=(260, 400))
        self.message: QMessageBox | None = None
        self.saved_to: Path | None = None
        self.waiting = 0  # shipments not yet invoiced
        self._update_buttons()

    # -- the list ----------------------------------------------------------------------

    def refresh(self) -> None:
        super().refresh()
        if self.may_post:
            run_task(self, lambda: len(uninvoiced_shipments()), self._waiting_counted)

    def _waiting_counted(self, count: int) -> None:
        self.waiting = count
        self.invoice_shipments_button.setText(
            f"&Invoice shipments ({count:,})…" if count else "&Invoice shipments…")

    def _show_changed(self) -> None:
        self.model.show = InvoiceShow(self.show_combo.currentData())
        if self.model.started:
            self.model.reload()

    def selected(self) -> InvoiceRow | None:
        return self.table.selected_row()

    def show_detail(self, detail: InvoiceDetail | None) -> None:
        self.detail_panel.show_detail(detail, self.model.on)

    def _update_buttons(self) -> None:
        row = self.selected()
        self.payment_button.setEnabled(row is not None)
        self.credit_button.setEnabled(row is not None and row.open > 0)
        self.credit_button.setToolTip(
            "Credit part or all of what is open on the invoice." if row is None or row.open > 0
            else f"Nothing is open on {row.number} to credit.")
        self.print_button.setEnabled(row is not None)
        self.save_button.setEnabled(row is not None)

    # -- actions -----------------------------------------------------------------------

    def invoice_shipments(self) -> None:
        if not self.may_post:
            return
        dialog = InvoiceShipmentsDialog(self.actor, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._invoiced(dialog.results))
        dialog.open()

    def _invoiced(self, results: list[Invoiced]) -> None:
        made = [r for r in results if r.result is not None]
        refused = [r for r in results if r.result is None]
        parts = []
        if made:
            parts.append("Invoiced " + "; ".join(
                f"{r.shipment} on <b>{r.result.number}</b> ({money(r.result.total)}, due "
                f"{r.result.due_date.isoformat()})" for r in made) + ".")
        if refused:
            parts.append("Not invoiced: " + "; ".join(
                f"{r.shipment}: {escape(r.refusal)}" for r in refused))
        self._show_result("warn" if refused else "ok", " ".join(parts))
        # Show every invoice so the new one can be selected; the refresh loads it.
        self.show_combo.blockSignals(True)
        self.show_combo.setCurrentIndex(self.show_combo.findData(InvoiceShow.ALL.value))
        self.show_combo.blockSignals(False)
        self.model.show = InvoiceShow.ALL
        self._changed(made[-1].result.invoice_id if made else None)

    def record_payment(self) -> None:
        row = self.selected()
        if row is None or not self.may_pay:
            return
        invoice_id = row.id
        dialog = RecordPaymentDialog(self.actor, row.customer_id, self,
                                     invoice=row.number if row.open > 0 else None)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._paid(invoice_id, dialog))
        dialog.open()

    def _paid(self, invoice_id: int, dialog: RecordPaymentDialog) -> None:
        self._show_result("ok", f"Payment of {money(dialog.amount() or 0)} from "
                                f"{escape(dialog.customer_combo.currentText())} recorded.")
        self._changed(invoice_id)

    def credit_memo(self) -> None:
        row = self.selected()
        if row is None or not self.may_post or row.open <= 0:
            return
        dialog = CreditMemoDialog(self.actor, row, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._credited(row, dialog.result))
        dialog.open()

    def _credited(self, row: InvoiceRow, memo: str) -> None:
        self._show_result("ok", f"Credit memo <b>{memo}</b> issued on {row.number}.")
        self._changed(row.id)

    # -- documents ---------------------------------------------------------------------

    def print_invoice(self) -> None:
        row = self.selected()
        if row is None:
            return
        invoice_id = row.id
        show_pdf(self, f"Invoice {row.number}", f"{row.number}.pdf",
                 lambda path: render_invoice(build_invoice(invoice_id), path), self._pdf_ready)

    def save_pdf(self) -> None:
        row = self.selected()
        if row is None:
            return
        start = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        target, _filter = QFileDialog.getSaveFileName(
            self, f"Save {row.number} as PDF", str(Path(start) / f"{row.number}.pdf"),
            "PDF documents (*.pdf)")
        if not target:
            return
        path = Path(target)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        invoice_id, number = row.id, row.number
        run_task(self, lambda: _save_pdf(invoice_id, path),
                 lambda _pages: self._saved(number, path),
                 lambda exc: setattr(self, "message", show_error(self, exc)))

    def _saved(self, number: str, path: Path) -> None:
        self.saved_to = path
        self._show_result("ok", f"{number} saved to {escape(str(path))}.")
