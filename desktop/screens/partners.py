"""Customers and suppliers: who they are, where they are, and whether RxDesk may trade
with them today (DSCSA authorized trading partner), with the licenses behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
    QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from core.permissions import Permission
from core.queries.atp import ANNUAL_CHECK_VALID, WARN_BEFORE, AtpStatus, atp_statuses
from core.queries.partners import (
    AddressRow, EvidenceRow, PartnerDetail, PartnerRow, count_partners, partner_detail,
    search_partners,
)
from core.vocab import AddressKind, EvidenceKind
from desktop.books_models import money
from desktop.paged_table import PagedColumn, PagedTableModel, PagedTableView
from desktop.partner_dialogs import (
    AddEvidenceDialog, AddressDialog, CustomerTermsDialog, EditPartnerDialog,
    NewPartnerDialog, PartnerActiveDialog, RenewEvidenceDialog, RetireAddressDialog,
    SupplierTermsDialog,
)
from desktop.screens.base import Screen
from desktop.table_models import Column, RowTableModel
from desktop.tasks import run_task
from desktop.widgets.badges import TONES, BadgeDelegate, badge_label, set_badge
from desktop.widgets.search import SearchEdit

ROLE_FILTERS = (("All partners", ""), ("Customers", "customer"), ("Suppliers", "supplier"))


def atp_tone(status: AtpStatus) -> str:
    return "bad" if status.reasons else "warn" if status.warnings else "ok"


def list_label(status: AtpStatus) -> str:
    """The list's short badge (the tooltip and the detail panel say the rest)."""
    return "Blocked" if status.reasons else "Renew soon" if status.warnings else "Authorized"


def roles_text(row: PartnerRow) -> str:
    return ", ".join(r for r, on in (("Customer", row.is_customer),
                                     ("Supplier", row.is_supplier)) if on)


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class ListedPartner:
    row: PartnerRow
    atp: AtpStatus


def _partner_page(text: str, role: str, offset: int, limit: int) -> list[ListedPartner]:
    rows = search_partners(text, role, offset, limit)
    statuses = atp_statuses([r.id for r in rows])
    return [ListedPartner(r, statuses[r.id]) for r in rows]


class PartnersTableModel(PagedTableModel[ListedPartner]):
    columns = (
        PagedColumn("Name", lambda p: p.row.name),
        PagedColumn("Authorization", lambda p: list_label(p.atp),
                    tone=lambda p: atp_tone(p.atp)),
        PagedColumn("Roles", lambda p: roles_text(p.row)),
        PagedColumn("Type", lambda p: p.row.partner_type.label),
        PagedColumn("City", lambda p: ", ".join(x for x in (p.row.city, p.row.state) if x)),
        PagedColumn("GLN", lambda p: p.row.gln),
    )
    NAME, ATP = 0, 1

    def __init__(self, owner, parent=None):
        super().__init__(owner, parent)
        self.text = ""
        self.role = ""

    def query(self):
        text, role = self.text, self.role
        return (lambda: count_partners(text, role),
                lambda offset, limit: _partner_page(text, role, offset, limit))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.ATP:
            atp = self.rows[index.row()].atp
            return "\n".join(sentence(t) for t in atp.reasons + atp.warnings) or None
        return super().data(index, role)


def evidence_due(e: EvidenceRow) -> date | None:
    """When this evidence stops counting: its expiry, or a year after an FDA check."""
    if e.kind is EvidenceKind.FDA_ANNUAL_REPORT and e.verified_on:
        check_due = e.verified_on + ANNUAL_CHECK_VALID
        return min(e.expiry, check_due) if e.expiry else check_due
    return e.expiry


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


MUTED = "#5b6b7a"


def evidence_status(e: EvidenceRow, today: date) -> str:
    if not e.current:
        return "Replaced"
    due = evidence_due(e)
    if due is not None and due < today:
        return "Expired"
    if due is not None and due - today <= WARN_BEFORE:
        return "Renew soon"
    return "Current"


