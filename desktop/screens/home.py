"""Home: who and where we are, and what needs attention soon."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from core.queries.company import CompanyProfile, company_profile
from desktop.screens.base import Screen
from desktop.tasks import run_task

EXPIRY_WARNING_DAYS = 30


def expiry_warnings(profile: CompanyProfile, today: date | None = None) -> list[tuple[bool, str]]:
    """(expired, message) for the state license and DEA registration near expiry."""
    today = today or date.today()
    out = []
    for what, expiry in (("State wholesale license", profile.license_expiry),
                         ("DEA registration", profile.dea_expiry)):
        if expiry is None:
            continue
        days = (expiry - today).days
        if days < 0:
            out.append((True, f"{what} expired on {expiry:%Y-%m-%d}. Renew it before "
                              "buying or selling controlled or prescription drugs."))
        elif days <= EXPIRY_WARNING_DAYS:
            out.append((False, f"{what} expires on {expiry:%Y-%m-%d} "
                               f"(in {days} day{'s' if days != 1 else ''}). Renew it soon."))
    return out


class HomeScreen(Screen):
    title = "Home"
    icon_name = "home"
    summary = "Company, your account and upcoming license renewals."
    areas = frozenset({"company"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.company_label = QLabel("Loading…")
        self.company_label.setObjectName("dialogTitle")
        self.company_label.setWordWrap(True)
        self.layout_.addWidget(self.company_label)
        self.user_label = QLabel(f"Signed in as {session.user_label}")
        self.user_label.setObjectName("muted")
        self.layout_.addWidget(self.user_label)

        self.warnings_box = QVBoxLayout()
        self.warnings_box.setSpacing(8)
        self.layout_.addLayout(self.warnings_box)

        card = QFrame()
        card.setObjectName("card")
        self.details = QGridLayout(card)
        self.details.setContentsMargins(16, 12, 16, 12)
        self.details.setHorizontalSpacing(24)
        self.details.setVerticalSpacing(6)
        self.details.setColumnStretch(1, 1)
        self.layout_.addWidget(card)

        self.here_label = QLabel()
        self.here_label.setWordWrap(True)
        self.here_label.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(self.here_label)
        self.layout_.addStretch()
        self.warning_labels: list[QLabel] = []

    def set_screens(self, screens: list[Screen]) -> None:
        items = "".join(f"<li><b>{s.title}</b> – {s.summary}</li>" for s in screens)
        self.here_label.setText(f"<p><b>What is here</b></p><ul>{items}</ul>")

    def refresh(self) -> None:
        run_task(self, company_profile, self.show_profile)

    def show_profile(self, profile: CompanyProfile | None) -> None:
        while self.details.count():
            self.details.takeAt(0).widget().deleteLater()
        for label in self.warning_labels:
            label.deleteLater()
        self.warning_labels = []
        if profile is None:
            self.company_label.setText("No company profile yet")
            return
        self.company_label.setText(profile.legal_name)
        address = ", ".join(p for p in (profile.street, profile.city,
                                        f"{profile.state} {profile.postal_code}".strip()) if p)
        rows = [
            ("Address", address),
            ("GLN", profile.gln),
            ("Phone", profile.phone),
            ("State license", " ".join(p for p in (
                profile.license_state, profile.license_number,
                f"(expires {profile.license_expiry:%Y-%m-%d})" if profile.license_expiry
                else "") if p)),
            ("DEA registration", " ".join(p for p in (
                profile.dea_number,
                f"(expires {profile.dea_expiry:%Y-%m-%d})" if profile.dea_expiry
                else "") if p)),
        ]
        for number, (caption, value) in enumerate(rows):
            name = QLabel(caption)
            name.setObjectName("muted")
            text = QLabel(value or "—")
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details.addWidget(name, number, 0)
            self.details.addWidget(text, number, 1)
        for expired, message in expiry_warnings(profile):
            label = QLabel(message)
            label.setObjectName("danger" if expired else "warning")
            label.setWordWrap(True)
            self.warnings_box.addWidget(label)
            self.warning_labels.append(label)
