"""rxdesk-admin partners: change a trading partner's details, a customer's billing and
credit terms or a supplier's payment terms, deactivate or reactivate it. The partner is named by its GLN; the same
services and checks as the Partners screen, audited as the acting user."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TextIO

from core.cli_support import EXIT_OK, PROG, acting_user, json_option, open_ready, print_json
from core.errors import InvalidInput, NotFound
from core.queries.partners import CustomerTerms, PartnerRow, partner_by_gln, partner_detail
from core.services import audit
from core.services import partners as partner_service

# (option, update_partner argument, help)
UPDATE_OPTIONS = (
    ("--name", "name", "legal name"),
    ("--roles", "roles", "customer, supplier or customer+supplier"),
    ("--type", "partner_type", "manufacturer, repackager, wholesaler, 3pl or dispenser"),
    ("--gln", "gln", "new 13-digit GLN ('' removes it)"),
    ("--phone", "phone", "phone number"),
    ("--email", "email", "email address"),
)
# (option, set_customer_terms argument, metavar, help)
TERMS_OPTIONS = (
    ("--terms-days", "payment_terms_days", "N", "days to pay: Net N (0-365; 0: on receipt)"),
    ("--tax-rate", "tax_rate", "PERCENT", "sales tax in percent, e.g. 6.625 (0: exempt)"),
    ("--invoice-on-ship", "invoice_on_ship", "yes|no",
     "yes: shipping raises the invoice; no: invoiced by hand"),
    ("--credit-limit", "credit_limit", "AMOUNT",
     "hold new orders over this balance (0: no limit; admin or owner)"),
    ("--hold-after-days", "hold_past_due_days", "N",
     "hold new orders once an invoice is N days past due (0: never; admin or owner)"),
    ("--min-shelf-life-days", "min_shelf_life_days", "N",
     "least shelf life allocated to its orders (0-1825; 0: any unexpired)"),
)


def add_partner_commands(commands, command: Callable) -> None:
    p = command(commands, "partners", None, "change a trading partner's details or "
                "terms, deactivate or reactivate it")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(actions, "update", cmd_partners_update, "change details of the partner with "
                "this GLN (only the options given)")
    p.add_argument("partner_gln", metavar="GLN", help="the partner's current GLN")
    for option, dest, text in UPDATE_OPTIONS:
        p.add_argument(option, dest=dest, help=text)
    json_option(p)
    p = command(actions, "terms", cmd_partners_terms, "show or set a customer's billing and "
                "credit terms or a supplier's payment terms (--terms-days only) (only the "
                "options given; none: show them)")
    p.add_argument("partner_gln", metavar="GLN", help="the customer's or supplier's GLN")
    for option, dest, metavar, text in TERMS_OPTIONS:
        p.add_argument(option, dest=dest, metavar=metavar, help=text,
                       **({"choices": ("yes", "no")} if dest == "invoice_on_ship" else {}))
    json_option(p)
    p = command(actions, "deactivate", cmd_partners_deactivate, "stop all new orders, "
                "receipts and shipments with the partner (its records stay)")
    p.add_argument("partner_gln", metavar="GLN", help="the partner's GLN")
    p.add_argument("--reason", required=True, help="why, e.g. 'license revoked'")
    json_option(p)
    p = command(actions, "reactivate", cmd_partners_reactivate, "trade with the partner "
                "again (its licenses are still checked)")
    p.add_argument("partner_gln", metavar="GLN", help="the partner's GLN")
    p.add_argument("--reason", default="", help="why (optional)")
    json_option(p)


def _partner(gln: str) -> PartnerRow:
    row = partner_by_gln((gln or "").strip())
    if row is None:
        raise NotFound("trading partner with GLN", gln)
    return row


def _partner_dict(partner_id: int) -> dict[str, object]:
    detail = partner_detail(partner_id)
    p = detail.partner
    return {"id": p.id, "name": p.name, "gln": p.gln, "roles": p.roles,
            "partner_type": p.partner_type.value, "phone": p.phone, "email": detail.email,
            "active": p.active, "authorized": detail.atp.authorized,
            "atp_reasons": detail.atp.reasons}


def cmd_partners_update(args, out: TextIO) -> int:
    changes = {dest: getattr(args, dest) for _, dest, _ in UPDATE_OPTIONS
               if getattr(args, dest) is not None}
    if not changes:
        raise InvalidInput("options", "partners update: nothing to change; give at least one "
                           f"option such as --phone (see '{PROG} partners update --help')")
    open_ready(args)
    partner = _partner(args.partner_gln)
    changed = partner_service.update_partner(acting_user(args), partner.id, **changes)
    if args.json:
        print_json(out, {**_partner_dict(partner.id),
                         "changes": {k: list(v) for k, v in changed.items()}})
    elif changed:
        described = audit.describe_changes({k: b for k, (b, _a) in changed.items()},
                                           {k: a for k, (_b, a) in changed.items()})
        out.write(f"Updated {partner.name}: {described}\n")
    else:
        out.write(f"Nothing changed: {partner.name} already has these details.\n")
    return EXIT_OK


def _terms_dict(terms: CustomerTerms, is_customer: bool) -> dict[str, object]:
    """The terms that apply, under set_customer_terms' names (tax as a percent): a
    supplier's payment terms only."""
    if not is_customer:
        return {"payment_terms_days": terms.payment_terms_days}
    return {"payment_terms_days": terms.payment_terms_days,
            "tax_rate": Decimal(terms.tax_percent), "invoice_on_ship": terms.invoice_on_ship,
            "credit_limit": terms.credit_limit,
            "hold_past_due_days": terms.hold_past_due_days,
            "min_shelf_life_days": terms.min_shelf_life_days}


