"""Is a trading partner authorized (DSCSA "authorized trading partner") today?

One rule set, used by every service that receives from or ships to a partner and by
the partner screen: wholesalers and 3PLs need a valid state license and a current
FDA annual-report check; manufacturers and repackagers an FDA registration;
dispensers a state license; anyone trading controlled substances a DEA registration
covering the schedule. A warning starts 30 days before any expiry.

A renewal is a new evidence row next to the old one (kept as history), so only the
newest record of each kind and state counts: the one verified last, or entered last
when verified the same day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.errors import NotFound, RxDeskError
from core.models import Partner, PartnerEvidence
from core.vocab import EvidenceKind, PartnerType, Schedule

WARN_BEFORE = timedelta(days=30)
ANNUAL_CHECK_VALID = timedelta(days=365)
_NOUN = {EvidenceKind.STATE_LICENSE: "state license", EvidenceKind.DEA: "DEA registration",
         EvidenceKind.FDA_REGISTRATION: "FDA registration",
         EvidenceKind.FDA_ANNUAL_REPORT: "FDA annual-report check"}
_DEA_SCHEDULE_CODES = {Schedule.CII: "2", Schedule.CIII: "3", Schedule.CIV: "4", Schedule.CV: "5"}


@dataclass(frozen=True)
class AtpStatus:
    partner_id: int
    partner_name: str
    reasons: list[str] = field(default_factory=list)  # why not authorized
    warnings: list[str] = field(default_factory=list)  # expiring soon

    @property
    def authorized(self) -> bool:
        return not self.reasons

    @property
    def label(self) -> str:
        if self.reasons:
            return "Blocked"
        return "Authorized (expiring soon)" if self.warnings else "Authorized"


class PartnerNotAuthorized(RxDeskError):
    title = "Trading partner not authorized"

    def __init__(self, status: AtpStatus):
        super().__init__(f"{status.partner_name} is not an authorized trading partner: "
                         + "; ".join(status.reasons) + ".")
        self.status = status


def newest_first(evidence: Iterable[PartnerEvidence]) -> list[PartnerEvidence]:
    return sorted(evidence, key=lambda e: (e.verified_on or date.min, e.id), reverse=True)


def current_evidence(evidence: Iterable[PartnerEvidence]) -> list[PartnerEvidence]:
    """The newest record of each (kind, state); the rest are history a renewal replaced."""
    seen: set[tuple[str, str]] = set()
    current = []
    for e in newest_first(evidence):
        if (e.kind, e.state) not in seen:
            seen.add((e.kind, e.state))
            current.append(e)
    return current


def _describe(e: PartnerEvidence) -> str:
    kind = EvidenceKind(e.kind)
    if kind is EvidenceKind.STATE_LICENSE:
        return f"{e.state} license {e.number}".strip()
    if kind is EvidenceKind.FDA_ANNUAL_REPORT:
        return "FDA annual-report check"
    return f"{kind.label} {e.number}".strip()


def atp_status(partner_id: int, on: date | None = None,
               schedules: Iterable[Schedule] = ()) -> AtpStatus:
    partner = Partner.get_or_none(Partner.id == partner_id)
    if partner is None:
        raise NotFound("trading partner", partner_id)
    evidence = list(PartnerEvidence.select().where(PartnerEvidence.partner == partner))
    return _evaluate(partner, evidence, on or date.today(), schedules)


def atp_statuses(partner_ids: Iterable[int], on: date | None = None) -> dict[int, AtpStatus]:
    """The status of many partners in two queries (a page of the partner list);
    unknown ids are left out."""
    ids = list(partner_ids)
    if not ids:
        return {}
    on = on or date.today()
    evidence: dict[int, list[PartnerEvidence]] = {i: [] for i in ids}
    for e in PartnerEvidence.select().where(PartnerEvidence.partner.in_(ids)):
        evidence[e.partner_id].append(e)
    return {p.id: _evaluate(p, evidence[p.id], on, ())
            for p in Partner.select().where(Partner.id.in_(ids))}


def _evaluate(partner: Partner, evidence: list[PartnerEvidence], on: date,
              schedules: Iterable[Schedule]) -> AtpStatus:
    reasons: list[str] = []
    warnings: list[str] = []
    evidence = current_evidence(evidence)
    if not partner.active:
        reasons.append("the partner is marked inactive")

    def current(kind: EvidenceKind) -> list[PartnerEvidence]:
        """Evidence of `kind` valid on `on`; expired items become reasons only when
        nothing of that kind is valid."""
        items = [e for e in evidence if e.kind == kind.value]
        valid = []
        for e in items:
            if e.expiry is not None and e.expiry < on:
                continue
            if kind is EvidenceKind.FDA_ANNUAL_REPORT and (
                    e.verified_on is None or e.verified_on + ANNUAL_CHECK_VALID < on):
                continue
            valid.append(e)
            due = e.expiry
            if kind is EvidenceKind.FDA_ANNUAL_REPORT:
                due = min(due or date.max, e.verified_on + ANNUAL_CHECK_VALID)
            if due is not None and due - on <= WARN_BEFORE:
                days = (due - on).days
                verb = "is due" if kind is EvidenceKind.FDA_ANNUAL_REPORT else "expires"
                warnings.append(f"{_describe(e)} {verb} {due.isoformat()} "
                                f"(in {days} day{'s' if days != 1 else ''})")
        if not valid:
            if items:
                latest = max(items, key=lambda e: (e.expiry or date.max, e.verified_on or date.min))
                if kind is EvidenceKind.FDA_ANNUAL_REPORT:
                    when = latest.verified_on.isoformat() if latest.verified_on else "never"
                    reasons.append(f"FDA annual-report check is out of date (last verified {when})")
                else:
                    reasons.append(f"{_describe(latest)} expired {latest.expiry.isoformat()}")
            else:
                reasons.append(f"no {_NOUN[kind]} on file")
        return valid

    ptype = PartnerType(partner.partner_type)
    if ptype in (PartnerType.WHOLESALER, PartnerType.THIRD_PARTY_LOGISTICS):
        current(EvidenceKind.STATE_LICENSE)
        current(EvidenceKind.FDA_ANNUAL_REPORT)
    elif ptype in (PartnerType.MANUFACTURER, PartnerType.REPACKAGER):
        current(EvidenceKind.FDA_REGISTRATION)
    else:
        current(EvidenceKind.STATE_LICENSE)
    controlled = {s for s in schedules if s is not Schedule.NONE}
    if controlled:
        dea = current(EvidenceKind.DEA)
        covered = {c.strip().upper().rstrip("N") for e in dea for c in e.schedules.split(",")}
        for schedule in sorted(controlled, key=lambda s: s.value):
            if dea and _DEA_SCHEDULE_CODES[schedule] not in covered:
                reasons.append(f"DEA registration does not cover schedule {schedule.label}")
    return AtpStatus(partner.id, partner.name, reasons, warnings)


def require_authorized(partner_id: int, on: date | None = None,
                       schedules: Iterable[Schedule] = ()) -> AtpStatus:
    """The one check every receive-from / ship-to service calls first."""
    status = atp_status(partner_id, on, schedules)
    if not status.authorized:
        raise PartnerNotAuthorized(status)
    return status
