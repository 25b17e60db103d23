"""Dialogs of the Partners screen: a new trading partner with its bill-to and ship-to
addresses, its details changed, a customer's billing and credit terms, a ship-to added,
corrected or retired, a license / registration / FDA check added or renewed, the partner
deactivated. Refused input stays in the form with the reason under the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QGridLayout,
    QGroupBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget,
)

from core.errors import AlreadyExists, InvalidInput
from core.permissions import Actor, Permission, roles_with
from core.queries.partners import AddressRow, EvidenceRow, PartnerDetail, PartnerRow
from core.services.partners import (
    CREDIT_POLICY_PERMISSION, Address, PartnerInUse, add_address, add_evidence, add_partner,
    check_address, renew_evidence, retire_address, set_customer_terms, set_partner_active,
    update_address, update_partner,
)
from core.vocab import AddressKind, EvidenceKind, PartnerType
from desktop.tasks import run_task, show_error
from desktop.widgets.forms import FieldForm

ROLES = (("Customer", "customer"), ("Supplier", "supplier"),
         ("Customer and supplier", "customer+supplier"))
ADDRESS_FIELDS = (("street", "Street:"), ("city", "City:"), ("state", "State:"),
                  ("postal_code", "ZIP code:"))
ALL_DEA_SCHEDULES = "2,2N,3,3N,4,5"


class _FormDialog(QDialog):
    """OK runs `work()` off the GUI thread; accepted with `result` (what it returned)."""

    ok_text = "OK"

    def __init__(self, title: str, intro: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.result = None
        self.forms: list[FieldForm] = []
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(20, 20, 20, 16)
        self.column.setSpacing(12)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            self.column.addWidget(label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.ok_text)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def form(self) -> FieldForm:
        form = FieldForm()
        form.label_width = 110
        self.forms.append(form)
        return form

    def group(self, title: str) -> tuple[FieldForm, QGroupBox]:
        box = QGroupBox(title)
        form = self.form()
        box.setLayout(form)
        return form, box

    def field_error(self, name: str) -> str:
        for form in self.forms:
            if name in form.errors:
                return form.error_text(name)
        return ""

    def clear_errors(self) -> None:
        for form in self.forms:
            form.clear_errors()

    def show_field_error(self, name: str, message: str) -> bool:
        return any(form.show_error(name, message) for form in self.forms)

    def work(self) -> Callable[[], object]:
        raise NotImplementedError

    def submit(self) -> None:
        self.clear_errors()
        job = self.work()
        self.ok_button.setEnabled(False)
        run_task(self, job, self._done, self._failed)

    def _done(self, result: object) -> None:
        self.ok_button.setEnabled(True)
        self.result = result
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, InvalidInput) and self.show_field_error(exc.field, str(exc)):
            return
        show_error(self, exc)


class _AddressBox:
    """Street, city, state and ZIP of one address; field names are prefixed with the
    kind ('ship_to.city') so an error shows under this box's field."""

    def __init__(self, dialog: _FormDialog, kind: AddressKind):
        self.kind = kind
        self.form, self.box = dialog.group(f"{kind.label} address")
        self.edits: dict[str, QLineEdit] = {}
        for name, label in ADDRESS_FIELDS:
            edit = QLineEdit()
            self.edits[name] = self.form.add_field(f"{kind.value}.{name}", label, edit)
        self.edits["state"].setPlaceholderText("e.g. NJ")
        self.edits["state"].setMaxLength(2)
        self.edits["postal_code"].setPlaceholderText("e.g. 08608 or 08608-1234")

    def blank(self) -> bool:
        return not any(edit.text().strip() for edit in self.edits.values())

    def address(self) -> Address:
        values = {name: edit.text() for name, edit in self.edits.items()}
        return Address(self.kind, is_default=True, **values)

    def copy_from(self, other: _AddressBox) -> None:
        for name, edit in self.edits.items():
            edit.setText(other.edits[name].text())

    def set_enabled(self, enabled: bool) -> None:
        for edit in self.edits.values():
            edit.setEnabled(enabled)


