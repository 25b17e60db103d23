"""rxdesk-admin invoice, payment, ar-aging, trial-balance and valuation: customers' money,
the books and the stock's value, for the office and for automation (amounts as decimal
strings in --json)."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from core.cli_support import (
    EXIT_OK, acting_user, json_option, open_ready, option_date, print_json,
)
from core.errors import InvalidInput, NotFound
from core.queries.accounting import inventory_valuation, trial_balance
from core.queries.journal_export import FORMATS, journal_rows
from core.queries.partners import partner_by_gln
from core.queries.receivables import BUCKETS, ar_aging
from core.services import invoicing
from core.services.epcis_export import find_shipment


def add_accounting_commands(commands, command: Callable) -> None:
    p = command(commands, "invoice", cmd_invoice, "invoice a shipped shipment (AR / Sales "
                "and tax, posted at once)")
    p.add_argument("--shipment", required=True, metavar="ID", help="shipment id or number "
                   "(SH-000123)")
    json_option(p)
    p = command(commands, "payment", cmd_payment, "record a customer's payment and apply it "
                "to invoices (Cash / AR)")
    p.add_argument("--customer", required=True, metavar="GLN", help="the customer's GLN")
    p.add_argument("--amount", required=True, help="e.g. 1234.50")
    p.add_argument("--apply", nargs="*", default=[], metavar="INVOICE",
                   help="invoice numbers to settle, oldest due first (the rest stays on "
                   "account)")
    p.add_argument("--method", default="check", choices=invoicing.METHODS)
    p.add_argument("--reference", default="", help="check number or bank reference")
    p.add_argument("--received", metavar="YYYY-MM-DD", help="date received (default today)")
    json_option(p)
    p = command(commands, "export-journal", cmd_export_journal, "journal entries of a period "
                "as a CSV that QuickBooks Online or Xero imports")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("-o", "--output", required=True, metavar="FILE.csv")
    json_option(p)
    p = command(commands, "credit-memo", cmd_credit_memo, "credit part or all of an "
                "invoice's open balance (Sales Returns / AR)")
    p.add_argument("--invoice", required=True, metavar="NUMBER", help="e.g. INV-000012")
    p.add_argument("--amount", required=True, help="e.g. 12.50")
    p.add_argument("--reason", required=True, help="why the customer is credited")
    json_option(p)
    p = command(commands, "ar-aging", cmd_ar_aging, "what each customer owes, by days past "
                "due")
    json_option(p)
    p = command(commands, "trial-balance", cmd_trial_balance, "every account's debits, "
                "credits and balance; says whether the books balance")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="entries dated up to this day")
    json_option(p)
    p = command(commands, "valuation", cmd_valuation, "the stock we own, per lot, at its "
                "FIFO cost (equals the Inventory account)")
    json_option(p)


def cmd_invoice(args, out: TextIO) -> int:
    open_ready(args)
    result = invoicing.invoice_shipment(acting_user(args), find_shipment(args.shipment))
    if args.json:
        print_json(out, {"invoice": result.invoice_id, "number": result.number,
                         "subtotal": str(result.subtotal), "tax": str(result.tax),
                         "total": str(result.total), "due_date": result.due_date.isoformat()})
        return EXIT_OK
    out.write(f"Invoiced {result.number}: {result.total:,} due {result.due_date}.\n")
    return EXIT_OK


def cmd_payment(args, out: TextIO) -> int:
    received = option_date(args.received, "--received")
    open_ready(args)
    customer = partner_by_gln(args.customer.strip())
    if customer is None:
        raise NotFound("customer with GLN", args.customer)
    payment_id = invoicing.record_payment(acting_user(args), customer.id, args.amount,
                                          args.apply, received, args.method, args.reference)
    aging = next((a for a in ar_aging() if a.customer_id == customer.id), None)
    balance = aging.balance if aging else 0
    if args.json:
        print_json(out, {"payment": payment_id, "customer": customer.name,
                         "applied": args.apply, "balance": str(balance)})
        return EXIT_OK
    out.write(f"Recorded payment {payment_id} from {customer.name}; they now owe "
              f"{balance:,}.\n")
    return EXIT_OK


def cmd_credit_memo(args, out: TextIO) -> int:
    open_ready(args)
    number = invoicing.issue_credit_memo(acting_user(args), args.invoice, args.amount,
                                         args.reason)
    if args.json:
        print_json(out, {"credit_memo": number, "invoice": args.invoice.strip().upper(),
                         "amount": args.amount.strip()})
        return EXIT_OK
    out.write(f"Issued {number} on {args.invoice.strip().upper()}.\n")
    return EXIT_OK


def cmd_ar_aging(args, out: TextIO) -> int:
    open_ready(args)
    rows = ar_aging()
    if args.json:
        print_json(out, {"customers": [r.as_json() for r in rows]})
        return EXIT_OK
    out.write(f"{'Customer':<32}" + "".join(f"{b:>12}" for b in BUCKETS) + f"{'Balance':>13}\n")
    for r in rows:
        out.write(f"{r.customer[:31]:<32}" + "".join(f"{r.buckets[b]:>12,}" for b in BUCKETS)
                  + f"{r.balance:>13,}\n")
    return EXIT_OK


def cmd_export_journal(args, out: TextIO) -> int:
    start, end = option_date(args.start, "--from"), option_date(args.end, "--to")
    target = Path(args.output)
    if not target.parent.is_dir():
        raise InvalidInput("output", f"There is no folder {target.parent}.")
    open_ready(args)
    rows = list(journal_rows(start, end, args.format))
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidInput("output", f"Cannot write {target}: {exc.strerror or exc}.") from None
    if args.json:
        print_json(out, {"file": str(target), "format": args.format, "lines": len(rows) - 1})
        return EXIT_OK
    out.write(f"Wrote {len(rows) - 1} journal lines to {target} for {args.format}.\n")
    return EXIT_OK


def cmd_trial_balance(args, out: TextIO) -> int:
    as_of = option_date(args.as_of, "--as-of")
    open_ready(args)
    tb = trial_balance(as_of)
    if args.json:
        print_json(out, tb.as_json())
        return EXIT_OK
    out.write(f"{'Account':<42}{'Debit':>15}{'Credit':>15}{'Balance':>15}\n")
    for a in tb.accounts:
        out.write(f"{a.code + ' ' + a.name:<42}{a.debit:>15,}{a.credit:>15,}"
                  f"{a.balance:>15,}\n")
    out.write(f"{'Total':<42}{tb.total_debit:>15,}{tb.total_credit:>15,}\n")
    out.write("The books balance.\n" if tb.balanced else "THE BOOKS DO NOT BALANCE.\n")
    return EXIT_OK


def cmd_valuation(args, out: TextIO) -> int:
    open_ready(args)
    valuation = inventory_valuation()
    if args.json:
        print_json(out, valuation.as_json())
        return EXIT_OK
    for line in valuation.lines:
        out.write(f"{line.ndc:<14}{line.lot:<22}{line.quantity:>9,}{line.value:>15,}  "
                  f"{line.product}\n")
    out.write(f"Total {valuation.total:,}\n")
    return EXIT_OK