def cmd_partners_terms(args, out: TextIO) -> int:
    wanted = {dest: getattr(args, dest) for _, dest, _, _ in TERMS_OPTIONS
              if getattr(args, dest) is not None}
    if "invoice_on_ship" in wanted:
        wanted["invoice_on_ship"] = wanted["invoice_on_ship"] == "yes"
    open_ready(args)
    partner = _partner(args.partner_gln)
    changed = (partner_service.set_customer_terms(acting_user(args), partner.id, **wanted)
               if wanted else None)
    terms = _terms_dict(partner_detail(partner.id).terms, partner.is_customer)
    if args.json:
        print_json(out, {"id": partner.id, "name": partner.name, "gln": partner.gln,
                         "terms": terms} | ({} if changed is None else {
                             "changes": {k: list(v) for k, v in changed.items()}}))
    elif changed:
        out.write(f"Updated the terms of {partner.name}: "
                  f"{partner_service.describe_terms(changed)}\n")
    elif changed is not None:
        out.write(f"Nothing changed: {partner.name} already has these terms.\n")
    else:
        out.write(f"Terms of {partner.name}:\n" + "".join(
            f"  {partner_service.TERM_LABELS[k].capitalize() + ':':<20}"
            f"{partner_service.term_text(k, v)}\n" for k, v in terms.items()))
    return EXIT_OK


def _set_active(args, out: TextIO, active: bool) -> int:
    open_ready(args)
    partner = _partner(args.partner_gln)
    changed = partner_service.set_partner_active(acting_user(args), partner.id, active,
                                                 args.reason)
    if args.json:
        print_json(out, {**_partner_dict(partner.id), "changed": changed})
    else:
        state = "active" if active else "inactive"
        out.write(f"{partner.name} is {'now' if changed else 'already'} {state}.\n")
    return EXIT_OK


def cmd_partners_deactivate(args, out: TextIO) -> int:
    return _set_active(args, out, False)


def cmd_partners_reactivate(args, out: TextIO) -> int:
    return _set_active(args, out, True)