class NewPartnerDialog(_FormDialog):
    """Accepted with `result` = the new partner's id."""

    ok_text = "&Add partner"

    def __init__(self, actor: Actor, parent: QWidget | None = None):
        super().__init__("New trading partner", "", parent)
        self.actor = actor
        self.setMinimumWidth(860)
        main, main_box = self.group("Partner")
        self.name_edit = main.add_field("name", "&Legal name:", QLineEdit())
        self.roles_combo = QComboBox()
        for label, value in ROLES:
            self.roles_combo.addItem(label, value)
        main.add_field("roles", "&Roles:", self.roles_combo)
        self.type_combo = QComboBox()
        for ptype in PartnerType:
            self.type_combo.addItem(ptype.label, ptype)
        self.type_combo.setCurrentIndex(list(PartnerType).index(PartnerType.DISPENSER))
        main.add_field("partner_type", "&Type:", self.type_combo,
                       "Decides which licenses make the partner authorized.")
        self.gln_edit = main.add_field("gln", "&GLN:", QLineEdit(),
                                       "13-digit Global Location Number (optional).")
        self.phone_edit = main.add_field("phone", "&Phone:", QLineEdit())
        self.email_edit = main.add_field("email", "&Email:", QLineEdit())

        self.bill_to = _AddressBox(self, AddressKind.BILL_TO)
        self.ship_to = _AddressBox(self, AddressKind.SHIP_TO)
        self.same_check = QCheckBox("&Same as bill-to")
        self.same_check.toggled.connect(self._same_toggled)
        self.ship_to.form.insertRow(0, "", self.same_check)
        for edit in self.bill_to.edits.values():
            edit.textChanged.connect(self._follow_bill_to)

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.addWidget(main_box, 0, 0, 2, 1)
        grid.addWidget(self.bill_to.box, 0, 1)
        grid.addWidget(self.ship_to.box, 1, 1)
        self.column.addLayout(grid)
        self.column.addWidget(self.buttons)
        self.name_edit.setFocus()

    def _same_toggled(self, same: bool) -> None:
        self.ship_to.set_enabled(not same)
        if same:
            self.ship_to.copy_from(self.bill_to)

    def _follow_bill_to(self) -> None:
        if self.same_check.isChecked():
            self.ship_to.copy_from(self.bill_to)

    def work(self):
        actor, name = self.actor, self.name_edit.text()
        roles, ptype = self.roles_combo.currentData(), self.type_combo.currentData()
        gln, phone, email = self.gln_edit.text(), self.phone_edit.text(), self.email_edit.text()
        boxes = [(box.kind.value, box.address()) for box in (self.bill_to, self.ship_to)
                 if not box.blank()]

        def create() -> int:
            for prefix, address in boxes:
                try:
                    check_address(address)
                except InvalidInput as exc:
                    raise InvalidInput(f"{prefix}.{exc.field}", str(exc)) from None
            return add_partner(actor, name, roles, ptype, gln=gln,
                               addresses=[a for _, a in boxes], phone=phone, email=email)
        return create

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, InvalidInput) and exc.field == "addresses":
            self.ok_button.setEnabled(True)
            self.show_field_error("ship_to.street", str(exc))
            return
        if isinstance(exc, AlreadyExists) and "GLN" in exc.what:
            self.ok_button.setEnabled(True)
            self.show_field_error("gln", str(exc))
            return
        super()._failed(exc)


