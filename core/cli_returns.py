"""rxdesk-admin return: take back packages a customer returned, from the scans of their
labels (or GTIN:SERIAL pairs), verified against our shipment to that customer, back to
stock or to quarantine, and credited at the invoiced price. All or nothing: every
refused scan is listed and nothing is received."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from core import settings
from core.cli_support import (EXIT_OK, ScanProblems, acting_user, each_scan, json_option,
                              open_ready, plain, print_json, read_scan_lines,
                              report_scan_problems)
from core.errors import InvalidInput, NotFound
from core.gs1 import validate_gtin
from core.queries.partners import partner_by_gln
from core.scanning import parse_scan, require_product_identifier
from core.services import returns
from core.services.returns import Returned
from core.vocab import ReturnDisposition


def add_return_commands(commands, command: Callable) -> None:
    p = command(commands, "return", cmd_return, "receive a customer return: verify each "
                "package against our shipment to them, restock or quarantine it, credit it")
    p.add_argument("--customer", required=True, metavar="GLN", help="the customer's GLN")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--scans", metavar="FILE", help="one scan of a returned package's "
                       "2D barcode per line ('-' for standard input)")
    which.add_argument("--serial", action="append", metavar="GTIN:SERIAL",
                       help="a returned package by GTIN and serial; repeatable")
    p.add_argument("--reason", required=True, help="why the customer sent it back "
                   "(on the return and the credit memo)")
    p.add_argument("--quarantine", action="store_true", help="hold the packages in "
                   "quarantine for inspection instead of restocking them")
    p.add_argument("--bin", default="", metavar="CODE", help="restock into this bin "
                   "(default: the bin each package was picked from)")
    p.add_argument("--gs", metavar="STRING", help="what the scanner sends instead of the group "
                   "separator (default: this workstation's setting)")
    json_option(p)


def _pair(text: str) -> Returned:
    gtin, sep, serial = (text or "").strip().partition(":")
    if not sep or not serial.strip():
        raise InvalidInput("serial", f"'{text}' is not GTIN:SERIAL, e.g. "
                           "00312345678906:S0001.")
    return Returned(validate_gtin(gtin.strip(), "serial"), serial.strip())


def cmd_return(args, out: TextIO) -> int:
    if args.quarantine and args.bin:
        raise InvalidInput("bin", "--bin restocks; --quarantine holds the packages: choose one.")
    pairs = [_pair(text) for text in args.serial or []]
    scans = read_scan_lines(args.scans) if args.scans else []
    open_ready(args)
    actor = acting_user(args)
    customer = partner_by_gln(args.customer.strip())
    if customer is None:
        raise NotFound("customer with GLN", args.customer)
    if scans:
        gs = args.gs if args.gs is not None else settings.load().gs_replacement

        def read(data: str) -> None:
            scan = require_product_identifier(parse_scan(data, gs))
            pairs.append(Returned(scan.gtin, scan.serial, scan.lot, scan.expiry))
        try:
            each_scan(scans, read)
        except ScanProblems as failed:
            return report_scan_problems(out, failed, args.scans, args.json, "return",
                                        "read", "received")
    disposition = (ReturnDisposition.QUARANTINE if args.quarantine
                   else ReturnDisposition.RESTOCK)
    result = returns.receive_return(actor, customer.id, pairs, args.reason, disposition,
                                    args.bin)
    if args.json:
        print_json(out, {"return": result.return_id, "number": result.number,
                         "shipment": result.shipment, "packages": result.packages,
                         "disposition": disposition.value, "value": plain(result.value),
                         "credit_memo": result.credit_memo, "credit": plain(result.credit)})
        return EXIT_OK
    where = "quarantine" if args.quarantine else (args.bin.upper() or "their bins")
    out.write(f"Received {result.number}: {result.packages} package(s) from {customer.name} "
              f"on {result.shipment}, to {where}.\n")
    out.write(f"  credit memo {result.credit_memo} for {result.credit}\n" if result.credit_memo
              else "  not invoiced yet: its invoice will bill only what was kept\n")
    return EXIT_OK
