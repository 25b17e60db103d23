"""rxdesk-admin invoice, payment, ar-aging, bill, pay-bill, bills, ap-aging, accounts,
trial-balance and valuation: customers' and suppliers' money, the chart of accounts, the
books and the stock's value, for the office and for automation (amounts as decimal
strings in --json)."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from core.cli_support import (
    EXIT_OK, acting_user, json_option, open_ready, option_date, print_json,
)
from core.errors import InvalidInput, NotFound
from core.money import parse_money
from core.ndc import NdcError
from core.queries.accounting import chart_of_accounts, inventory_valuation, trial_balance
from core.queries.journal_export import FORMATS, journal_rows
from core.queries.partners import partner_by_gln
from core.queries.payables import (BillablePo, BillDetail, BillShow, ap_aging, bill_detail,
                                   billable_po, bill_row, list_bills)
from core.queries.products import product_by_ndc
from core.queries.receivables import BUCKETS, ar_aging
from core.services import accounting, invoicing, payables
from core.services.epcis_export import find_shipment
from core.services.payables import BillLineInput
from core.vocab import AccountKind

MAX_BILLS = 1000  # `bills` lists at most this many; --find narrows


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
    p = command(commands, "bill", cmd_bill, "enter a supplier's bill against its PO, "
                "matched to what was received (GRNI / AP, price variance)")
    p.add_argument("--po", required=True, metavar="NUMBER", help="e.g. PO-000012")
    p.add_argument("--supplier-invoice", required=True, metavar="NUMBER",
                   help="the invoice number on the supplier's bill")
    p.add_argument("--line", action="append", required=True,
                   metavar="PO_LINE_OR_NDC:QTY[:UNIT_COST]",
                   help="the PO line (its number, or the product's NDC or GTIN), the quantity "
                   "billed and the billed unit cost (default: the PO cost); repeatable")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the bill's date (default today)")
    p.add_argument("--terms", type=int, metavar="DAYS", help="due this many days after the "
                   "bill's date (default: the supplier's payment terms)")
    json_option(p)
    p = command(commands, "pay-bill", cmd_pay_bill, "record a payment of a supplier's bill, "
                "up to its balance (AP / Cash)")
    p.add_argument("--bill", required=True, type=int, metavar="ID",
                   help="the bill's id (printed by `bill` and `bills`)")
    p.add_argument("--amount", required=True, help="e.g. 1234.50")
    p.add_argument("--method", default="check", choices=invoicing.METHODS)
    p.add_argument("--reference", default="", help="check number or bank reference")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="date paid (default today)")
    json_option(p)
    p = command(commands, "bills", cmd_bills, "supplier bills with what is left to pay, "
                "newest first (overdue: longest overdue first)")
    p.add_argument("--show", default=BillShow.OPEN.value, choices=[s.value for s in BillShow],
                   help="which bills (default open, overdue included)")
    p.add_argument("--find", default="", metavar="TEXT", help="in the supplier's invoice "
                   "number, the supplier's name or the PO number")
    json_option(p)
    p = command(commands, "ap-aging", cmd_ap_aging, "what is owed to each supplier, by days "
                "past due")
    json_option(p)
    p = command(commands, "accounts", None, "the chart of accounts: list, add, rename")
    accounts = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(accounts, "list", cmd_accounts_list, "every account with its kind, role and "
                "balance")
    json_option(p)
    p = command(accounts, "add", cmd_accounts_add, "add an account for entries made by hand")
    p.add_argument("--code", required=True, help="3 to 10 digits, e.g. 6100")
    p.add_argument("--name", required=True, help="e.g. 'Freight in'")
    p.add_argument("--kind", required=True, choices=[k.value for k in AccountKind])
    json_option(p)
    p = command(accounts, "rename", cmd_accounts_rename, "give an account a new name (its "
                "code, kind and role stay)")
    p.add_argument("--code", required=True, help="the account's code, e.g. 1000")
    p.add_argument("--name", required=True, help="the new name")
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
    _print_aging(out, "Customer", [(r.customer, r.buckets, r.balance) for r in rows])
    return EXIT_OK


def _print_aging(out: TextIO, who: str, rows: list[tuple[str, dict, object]]) -> None:
    """AR and AP aging as the same table: name, one column per bucket, balance."""
    out.write(f"{who:<32}" + "".join(f"{b:>12}" for b in BUCKETS) + f"{'Balance':>13}\n")
    for name, buckets, balance in rows:
        out.write(f"{name[:31]:<32}" + "".join(f"{buckets[b]:>12,}" for b in BUCKETS)
                  + f"{balance:>13,}\n")


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


# -- suppliers' bills ----------------------------------------------------------------------

def _bill_line(text: str, po: BillablePo) -> BillLineInput:
    """PO_LINE_OR_NDC:QTY[:UNIT_COST] -> the PO line it names, at the PO cost by default."""
    parts = [part.strip() for part in text.split(":")]
    if len(parts) not in (2, 3) or not parts[0] or not parts[1].isdigit() or not int(parts[1]):
        raise InvalidInput("line", f"--line '{text}' must be PO_LINE_OR_NDC:QTY[:UNIT_COST] "
                           "with a whole quantity above zero, e.g. 1:24 or 12345-678-90:24:12.35.")
    key, quantity = parts[0], int(parts[1])
    if key.isdigit() and len(key) <= 4:  # a line number; an NDC or GTIN has 10 digits or more
        line = next((x for x in po.lines if x.po_line_no == int(key)), None)
        if line is None:
            raise InvalidInput("line", f"--line '{text}': {po.number} has no line {key}.")
    else:
        try:
            product = product_by_ndc(key)
        except NdcError as error:
            raise InvalidInput("line", f"--line '{text}': {error}") from None
        matches = [x for x in po.lines if product is not None and x.gtin == product.gtin]
        if not matches:
            raise InvalidInput("line", f"--line '{text}': {po.number} has no line for NDC "
                               f"{key}.")
        if len(matches) > 1:
            raise InvalidInput("line", f"--line '{text}': {po.number} orders that product on "
                               f"lines {', '.join(str(x.po_line_no) for x in matches)}; name "
                               "the line number instead.")
        line = matches[0]
    if len(parts) == 2:
        return BillLineInput(line.po_line_no, quantity, line.unit_cost)
    if not parts[2]:
        raise InvalidInput("line", f"--line '{text}': the unit cost after the second ':' is "
                           "empty; leave it out to bill at the PO cost.")
    try:
        cost = parse_money(parts[2], "unit_cost")
    except InvalidInput as error:
        raise InvalidInput("line", f"--line '{text}': {error}") from None
    return BillLineInput(line.po_line_no, quantity, cost)


def _bill_json(detail: BillDetail) -> dict[str, object]:
    bill = detail.bill
    return {"bill": bill.id, "number": bill.number, "supplier": bill.supplier, "po": bill.po,
            "bill_date": bill.bill_date.isoformat(), "due_date": bill.due_date.isoformat(),
            "total": str(bill.total), "received_value": str(detail.received_value),
            "variance": str(detail.variance), "paid": str(detail.paid),
            "balance": str(bill.balance),
            "lines": [{"po_line": line.po_line_no, "ndc": line.ndc, "product": line.product,
                       "quantity": line.quantity, "unit_cost": str(line.unit_cost),
                       "po_unit_cost": str(line.po_unit_cost), "amount": str(line.amount),
                       "variance": str(line.variance)} for line in detail.lines]}


def cmd_bill(args, out: TextIO) -> int:
    day = option_date(args.date, "--date")
    open_ready(args)
    po = billable_po(args.po)
    lines = [_bill_line(text, po) for text in args.line]
    bill_id = payables.enter_bill(acting_user(args), po.number, args.supplier_invoice, lines,
                                  day, args.terms)
    detail = bill_detail(bill_id)
    if args.json:
        print_json(out, _bill_json(detail))
        return EXIT_OK
    bill = detail.bill
    variance = (f", price variance {detail.variance:+,}" if detail.variance else "")
    out.write(f"Entered bill {bill.number} (id {bill.id}) from {bill.supplier} for "
              f"{bill.po}: {bill.total:,}{variance}, due {bill.due_date}.\n")
    return EXIT_OK


def cmd_pay_bill(args, out: TextIO) -> int:
    day = option_date(args.date, "--date")
    open_ready(args)
    payment = payables.pay_bill(acting_user(args), args.bill, args.amount, day, args.method,
                                args.reference)
    bill = bill_row(args.bill)
    if args.json:
        print_json(out, {"payment": payment, "bill": bill.id, "number": bill.number,
                         "supplier": bill.supplier, "amount": str(parse_money(args.amount,
                                                                              "amount")),
                         "balance": str(bill.balance)})
        return EXIT_OK
    out.write(f"Paid bill {bill.number} from {bill.supplier}; {bill.balance:,} left to "
              "pay.\n")
    return EXIT_OK


def cmd_bills(args, out: TextIO) -> int:
    open_ready(args)
    today = date.today()
    rows = list_bills(BillShow(args.show), args.find, limit=MAX_BILLS, on=today)
    if args.json:
        print_json(out, {"bills": [row.as_json(today) for row in rows]})
        return EXIT_OK
    out.write(f"{'ID':>6}  {'Bill':<20}{'Supplier':<28}{'PO':<11}{'Due':<12}{'Total':>13}"
              f"{'Balance':>13}  Status\n")
    for r in rows:
        out.write(f"{r.id:>6}  {r.number[:19]:<20}{r.supplier[:27]:<28}{r.po:<11}"
                  f"{r.due_date.isoformat():<12}{r.total:>13,}{r.balance:>13,}  "
                  f"{r.state(today).value}\n")
    return EXIT_OK


def cmd_ap_aging(args, out: TextIO) -> int:
    open_ready(args)
    rows = ap_aging()
    if args.json:
        print_json(out, {"suppliers": [r.as_json() for r in rows]})
        return EXIT_OK
    _print_aging(out, "Supplier", [(r.supplier, r.buckets, r.balance) for r in rows])
    return EXIT_OK


# -- chart of accounts -----------------------------------------------------------------------

def _account_json(code: str) -> dict[str, object]:
    return next(a for a in chart_of_accounts() if a.code == code).as_json()


def cmd_accounts_list(args, out: TextIO) -> int:
    open_ready(args)
    rows = chart_of_accounts()
    if args.json:
        print_json(out, {"accounts": [a.as_json() for a in rows]})
        return EXIT_OK
    out.write(f"{'Code':<11}{'Account':<36}{'Kind':<11}{'Role':<16}{'Balance':>15}\n")
    for a in rows:
        out.write(f"{a.code:<11}{a.name[:35]:<36}{a.kind.value:<11}"
                  f"{a.role.value if a.role else '':<16}{a.balance:>15,}\n")
    return EXIT_OK


def cmd_accounts_add(args, out: TextIO) -> int:
    open_ready(args)
    code = args.code.strip()
    accounting.add_account(acting_user(args), code, args.name, args.kind)
    if args.json:
        print_json(out, _account_json(code))
        return EXIT_OK
    out.write(f"Added account {code} {args.name.strip()} ({args.kind}).\n")
    return EXIT_OK


def cmd_accounts_rename(args, out: TextIO) -> int:
    open_ready(args)
    code = args.code.strip()
    accounting.rename_account(acting_user(args), code, args.name)
    if args.json:
        print_json(out, _account_json(code))
        return EXIT_OK
    out.write(f"Renamed account {code} to {args.name.strip()}.\n")
    return EXIT_OK