class AddEvidenceDialog(_FormDialog):
    """Accepted with `result` = the new evidence id. The signed-in user is recorded
    as the person who verified it."""

    ok_text = "&Add"

    def __init__(self, actor: Actor, partner: PartnerRow, parent: QWidget | None = None):
        super().__init__(
            "Add license / evidence",
            f"Record a license, registration or FDA database check for <b>{partner.name}</b>. "
            f"You ({actor.username}) are recorded as the person who verified it.", parent)
        self.actor, self.partner = actor, partner
        self.setMinimumWidth(520)
        form = self.form()
        self.kind_combo = QComboBox()
        for kind in EvidenceKind:
            self.kind_combo.addItem(kind.label, kind)
        form.add_field("kind", "&Kind:", self.kind_combo)
        self.state_edit = form.add_field("state", "&State:", QLineEdit(),
                                         "Issuing state, e.g. NJ (state licenses).")
        self.state_edit.setMaxLength(2)
        self.number_edit = form.add_field("number", "&Number:", QLineEdit())
        self.type_edit = form.add_field("license_type", "License &type:", QLineEdit())
        self.type_edit.setPlaceholderText("e.g. Pharmacy, Wholesale distributor")
        self.schedules_edit = form.add_field(
            "schedules", "DEA sc&hedules:", QLineEdit(ALL_DEA_SCHEDULES),
            "Schedules the registration covers, e.g. 2,2N,3,3N,4,5.")
        self.expiry_edit = form.add_field("expiry", "E&xpires:", QLineEdit())
        self.expiry_edit.setPlaceholderText("YYYY-MM-DD")
        self.verified_edit = form.add_field("verified_on", "&Verified on:",
                                            QLineEdit(date.today().isoformat()),
                                            "The day you checked it with the issuer.")
        self.verified_edit.setPlaceholderText("YYYY-MM-DD")
        self.column.addLayout(form)
        self.column.addWidget(self.buttons)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.kind_combo.setFocus()

    def _kind_changed(self) -> None:
        kind = self.kind_combo.currentData()
        self.schedules_edit.setEnabled(kind is EvidenceKind.DEA)
        self.number_edit.setPlaceholderText(
            {EvidenceKind.DEA: "Two letters and seven digits",
             EvidenceKind.FDA_ANNUAL_REPORT: "Not needed for the FDA database check"}
            .get(kind, ""))

    def work(self):
        actor, partner_id, kind = self.actor, self.partner.id, self.kind_combo.currentData()
        values = dict(number=self.number_edit.text(), state=self.state_edit.text(),
                      expiry=self.expiry_edit.text(), verified_on=self.verified_edit.text(),
                      license_type=self.type_edit.text(),
                      schedules=self.schedules_edit.text() if kind is EvidenceKind.DEA else "")
        return lambda: add_evidence(actor, partner_id, kind, **values)


def _select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


class EditPartnerDialog(_FormDialog):
    """The partner's details, as in the new-partner form. Accepted with `result` = the
    changed fields ({} when nothing changed); addresses and licenses are changed from
    the detail panel."""

    ok_text = "&Save changes"

    def __init__(self, actor: Actor, detail: PartnerDetail, parent: QWidget | None = None):
        super().__init__("Edit trading partner", "", parent)
        self.actor, self.partner = actor, detail.partner
        p = detail.partner
        self.setMinimumWidth(520)
        main, main_box = self.group("Partner")
        self.name_edit = main.add_field("name", "&Legal name:", QLineEdit(p.name))
        self.roles_combo = QComboBox()
        for label, value in ROLES:
            self.roles_combo.addItem(label, value)
        _select_data(self.roles_combo, p.roles)
        main.add_field("roles", "&Roles:", self.roles_combo,
                       "A supplier with open purchase orders keeps the supplier role.")
        self.type_combo = QComboBox()
        for ptype in PartnerType:
            self.type_combo.addItem(ptype.label, ptype)
        _select_data(self.type_combo, p.partner_type)
        main.add_field("partner_type", "&Type:", self.type_combo,
                       "Decides which licenses make the partner authorized.")
        self.gln_edit = main.add_field("gln", "&GLN:", QLineEdit(p.gln),
                                       "13-digit Global Location Number (optional).")
        self.phone_edit = main.add_field("phone", "&Phone:", QLineEdit(p.phone))
        self.email_edit = main.add_field("email", "&Email:", QLineEdit(detail.email))
        self.column.addWidget(main_box)
        self.column.addWidget(self.buttons)
        self.name_edit.setFocus()

    def work(self):
        actor, partner_id = self.actor, self.partner.id
        values = dict(name=self.name_edit.text(), roles=self.roles_combo.currentData(),
                      partner_type=self.type_combo.currentData(), gln=self.gln_edit.text(),
                      phone=self.phone_edit.text(), email=self.email_edit.text())
        return lambda: update_partner(actor, partner_id, **values)

    def _failed(self, exc: BaseException) -> None:
        field = ("gln" if isinstance(exc, AlreadyExists) and "GLN" in exc.what
                 else "roles" if isinstance(exc, PartnerInUse) else None)
        if field:
            self.ok_button.setEnabled(True)
            self.show_field_error(field, str(exc))
            return
        super()._failed(exc)


def _credit_policy_note() -> str:
    """Who may change a credit limit or the hold, for a user who may not."""
    who = " or ".join(r.value for r in roles_with(Permission.MANAGE_PARTNERS,
                                                  CREDIT_POLICY_PERMISSION))
    return f"Credit policy: only the {who} role may change it."


