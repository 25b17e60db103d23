"""Customers and suppliers: who they are, where they are, and whether RxDesk may trade
with them today (DSCSA authorized trading partner), with the licenses behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QScrollArea, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from core.permissions import Permission
from core.queries.atp import ANNUAL_CHECK_VALID, WARN_BEFORE, AtpStatus, atp_statuses
from core.queries.partners import (
    EvidenceRow, PartnerDetail, PartnerRow, count_partners, partner_detail, search_partners,
)
from core.vocab import EvidenceKind
from desktop.paged_table import PagedColumn, PagedTableModel, PagedTableView
from desktop.partner_dialogs import AddEvidenceDialog, NewPartnerDialog
from desktop.screens.base import Screen
from desktop.table_models import Column, RowTableModel
from desktop.tasks import run_task
from desktop.widgets.badges import TONES, BadgeDelegate, badge_label, set_badge
from desktop.widgets.search import SearchEdit

ROLE_FILTERS = (("All partners", ""), ("Customers", "customer"), ("Suppliers", "supplier"))


def atp_tone(status: AtpStatus) -> str:
    return "bad" if status.reasons else "warn" if status.warnings else "ok"


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
        PagedColumn("Authorization", lambda p: p.atp.label, tone=lambda p: atp_tone(p.atp)),
        PagedColumn("Roles", lambda p: roles_text(p.row)),
        PagedColumn("Type", lambda p: p.row.partner_type.label),
        PagedColumn("City", lambda p: p.row.city),
        PagedColumn("State", lambda p: p.row.state),
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


class EvidenceTableModel(RowTableModel[EvidenceRow]):
    """The selected partner's licenses: expired rows red, due within 30 days amber."""

    columns = (
        Column("Kind", lambda e: e.kind.label),
        Column("State", lambda e: e.state),
        Column("Number", lambda e: e.number),
        Column("Type", lambda e: e.license_type or e.schedules),
        Column("Expires", lambda e: _iso(evidence_due(e))),
        Column("Verified", lambda e: " by ".join(x for x in (_iso(e.verified_on),
                                                             e.verified_by) if x)),
    )
    VERIFIED = 5

    def __init__(self, parent=None):
        super().__init__(parent)
        self.today = date.today()

    def tone(self, e: EvidenceRow) -> str:
        due = evidence_due(e)
        if due is None:
            return ""
        if due < self.today:
            return "bad"
        return "warn" if due - self.today <= WARN_BEFORE else ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role in (Qt.ItemDataRole.BackgroundRole,
                                        Qt.ItemDataRole.ForegroundRole):
            tone = self.tone(self.rows[index.row()])
            if tone:
                background, _border, text = TONES[tone]
                return QColor(background if role == Qt.ItemDataRole.BackgroundRole else text)
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            tone = self.tone(self.rows[index.row()])
            return {"bad": "Expired", "warn": "Expires within 30 days"}.get(tone)
        return super().data(index, role)


class PartnerDetailPanel(QFrame):
    """Addresses, licenses and the authorization verdict of one partner."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(8)
        self.placeholder = QLabel("Select a partner to see its addresses, licenses and "
                                  "whether you may trade with it.")
        self.placeholder.setObjectName("muted")
        outer.addWidget(self.placeholder)

        self.body = QWidget()
        columns = QHBoxLayout(self.body)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(24)
        facts = QWidget()
        left = QVBoxLayout(facts)
        left.setContentsMargins(0, 0, 8, 0)
        left.setSpacing(6)
        self.name_label = QLabel()
        self.name_label.setObjectName("dialogTitle")
        self.name_label.setWordWrap(True)
        left.addWidget(self.name_label)
        self.atp_badge = badge_label()
        left.addWidget(self.atp_badge, 0, Qt.AlignmentFlag.AlignLeft)
        self.facts_label = QLabel()
        self.facts_label.setObjectName("muted")
        self.facts_label.setWordWrap(True)
        left.addWidget(self.facts_label)
        self.reasons_label = QLabel()
        self.reasons_label.setObjectName("danger")
        self.reasons_label.setWordWrap(True)
        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("warning")
        self.warnings_label.setWordWrap(True)
        left.addWidget(self.reasons_label)
        left.addWidget(self.warnings_label)
        self.addresses_label = QLabel()
        self.addresses_label.setWordWrap(True)
        self.addresses_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        left.addWidget(self.addresses_label)
        left.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(facts)
        scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget "
                             "{ background: transparent; }")

        right = QVBoxLayout()
        right.setSpacing(6)
        evidence_title = QLabel("<b>Licenses and evidence</b>")
        right.addWidget(evidence_title)
        self.evidence_model = EvidenceTableModel(self)
        self.evidence_table = QTableView()
        self.evidence_table.setModel(self.evidence_model)
        self.evidence_table.verticalHeader().hide()
        self.evidence_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.evidence_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.evidence_table.setTabKeyNavigation(False)
        self.evidence_table.setWordWrap(False)
        header = self.evidence_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        right.addWidget(self.evidence_table, 1)
        self.no_evidence_label = QLabel("No licenses on file yet.")
        self.no_evidence_label.setObjectName("muted")
        right.addWidget(self.no_evidence_label)
        columns.addWidget(scroll, 2)
        columns.addLayout(right, 3)
        outer.addWidget(self.body, 1)
        self.show_detail(None)

    def show_detail(self, detail: PartnerDetail | None) -> None:
        self.detail = detail
        self.placeholder.setVisible(detail is None)
        self.body.setVisible(detail is not None)
        if detail is None:
            self.evidence_model.set_rows([])
            return
        p, atp = detail.partner, detail.atp
        self.name_label.setText(p.name)
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
        lines = []
        for a in detail.addresses:
            several = sum(b.kind is a.kind for b in detail.addresses) > 1
            lines.append(f"<b>{a.kind.label}</b>{' (default)' if a.is_default and several else ''}"
                         f": {escape(a.one_line())}" + (f" · GLN {a.gln}" if a.gln else ""))
        self.addresses_label.setText("<br>".join(lines) or
                                     "<span style='color:#5b6b7a'>No addresses on file.</span>")
        self.evidence_model.today = date.today()
        self.evidence_model.set_rows(detail.evidence)
        self.evidence_table.setVisible(bool(detail.evidence))
        self.no_evidence_label.setVisible(not detail.evidence)

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

        self.detail_panel = PartnerDetailPanel()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail_panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 280])
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

    def new_partner(self) -> None:
        if self.editable:
            self._open(NewPartnerDialog(self.actor, self), lambda d: d.result)

    def add_evidence(self) -> None:
        if self.editable and (partner := self.selected()):
            self._open(AddEvidenceDialog(self.actor, partner, self), lambda _d: partner.id)
