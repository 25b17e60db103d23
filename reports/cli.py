"""rxdesk-admin pick-list / label / packing-slip / t3 / invoice-pdf / statement: the
shipping and billing documents from the command line. Registered through the entry-point group "rxdesk_admin.commands"
(pyproject.toml) because they need reportlab, which core.cli must not import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from core.cli_support import EXIT_OK, json_option, open_ready, option_date, print_json
from core.labels_zpl import shipment_labels
from core.queries.billing_docs import find_customer, find_invoice
from core.queries.shipping_docs import find_order, find_shipment
from reports.invoice import build_invoice, render_invoice
from reports.packing_slip import build_packing_slip, render_packing_slip
from reports.pick_list import build_pick_list, render_pick_list
from reports.sscc_label import build_sscc_labels, render_sscc_labels
from reports.statement import build_statement, render_statement
from reports.t3 import build_t3, render_t3


def register(commands, command: Callable) -> None:
    p = command(commands, "pick-list", cmd_pick_list, "print an order's pick list (PDF): "
                "reserved lots bin by bin in pick-path order, order barcode")
    p.add_argument("--order", required=True, metavar="ID", help="sales order id or number "
                   "(SO-000123)")
    _output(p)
    p = command(commands, "label", cmd_label, "print a shipment's carton labels: GS1-128 "
                "SSCC, 4x6 inch, PDF or ZPL for Zebra printers")
    _shipment(p)
    _output(p, "FILE.pdf (FILE.zpl with --zpl)")
    p.add_argument("--zpl", action="store_true", help="write ZPL for a Zebra printer "
                   "instead of a PDF")
    p = command(commands, "packing-slip", cmd_packing_slip, "print a shipment's packing "
                "slip (PDF)")
    _shipment(p)
    _output(p)
    p = command(commands, "t3", cmd_t3, "print a shipped shipment's T3 (PDF): Transaction "
                "Information, Statement and History")
    _shipment(p)
    _output(p)
    p = command(commands, "invoice-pdf", cmd_invoice_pdf, "print an invoice (PDF): lines "
                "and lots, totals, payments and credits so far, balance due, remit-to")
    p.add_argument("--invoice", required=True, metavar="ID", help="invoice id or number "
                   "(INV-000123)")
    _output(p)
    p = command(commands, "statement", cmd_statement, "print a customer's statement (PDF): "
                "balance forward, activity with running balance, aging, remittance slip")
    p.add_argument("--customer", required=True, metavar="GLN", help="the customer's GLN")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day (default: "
                   "90 days back, or the oldest invoice still open if earlier)")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day and statement "
                   "date (default today)")
    _output(p)


def _shipment(parser) -> None:
    parser.add_argument("--shipment", required=True, metavar="ID", help="shipment id or "
                        "number (SH-000123)")


def _output(parser, what: str = "FILE.pdf") -> None:
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help=f"file to write, {what}; replaced if it exists")
    json_option(parser)


def _write(args, out: TextIO, draw: Callable[[Path], int], what: str,
           unit: str = "page") -> int:
    """Draw into a temporary file beside the target and rename it, so a failed run
    never leaves half a document where the last good one was."""
    target = Path(args.output)
    partial = target.with_name(f".{target.name}.partial")
    try:
        pages = draw(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    if args.json:
        print_json(out, {"file": str(target), "pages": pages, "document": what})
    else:
        out.write(f"wrote {what} to {target} ({pages} {unit}{'s' if pages != 1 else ''})\n")
    return EXIT_OK


def cmd_pick_list(args, out: TextIO) -> int:
    open_ready(args)
    doc = build_pick_list(find_order(args.order))
    return _write(args, out, lambda path: render_pick_list(doc, path),
                  f"pick list {doc.number}")


def cmd_label(args, out: TextIO) -> int:
    open_ready(args)
    docs = build_sscc_labels(find_shipment(args.shipment))
    if args.zpl:
        text = shipment_labels(docs)

        def draw(path: Path) -> int:
            path.write_text(text, encoding="utf-8")
            return len(docs.cartons)

        return _write(args, out, draw, f"ZPL carton labels {docs.number}", "label")
    return _write(args, out, lambda path: render_sscc_labels(docs, path),
                  f"carton labels {docs.number}")


def cmd_packing_slip(args, out: TextIO) -> int:
    open_ready(args)
    doc = build_packing_slip(find_shipment(args.shipment))
    return _write(args, out, lambda path: render_packing_slip(doc, path),
                  f"packing slip {doc.header.number}")


def cmd_t3(args, out: TextIO) -> int:
    open_ready(args)
    doc = build_t3(find_shipment(args.shipment))
    return _write(args, out, lambda path: render_t3(doc, path), f"T3 {doc.shipment}")


def cmd_invoice_pdf(args, out: TextIO) -> int:
    open_ready(args)
    doc = build_invoice(find_invoice(args.invoice))
    return _write(args, out, lambda path: render_invoice(doc, path), f"invoice {doc.number}")


def cmd_statement(args, out: TextIO) -> int:
    start, end = option_date(args.start, "--from"), option_date(args.end, "--to")
    open_ready(args)
    doc = build_statement(find_customer(args.customer), start, end)
    return _write(args, out, lambda path: render_statement(doc, path),
                  f"statement for {doc.customer} to {doc.statement_date}")
