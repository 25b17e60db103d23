"""rxdesk-admin import-epcis and receive: a supplier's file in, a delivery received.

`receive --scans FILE` reads one scan per line exactly as a keyboard-wedge scanner types
it, and is all or nothing: if any line cannot be counted, every problem is listed with
its line number and nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from core import settings
from core.cli_support import (EXIT_OK, ScanProblems, acting_user, each_scan, json_option,
                              open_ready, plain, print_json, read_scan_lines,
                              report_scan_problems)
from core.db import write_transaction
from core.errors import InvalidInput, NotFound
from core.queries.purchasing import po_by_number
from core.services import receiving
from core.services.epcis_import import import_epcis
from core.services.receiving import Counted, Delivery, ReceiptResult


def add_receiving_commands(commands, command: Callable) -> None:
    p = command(commands, "import-epcis", cmd_import_epcis, "import a supplier's EPCIS 1.2 "
                "file (DSCSA transaction information) as a ship notice")
    p.add_argument("file", metavar="FILE", help="the supplier's EPCIS XML file")
    p.add_argument("--max-size", type=int, metavar="MB", help="refuse larger files (default: "
                   "this workstation's setting, 1024 MB)")
    json_option(p)

    p = command(commands, "receive", cmd_receive, "receive a delivery against a ship notice "
                "(or a PO without a file) and post the receipt")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--asn", type=int, metavar="ID", help="ship notice id (from "
                       "import-epcis)")
    which.add_argument("--po", metavar="NUMBER", help="purchase order received without a "
                       "supplier file (everything goes to quarantine)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--all", action="store_true", help="receive exactly what the ship notice "
                     "expects")
    how.add_argument("--scans", metavar="FILE", help="one scan per line, as the scanner types "
                     "it ('-' for standard input)")
    p.add_argument("--gs", metavar="STRING", help="what the scanner sends instead of the group "
                   "separator (default: this workstation's setting)")
    p.add_argument("--putaway", action="append", default=[], metavar="GTIN=BIN",
                   help="put a product's saleable units in BIN instead of the suggested bin "
                   "(repeatable)")
    p.add_argument("--note", default="", help="note on the receipt")
    p.add_argument("--final", action="store_true", help="this is the whole delivery: record "
                   "what the ship notice expected and did not come as not delivered and "
                   "close the notice (without it the rest stays expected)")
    json_option(p)


def cmd_import_epcis(args, out: TextIO) -> int:
    open_ready(args)
    max_mb = args.max_size if args.max_size is not None else settings.load().epcis_max_mb
    if max_mb <= 0:
        raise InvalidInput("max_size", "--max-size must be a positive number of megabytes.")
    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput("file", f"There is no file {path}.")
    result = import_epcis(acting_user(args), path, max_bytes=max_mb << 20)
    if args.json:
        print_json(out, result.as_json())
        return EXIT_OK
    verb = "Already imported as" if result.already_imported else "Imported as"
    out.write(f"{verb} ship notice {result.asn_id}: {result.packages:,} packages in "
              f"{result.cases:,} cases, {result.lots} lots of {result.products} products from "
              f"{result.supplier} (GLN {result.supplier_gln})"
              + (f" for {result.po_number}" if result.po_number else "") + ".\n")
    for warning in result.warnings:
        out.write(f"warning: {warning}\n")
    return EXIT_OK


def _delivery(args) -> Delivery:
    if args.asn is not None:
        return Delivery(asn_id=args.asn)
    row = po_by_number(args.po)
    if row is None:
        raise NotFound("purchase order", args.po)
    return Delivery(po_id=row.id)


def _putaway(pairs: list[str]) -> dict[str, str]:
    chosen = {}
    for pair in pairs:
        gtin, _, code = pair.partition("=")
        if not gtin.strip() or not code.strip():
            raise InvalidInput("putaway", f"--putaway '{pair}' must be GTIN=BIN, e.g. "
                               "00312345678906=A-01.")
        chosen[gtin.strip()] = code.strip()
    return chosen


def cmd_receive(args, out: TextIO) -> int:
    open_ready(args)
    actor = acting_user(args)
    delivery = _delivery(args)
    putaway = _putaway(args.putaway)
    if args.all and delivery.asn_id is None:
        raise InvalidInput("all", "--all needs a ship notice (--asn): without the supplier's "
                           "file there is nothing expected to receive.")
    scans = [] if args.all else read_scan_lines(args.scans)
    gs = args.gs if args.gs is not None else settings.load().gs_replacement
    try:
        with write_transaction():
            if args.all:
                receiving.scan_everything_expected(actor, delivery.asn_id)
            else:
                each_scan(scans, lambda data: receiving.record_scan(actor, delivery, data, gs))
            result = receiving.post_receipt(actor, delivery, putaway, args.note,
                                            final=args.final)
    except ScanProblems as failed:
        return report_scan_problems(out, failed, args.scans, args.json, "receipt", "counted",
                                    "received")
    if args.json:
        print_json(out, _receipt_json(result))
    else:
        _print_receipt(out, result)
    return EXIT_OK


def _exception_json(e: Counted) -> dict[str, object]:
    return {"outcome": e.outcome.value, "label": e.outcome.label,
            "consequence": e.outcome.consequence, "gtin": e.gtin, "product": e.product,
            "lot": e.lot_number, "expiry": plain(e.expiry), "serial": e.serial or None,
            "quantity": e.units}


def _receipt_json(result: ReceiptResult) -> dict[str, object]:
    return {
        "receipt": result.number, "receipt_id": result.receipt_id,
        "asn_status": result.asn_status and result.asn_status.value,
        "po_status": result.po_status and result.po_status.value,
        "received": [{"gtin": gtin, "product": product, "lot": lot, "quantity": units,
                      "location": where} for gtin, product, lot, units, where in result.received],
        "exceptions": [_exception_json(e) for e in result.exceptions],
        "still_expected": result.still_expected,
        "warnings": result.warnings,
    }


def _print_receipt(out: TextIO, result: ReceiptResult) -> None:
    units = sum(r[3] for r in result.received)
    out.write(f"Posted receipt {result.number}: {units:,} units.\n")
    for gtin, product, lot, count, where in result.received:
        out.write(f"  {count:>7,}  {gtin}  lot {lot:<20} -> {where:<12} {product}\n")
    for e in result.exceptions:
        what = f"serial {e.serial}" if e.serial else f"{e.units:,} of lot {e.lot_number}"
        out.write(f"  {e.outcome.label}: {e.gtin} {what} — {e.outcome.consequence}\n")
    if result.still_expected:
        out.write(f"{result.still_expected:,} packages of the ship notice still expected "
                  "(recorded as not delivered when it is closed: --final, or closing it "
                  "short).\n")
    for warning in result.warnings:
        out.write(f"warning: {warning}\n")