def _days_spin(most: int, prefix: str = "", suffix: str = "", zero: str = "") -> QSpinBox:
    """Wider than the service accepts, so a figure too large is refused with the reason
    under the field instead of being cut short while typing."""
    spin = QSpinBox()
    spin.setRange(0, most)
    spin.setPrefix(prefix)
    spin.setSuffix(suffix)
    spin.setSpecialValueText(zero)
    spin.setMaximumWidth(220)
    return spin


class CustomerTermsDialog(_FormDialog):
    """A customer's billing terms (anyone who edits partners) and credit policy (credit
    limit and hold: only roles that may override a hold; read only for the others, with
    who may in the tooltip). Accepted with `result` = the changed terms ({} when none)."""

    ok_text = "&Save terms"

    def __init__(self, actor: Actor, detail: PartnerDetail, parent: QWidget | None = None):
        super().__init__(
            "Billing and credit terms",
            f"How <b>{escape(detail.partner.name)}</b> is billed and when its new orders "
            "are held. Invoices already raised keep the terms they were raised with.",
            parent)
        self.actor, self.partner = actor, detail.partner
        self.may_set_credit = actor.may(CREDIT_POLICY_PERMISSION)
        terms = detail.terms
        self.setMinimumWidth(620)  # every hint on one line
        billing, billing_box = self.group("Billing")
        self.terms_spin = _days_spin(999, prefix="Net ")
        self.terms_spin.setValue(terms.payment_terms_days)
        billing.add_field("payment_terms_days", "Payment &terms:", self.terms_spin,
                          "Days from invoice to due date; Net 0: due on receipt.")
        self.tax_edit = QLineEdit(terms.tax_percent)
        self.tax_edit.setMaximumWidth(110)
        tax_row = QWidget()
        row = QHBoxLayout(tax_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.tax_edit)
        row.addWidget(QLabel("%"))
        row.addStretch()
        billing.add_field("tax_rate", "Sales ta&x:", tax_row,
                          "0: exempt (Rx sold for resale). Up to 3 decimals: 6.625.",
                          input_widget=self.tax_edit)
        self.invoice_check = QCheckBox("&Invoice automatically on shipping")
        self.invoice_check.setChecked(terms.invoice_on_ship)
        billing.add_field("invoice_on_ship", "", self.invoice_check,
                          "Otherwise invoiced by hand on the Invoices screen.")
        self.shelf_spin = _days_spin(9999, suffix=" days", zero="No minimum")
        self.shelf_spin.setValue(terms.min_shelf_life_days)
        billing.add_field("min_shelf_life_days", "Min. s&helf life:", self.shelf_spin,
                          "Orders get only lots with at least this long left to expiry.")

        credit, credit_box = self.group("Credit")
        self.credit_edit = QLineEdit(f"{terms.credit_limit:,.2f}" if terms.credit_limit
                                     else "")
        self.credit_edit.setPlaceholderText("No limit")
        self.credit_edit.setMaximumWidth(160)
        credit.add_field("credit_limit", "Credit &limit:", self.credit_edit,
                         "Orders taking the balance over it are held. Empty: no limit.")
        self.hold_spin = _days_spin(999, prefix="after ", suffix=" days past due",
                                    zero="Never")
        self.hold_spin.setValue(terms.hold_past_due_days)
        credit.add_field("hold_past_due_days", "Hold &new orders:", self.hold_spin,
                         "When an invoice is more than this many days past due.")
        if not self.may_set_credit:
            note = _credit_policy_note()
            self.credit_edit.setReadOnly(True)
            self.hold_spin.setReadOnly(True)
            self.hold_spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
            for widget in (self.credit_edit, self.hold_spin):
                widget.setToolTip(note)
            self.credit_note = QLabel(note)
            self.credit_note.setObjectName("muted")
            credit.insertRow(0, self.credit_note)
        self.column.addWidget(billing_box)
        self.column.addWidget(credit_box)
        self.column.addWidget(self.buttons)
        self.terms_spin.setFocus()
        self.terms_spin.selectAll()

    def showEvent(self, event) -> None:
        """Tall enough for the wrapped lines at this width: a window's minimum size
        leaves them out, and the fields would be squeezed."""
        super().showEvent(event)
        needed = self.heightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def work(self):
        actor, partner_id = self.actor, self.partner.id
        values = dict(payment_terms_days=self.terms_spin.value(),
                      tax_rate=self.tax_edit.text(),
                      invoice_on_ship=self.invoice_check.isChecked(),
                      min_shelf_life_days=self.shelf_spin.value())
        if self.may_set_credit:
            values.update(credit_limit=self.credit_edit.text(),
                          hold_past_due_days=self.hold_spin.value())
        return lambda: set_customer_terms(actor, partner_id, **values)