def _tinted(tone: str, role) -> QColor | None:
    """Replaced or retired rows in grey; expired red, due soon amber."""
    if tone == "muted":
        return QColor(MUTED) if role == Qt.ItemDataRole.ForegroundRole else None
    if tone not in TONES:
        return None
    background, _border, text = TONES[tone]
    return QColor(background if role == Qt.ItemDataRole.BackgroundRole else text)


class EvidenceTableModel(RowTableModel[EvidenceRow]):
    """The selected partner's licenses, newest first within each kind and state:
    expired rows red, due within 30 days amber, replaced by a renewal grey (history)."""

    columns = (
        Column("License", lambda e: " ".join(x for x in (e.state, e.kind.label.lower()) if x)
               if e.state else e.kind.label),
        Column("Number", lambda e: e.number),
        Column("Expires", lambda e: _iso(evidence_due(e))),
        Column("Status", lambda e: ""),
        Column("Verified", lambda e: " by ".join(x for x in (_iso(e.verified_on),
                                                             e.verified_by) if x)),
    )
    STATUS, VERIFIED = 3, 4
    _TIPS = {"Expired": "Expired", "Renew soon": "Expires within 30 days",
             "Replaced": "Replaced by a newer record; kept as history"}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.today = date.today()

    def tone(self, e: EvidenceRow) -> str:
        return {"Replaced": "muted", "Expired": "bad", "Renew soon": "warn"}.get(
            evidence_status(e, self.today), "")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return _tinted(self.tone(e), role)
        if role == Qt.ItemDataRole.ToolTipRole:
            kind = e.license_type or (f"Schedules {e.schedules}" if e.schedules else "")
            return "\n".join(x for x in (kind, self._TIPS.get(evidence_status(e, self.today)))
                             if x) or None
        if role == Qt.ItemDataRole.DisplayRole and index.column() == self.STATUS:
            return evidence_status(e, self.today)
        return super().data(index, role)


def address_kind_text(a: AddressRow) -> str:
    if not a.active:
        return "Retired ship-to"
    return "Default ship-to" if a.is_default and a.kind is AddressKind.SHIP_TO else a.kind.label