class SupplierTermsDialog(_FormDialog):
    """A supplier's payment terms, the only terms that apply to one (its bills' due
    dates). Accepted with `result` = the change ({} when none)."""

    ok_text = "&Save terms"

    def __init__(self, actor: Actor, detail: PartnerDetail, parent: QWidget | None = None):
        super().__init__(
            "Payment terms",
            f"Bills from <b>{escape(detail.partner.name)}</b> fall due this many days "
            "after their date. Bills already entered keep their due dates.", parent)
        self.actor, self.partner = actor, detail.partner
        self.setMinimumWidth(560)  # the hint on one line
        form = self.form()
        form.label_width = 120
        self.terms_spin = _days_spin(999, prefix="Net ")
        self.terms_spin.setValue(detail.terms.payment_terms_days)
        form.add_field("payment_terms_days", "Payment &terms:", self.terms_spin,
                       "Net 0: due on receipt.")
        self.column.addLayout(form)
        self.column.addWidget(self.buttons)
        self.terms_spin.setFocus()
        self.terms_spin.selectAll()

    def work(self):
        actor, partner_id, days = self.actor, self.partner.id, self.terms_spin.value()
        return lambda: set_customer_terms(actor, partner_id, payment_terms_days=days)


class AddressDialog(_FormDialog):
    """A new ship-to for the partner, or a correction of one of its addresses.
    Accepted with `result` = the new address id, or the changed fields."""

    def __init__(self, actor: Actor, partner: PartnerRow, address: AddressRow | None = None,
                 parent: QWidget | None = None):
        kind = address.kind if address else AddressKind.SHIP_TO
        adding = address is None
        super().__init__(
            "New ship-to address" if adding else f"Edit {kind.label.lower()} address",
            f"{'Another delivery address' if adding else kind.label + ' address'} of "
            f"<b>{escape(partner.name)}</b>.", parent)
        self.ok_button.setText("&Add ship-to" if adding else "&Save address")
        self.actor, self.partner, self.address, self.kind = actor, partner, address, kind
        self.setMinimumWidth(520)
        form = self.form()
        self.edits: dict[str, QLineEdit] = {}
        self.edits["name"] = form.add_field("name", "&Name:", QLineEdit(),
                                            "Site or attention line (optional).")
        for (name, label), mnemonic in zip(ADDRESS_FIELDS, ("S&treet:", "&City:", "&State:",
                                                            "&ZIP code:")):
            self.edits[name] = form.add_field(name, mnemonic, QLineEdit())
        self.edits["gln"] = form.add_field("gln", "&GLN:", QLineEdit(),
                                           "The site's own GLN, if it has one (optional).")
        self.edits["state"].setPlaceholderText("e.g. NJ")
        self.edits["state"].setMaxLength(2)
        self.edits["postal_code"].setPlaceholderText("e.g. 08608 or 08608-1234")
        self.default_check = QCheckBox("&Default ship-to for new orders")
        if kind is AddressKind.SHIP_TO:
            form.addRow("", self.default_check)
        if address:
            for name, edit in self.edits.items():
                edit.setText(getattr(address, name))
            self.default_check.setChecked(address.is_default)
            # The default moves by choosing another one, never by leaving none.
            self.default_check.setEnabled(not address.is_default)
        self.column.addLayout(form)
        self.column.addWidget(self.buttons)
        self.edits["street"].setFocus()

    def work(self):
        actor, partner_id = self.actor, self.partner.id
        values = {name: edit.text() for name, edit in self.edits.items()}
        address = Address(self.kind, is_default=self.default_check.isChecked(), **values)
        if self.address is None:
            return lambda: add_address(actor, partner_id, address)
        address_id = self.address.id
        return lambda: update_address(actor, address_id, address)


class _ReasonDialog(_FormDialog):
    """A yes/no decision with a reason for the audit trail."""

    def __init__(self, title: str, intro: str, ok_text: str, reason_hint: str,
                 parent: QWidget | None):
        super().__init__(title, intro, parent)
        self.ok_button.setText(ok_text)
        self.setMinimumWidth(480)
        form = self.form()
        self.reason_edit = form.add_field("reason", "&Reason:", QLineEdit(), reason_hint)
        self.column.addLayout(form)
        self.column.addWidget(self.buttons)
        self.reason_edit.setFocus()


class RetireAddressDialog(_ReasonDialog):
    def __init__(self, actor: Actor, partner: PartnerRow, address: AddressRow,
                 parent: QWidget | None = None):
        super().__init__(
            "Retire ship-to address",
            f"Stop shipping to <b>{escape(address.one_line())}</b> for "
            f"<b>{escape(partner.name)}</b>? The address stays on file as history.",
            "Re&tire", "Optional, e.g. 'store closed'.", parent)
        self.actor, self.address = actor, address

    def work(self):
        actor, address_id, reason = self.actor, self.address.id, self.reason_edit.text()
        return lambda: retire_address(actor, address_id, reason)


class PartnerActiveDialog(_ReasonDialog):
    """Deactivate (blocks new orders, receipts and shipments) or reactivate a partner."""

    def __init__(self, actor: Actor, partner: PartnerRow, parent: QWidget | None = None):
        deactivating = partner.active
        name = escape(partner.name)
        super().__init__(
            "Deactivate partner" if deactivating else "Reactivate partner",
            (f"RxDesk will refuse new orders, receipts and shipments with <b>{name}</b>. "
             "Its records and history stay." if deactivating else
             f"Trade with <b>{name}</b> again (its licenses are still checked)."),
            "&Deactivate" if deactivating else "&Reactivate",
            "Required, e.g. 'license revoked' or 'no longer a customer'." if deactivating
            else "Optional.", parent)
        self.actor, self.partner, self.active = actor, partner, not deactivating

    def work(self):
        actor, partner_id, active = self.actor, self.partner.id, self.active
        reason = self.reason_edit.text()
        return lambda: set_partner_active(actor, partner_id, active, reason)


class RenewEvidenceDialog(_FormDialog):
    """A renewed license or a new FDA check, recorded next to the old record (which
    stays as history). Accepted with `result` = the new evidence id."""

    ok_text = "Re&new"

    def __init__(self, actor: Actor, partner: PartnerRow, evidence: EvidenceRow,
                 parent: QWidget | None = None):
        what = " ".join(x for x in (evidence.state, evidence.kind.label.lower(),
                                    evidence.number) if x)
        super().__init__(
            "Renew license / evidence",
            f"Record the renewed {escape(what)} of <b>{escape(partner.name)}</b>. The old "
            f"record stays as history. You ({actor.username}) are recorded as the person "
            "who verified it.", parent)
        self.actor, self.evidence = actor, evidence
        self.setMinimumWidth(520)
        form = self.form()
        self.number_edit = form.add_field("number", "&Number:", QLineEdit(evidence.number),
                                          "Change it if the issuer gave a new number.")
        self.type_edit = form.add_field("license_type", "License &type:",
                                        QLineEdit(evidence.license_type))
        self.schedules_edit = form.add_field(
            "schedules", "DEA sc&hedules:", QLineEdit(evidence.schedules or ALL_DEA_SCHEDULES),
            "Schedules the registration covers, e.g. 2,2N,3,3N,4,5.")
        self.schedules_edit.setEnabled(evidence.kind is EvidenceKind.DEA)
        self.expiry_edit = form.add_field(
            "expiry", "E&xpires:", QLineEdit(),
            f"Was {evidence.expiry.isoformat()}." if evidence.expiry else "")
        self.expiry_edit.setPlaceholderText("YYYY-MM-DD")
        self.verified_edit = form.add_field("verified_on", "&Verified on:",
                                            QLineEdit(date.today().isoformat()),
                                            "The day you checked it with the issuer.")
        self.verified_edit.setPlaceholderText("YYYY-MM-DD")
        self.column.addLayout(form)
        self.column.addWidget(self.buttons)
        self.expiry_edit.setFocus()

    def work(self):
        actor, evidence_id = self.actor, self.evidence.id
        values = dict(expiry=self.expiry_edit.text(), number=self.number_edit.text(),
                      verified_on=self.verified_edit.text(), license_type=self.type_edit.text(),
                      schedules=(self.schedules_edit.text()
                                 if self.evidence.kind is EvidenceKind.DEA else None))
        return lambda: renew_evidence(actor, evidence_id, **values)