class AddressTableModel(RowTableModel[AddressRow]):
    """Bill-to, ship-tos (default first) and, greyed, retired ship-tos. An address
    named like the partner itself shows without the name."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.partner_name = ""
        self.columns = (
            Column("Kind", address_kind_text),
            Column("Address", lambda a: " · ".join(x for x in (
                "" if a.name == self.partner_name else a.name, a.one_line(),
                f"GLN {a.gln}" if a.gln else "") if x)),
        )

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role in (Qt.ItemDataRole.BackgroundRole,
                                        Qt.ItemDataRole.ForegroundRole):
            return _tinted("" if self.rows[index.row()].active else "muted", role)
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[1].display(self.rows[index.row()])  # when elided
        return super().data(index, role)


# (caption, the value as the detail panel shows it), two rows of three
TERMS_SHOWN = (
    ("Terms", lambda t: f"Net {t.payment_terms_days}"),
    ("Sales tax", lambda t: f"{t.tax_percent}%" if t.tax_rate_bp else "Exempt"),
    ("Invoicing", lambda t: "On shipping" if t.invoice_on_ship else "By hand"),
    ("Credit limit", lambda t: money(t.credit_limit) if t.credit_limit else "None"),
    ("Credit hold", lambda t: f"After {t.hold_past_due_days} days past due"
     if t.hold_past_due_days else "Never"),
    ("Min. shelf life", lambda t: f"{t.min_shelf_life_days} days"
     if t.min_shelf_life_days else "None"),
)


def _small_table(model) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
    return table


def _title_row(title: str, *buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(6)
    row.addWidget(QLabel(f"<b>{title}</b>"))
    row.addStretch()
    for button in buttons:
        row.addWidget(button)
    return row


class PartnerDetailPanel(QFrame):
    """Details, a customer's billing and credit terms (a supplier's payment terms),
    addresses, licenses (with their
    history) and the authorization verdict of one partner. The buttons are shown to users who may change partners; the screen
    connects them."""

    def __init__(self, editable: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.editable = editable
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(8)
        self.placeholder = QLabel("Select a partner to see its addresses, licenses and "
                                  "whether you may trade with it.")
        self.placeholder.setObjectName("muted")
        outer.addWidget(self.placeholder)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        self.name_label = QLabel()
        self.name_label.setObjectName("dialogTitle")
        self.name_label.setWordWrap(True)
        self.edit_button = QPushButton("&Edit partner…")
        self.active_button = QPushButton("De&activate…")
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.name_label, 1)
        header.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.active_button, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(header)
        facts = QHBoxLayout()
        facts.setSpacing(10)
        self.atp_badge = badge_label()
        facts.addWidget(self.atp_badge, 0, Qt.AlignmentFlag.AlignTop)
        self.facts_label = QLabel()
        self.facts_label.setObjectName("muted")
        self.facts_label.setWordWrap(True)
        facts.addWidget(self.facts_label, 1)
        body.addLayout(facts)
        self.reasons_label = QLabel()
        self.reasons_label.setObjectName("danger")
        self.reasons_label.setWordWrap(True)
        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("warning")
        self.warnings_label.setWordWrap(True)
        body.addWidget(self.reasons_label)
        body.addWidget(self.warnings_label)

        self.terms_button = QPushButton("Change te&rms…")
        self.terms_box = QWidget()  # one band, so the tables keep room
        terms = QHBoxLayout(self.terms_box)
        terms.setContentsMargins(0, 0, 0, 0)
        terms.setSpacing(16)
        self.terms_title = QLabel()
        terms.addWidget(self.terms_title, 0, Qt.AlignmentFlag.AlignTop)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.terms_captions: list[QLabel] = []
        self.terms_values: list[QLabel] = []
        for number, (caption, _shown) in enumerate(TERMS_SHOWN):
            row, pair = divmod(number, 3)
            label = QLabel(f"{caption}:")
            label.setObjectName("muted")
            value = QLabel()
            grid.addWidget(label, row, 2 * pair)
            grid.addWidget(value, row, 2 * pair + 1)
            self.terms_captions.append(label)
            self.terms_values.append(value)
        for pair in range(3):
            grid.setColumnStretch(2 * pair + 1, 1)
        terms.addLayout(grid, 1)
        terms.addWidget(self.terms_button, 0, Qt.AlignmentFlag.AlignTop)
        body.addWidget(self.terms_box)

        columns = QHBoxLayout()
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(16)
        self.add_address_button = QPushButton("Add shi&p-to…")
        self.edit_address_button = QPushButton("Chan&ge…")
        self.retire_address_button = QPushButton("Re&tire…")
        self.address_model = AddressTableModel(self)
        self.address_table = _small_table(self.address_model)
        self.address_table.selectionModel().selectionChanged.connect(self.update_buttons)
        middle = QVBoxLayout()
        middle.setSpacing(6)
        middle.addLayout(_title_row("Addresses", self.add_address_button,
                                    self.edit_address_button, self.retire_address_button))
        middle.addWidget(self.address_table, 1)

        self.renew_button = QPushButton("Rene&w…")
        self.renew_button.setToolTip("Record the renewed license; the old one stays as "
                                     "history.")
        self.evidence_model = EvidenceTableModel(self)
        self.evidence_table = _small_table(self.evidence_model)
        self.evidence_table.selectionModel().selectionChanged.connect(self.update_buttons)
        right = QVBoxLayout()
        right.setSpacing(6)
        right.addLayout(_title_row("Licenses and evidence", self.renew_button))
        right.addWidget(self.evidence_table, 1)
        self.no_evidence_label = QLabel("No licenses on file yet.")
        self.no_evidence_label.setObjectName("muted")
        right.addWidget(self.no_evidence_label)
        right.addStretch(0)
        columns.addLayout(middle, 1)
        columns.addLayout(right, 0)  # as wide as its columns; addresses take the rest
        body.addLayout(columns, 1)
        outer.addWidget(self.body, 1)
        for button in self.buttons():
            button.setVisible(editable)
        self.show_detail(None)

    def buttons(self) -> list[QPushButton]:
        return [self.edit_button, self.active_button, self.terms_button,
                self.add_address_button, self.edit_address_button,
                self.retire_address_button, self.renew_button]

    def show_detail(self, detail: PartnerDetail | None) -> None:
        self.detail = detail
        self.placeholder.setVisible(detail is None)
        self.body.setVisible(detail is not None)
        if detail is None:
            self.evidence_model.set_rows([])
            self.address_model.set_rows([])
            self.update_buttons()
            return
        p, atp = detail.partner, detail.atp
        self.name_label.setText(p.name)
        self.active_button.setText("De&activate…" if p.active else "Re&activate…")
        set_badge(self.atp_badge, atp.label, atp_tone(atp))
        facts = [p.partner_type.label, roles_text(p)]
        facts += [f"GLN {p.gln}"] if p.gln else []
        facts += [x for x in (p.phone, detail.email) if x]
        facts += [] if p.active else ["Inactive"]
        self.facts_label.setText(" · ".join(facts))
        self.reasons_label.setText(
            "<b>Not authorized:</b> RxDesk refuses to receive from or ship to this "
            "partner until this is fixed:" + self._bullets(atp.reasons) if atp.reasons else "")
        self.reasons_label.setVisible(bool(atp.reasons))
        self.warnings_label.setText(
            "<b>Renew soon</b> (still authorized):" + self._bullets(atp.warnings)
            if atp.warnings else "")
        self.warnings_label.setVisible(bool(atp.warnings))
        # A supplier that is not a customer has payment terms only (its bills' due dates).
        self.terms_title.setText("<b>Billing and credit</b>" if p.is_customer
                                 else "<b>Paying this supplier</b>")
        for number, (caption, value, (text, shown)) in enumerate(
                zip(self.terms_captions, self.terms_values, TERMS_SHOWN)):
            caption.setText("Payment terms:" if number == 0 and not p.is_customer
                            else f"{text}:")
            value.setText(shown(detail.terms))
            caption.setVisible(p.is_customer or number == 0)
            value.setVisible(p.is_customer or number == 0)
        self.address_model.partner_name = p.name
        self.address_model.set_rows(detail.addresses)
        self.evidence_model.today = date.today()
        self.evidence_model.set_rows(detail.evidence)
        self.evidence_table.setVisible(bool(detail.evidence))
        self._fit_width(self.evidence_table)
        self.no_evidence_label.setVisible(not detail.evidence)
        self.update_buttons()

    def terms_text(self) -> str:
        """'Terms: Net 30 · Sales tax: Exempt · …' (a supplier's 'Payment terms: Net 30'),
        as the panel shows them."""
        return " · ".join(f"{caption.text()} {value.text()}" for caption, value
                          in zip(self.terms_captions, self.terms_values)
                          if not value.isHidden())

    @staticmethod
    def _fit_width(table: QTableView) -> None:
        """Wide enough for every column in full, within reason."""
        header = table.horizontalHeader()
        needed = sum(max(table.sizeHintForColumn(c), header.sectionSizeHint(c))
                     for c in range(header.count()))
        table.setMinimumWidth(min(needed + 2 * table.frameWidth(), 640))

    def selected_address(self) -> AddressRow | None:
        rows = self.address_table.selectionModel().selectedRows()
        return self.address_model.row_at(rows[0].row()) if rows else None

    def selected_evidence(self) -> EvidenceRow | None:
        rows = self.evidence_table.selectionModel().selectedRows()
        return self.evidence_model.row_at(rows[0].row()) if rows else None

    def select_address(self, address_id: int) -> bool:
        return self._select(self.address_table, self.address_model.rows, address_id)

    def select_evidence(self, evidence_id: int) -> bool:
        return self._select(self.evidence_table, self.evidence_model.rows, evidence_id)

    @staticmethod
    def _select(table: QTableView, rows, wanted: int) -> bool:
        for number, row in enumerate(rows):
            if row.id == wanted:
                table.selectRow(number)
                return True
        return False

    def update_buttons(self) -> None:
        shown = self.detail is not None
        address, evidence = self.selected_address(), self.selected_evidence()
        self.edit_button.setEnabled(shown)
        self.active_button.setEnabled(shown)
        self.terms_button.setEnabled(shown)
        self.add_address_button.setEnabled(shown)
        self.edit_address_button.setEnabled(bool(address and address.active))
        self.retire_address_button.setEnabled(
            bool(address and address.active and address.kind is AddressKind.SHIP_TO))
        self.renew_button.setEnabled(bool(evidence and evidence.current))

    def addresses_text(self) -> str:
        model = self.address_model
        return "\n".join(" | ".join(model.index(r, c).data() for c in range(2))
                         for r in range(model.rowCount()))

    @staticmethod
    def _bullets(items: list[str]) -> str:
        return "".join(f"<br>• {escape(sentence(t))}." for t in items)

    def reasons_text(self) -> str:
        return self.reasons_label.text() if self.reasons_label.isVisibleTo(self) else ""

    def warnings_text(self) -> str:
        return self.warnings_label.text() if self.warnings_label.isVisibleTo(self) else ""


class PartnersScreen(Screen):
    title = "Partners"
    icon_name = "partners"
    summary = "Customers and suppliers, their licenses and whether you may trade with them."
    areas = frozenset({"partners"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.editable = self.actor.may(Permission.MANAGE_PARTNERS)
        self.model = PartnersTableModel(self, self)
        self.table = PagedTableView(self.model, sortable=False,
                                    stretch=PartnersTableModel.NAME)
        self.table.setItemDelegateForColumn(PartnersTableModel.ATP, BadgeDelegate(self.table))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated_row.connect(self._into_detail)
        self.model.loaded.connect(self._loaded)
        self.model.rowsInserted.connect(self._update_count)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.search_edit = SearchEdit("Search name or GLN")
        self.search_edit.setMinimumWidth(200)
        self.search_edit.search.connect(self.search)
        self.search_edit.down.connect(self._into_table)
        search_label = QLabel("&Find:")
        search_label.setBuddy(self.search_edit)
        self.role_combo = QComboBox()
        for label, value in ROLE_FILTERS:
            self.role_combo.addItem(label, value)
        self.role_combo.currentIndexChanged.connect(self._role_changed)
        role_label = QLabel("S&how:")
        role_label.setBuddy(self.role_combo)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        self.new_button = QPushButton("&New partner…")
        self.new_button.clicked.connect(self.new_partner)
        self.evidence_button = QPushButton("Add &license / evidence…")
        self.evidence_button.clicked.connect(self.add_evidence)
        for button in (self.new_button, self.evidence_button):
            button.setVisible(self.editable)
        bar.addWidget(search_label)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(role_label)
        bar.addWidget(self.role_combo)
        bar.addWidget(self.count_label)
        bar.addStretch()
        bar.addWidget(self.new_button)
        bar.addWidget(self.evidence_button)
        self.layout_.addLayout(bar)

        self.detail_panel = panel = PartnerDetailPanel(self.editable)
        panel.edit_button.clicked.connect(self.edit_partner)
        panel.active_button.clicked.connect(self.change_active)
        panel.terms_button.clicked.connect(self.change_terms)
        panel.add_address_button.clicked.connect(self.add_address)
        panel.edit_address_button.clicked.connect(self.edit_address)
        panel.retire_address_button.clicked.connect(self.retire_address)
        panel.renew_button.clicked.connect(self.renew_evidence)
        panel.address_table.doubleClicked.connect(lambda _index: self.edit_address())
        panel.evidence_table.doubleClicked.connect(lambda _index: self.renew_evidence())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail_panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 340])
        self.layout_.addWidget(splitter, 1)
        self.dialog = None
        self._select_id: int | None = None
        self._detail_for: int | None = None
        self._update_buttons()

    def refresh(self) -> None:
        if self._select_id is None and (listed := self.selected_listing()):
            self._select_id = listed.row.id
        self.model.reload()

    def search(self, text: str) -> None:
        self.model.text = text
        self.model.reload()

    def _role_changed(self) -> None:
        self.model.role = self.role_combo.currentData()
        if self.model.started:
            self.model.reload()

    def _loaded(self) -> None:
        self._update_count()
        wanted, self._select_id = self._select_id, None
        if wanted is None or not self.table.select_where(lambda p: p.row.id == wanted):
            self._selection_changed()
        self._update_buttons()

    def _update_count(self) -> None:
        total = self.model.total
        text = f"{total:,} partner{'' if total == 1 else 's'}"
        self.count_label.setText(f"{text} found" if self.model.text else text)

    def _into_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _into_detail(self) -> None:
        if self.editable:
            self.add_evidence()

    def selected_listing(self) -> ListedPartner | None:
        return self.table.selected_row()

    def selected(self) -> PartnerRow | None:
        listed = self.selected_listing()
        return listed.row if listed else None

    def _selection_changed(self) -> None:
        self._update_buttons()
        partner = self.selected()
        if partner is None:
            self._detail_for = None
            self.detail_panel.show_detail(None)
            return
        self._detail_for = partner_id = partner.id
        run_task(self, lambda: partner_detail(partner_id),
                 lambda detail: self._show_detail(partner_id, detail))

    def _show_detail(self, partner_id: int, detail: PartnerDetail) -> None:
        if partner_id == self._detail_for:  # a later selection wins
            self.detail_panel.show_detail(detail)

    def _update_buttons(self) -> None:
        self.evidence_button.setEnabled(self.selected() is not None)

    def _open(self, dialog, select_id) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._after(select_id(dialog)))
        dialog.open()

    def _after(self, partner_id: int) -> None:
        self._select_id = partner_id
        self.changed.emit({"partners"})

    def _shown(self) -> PartnerDetail | None:
        """The partner in the detail panel, if the panel shows the selected one."""
        detail = self.detail_panel.detail
        selected = self.selected()
        if not self.editable or detail is None or selected is None:
            return None
        return detail if detail.partner.id == selected.id else None

    def edit_partner(self) -> None:
        if detail := self._shown():
            self._open(EditPartnerDialog(self.actor, detail, self),
                       lambda _d: detail.partner.id)

    def change_active(self) -> None:
        if detail := self._shown():
            self._open(PartnerActiveDialog(self.actor, detail.partner, self),
                       lambda _d: detail.partner.id)

    def change_terms(self) -> None:
        if detail := self._shown():
            dialog = (CustomerTermsDialog if detail.partner.is_customer
                      else SupplierTermsDialog)
            self._open(dialog(self.actor, detail, self), lambda _d: detail.partner.id)

    def add_address(self) -> None:
        if detail := self._shown():
            self._open(AddressDialog(self.actor, detail.partner, None, self),
                       lambda _d: detail.partner.id)

    def edit_address(self) -> None:
        detail, address = self._shown(), self.detail_panel.selected_address()
        if detail and address and address.active:
            self._open(AddressDialog(self.actor, detail.partner, address, self),
                       lambda _d: detail.partner.id)

    def retire_address(self) -> None:
        detail, address = self._shown(), self.detail_panel.selected_address()
        if detail and address and address.active and address.kind is AddressKind.SHIP_TO:
            self._open(RetireAddressDialog(self.actor, detail.partner, address, self),
                       lambda _d: detail.partner.id)

    def renew_evidence(self) -> None:
        detail, evidence = self._shown(), self.detail_panel.selected_evidence()
        if detail and evidence and evidence.current:
            self._open(RenewEvidenceDialog(self.actor, detail.partner, evidence, self),
                       lambda _d: detail.partner.id)

    def new_partner(self) -> None:
        if self.editable:
            self._open(NewPartnerDialog(self.actor, self), lambda d: d.result)

    def add_evidence(self) -> None:
        if self.editable and (partner := self.selected()):
            self._open(AddEvidenceDialog(self.actor, partner, self), lambda _d: partner.id)
