"""rxdesk-admin trace: the DSCSA transaction history of one package or one lot, the answer
owed to FDA, a state or a trading partner within one business day; rxdesk-admin recall:
every customer who received a lot, with how to reach them (a CSV for the notices)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from core.cli_support import EXIT_OK, json_option, open_ready, print_json
from core.errors import InvalidInput
from core.queries.recall import LotRecipients, lot_recipients
from core.queries.trace import LotTrace, PackageTrace, TraceEvent, trace_lot, trace_package

_RECALL_COLUMNS = ("customer", "gln", "phone", "email", "ship_to", "shipments",
                   "first_shipped", "last_shipped", "units", "returned", "outstanding")


def add_trace_command(commands, command: Callable) -> None:
    p = command(commands, "trace", cmd_trace, "a package's or a lot's history: each event "
                "with date, type, from/to party, location and document")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--serial", metavar="GTIN:SERIAL", help="one package, e.g. "
                       "00312345678906:A00001")
    which.add_argument("--lot", metavar="GTIN:LOT", help="one lot, e.g. 00312345678906:LOT42")
    json_option(p)

    p = command(commands, "recall", cmd_recall, "every customer who received a lot, from "
                "the outbound DSCSA records, with contact details (for recall notices)")
    p.add_argument("--lot", required=True, metavar="GTIN:LOT",
                   help="the lot, e.g. 00312345678906:LOT42")
    p.add_argument("-o", "--output", metavar="FILE.csv", help="also write the customers as "
                   "CSV (one row each) for a mail merge; replaced if it exists")
    json_option(p)


def cmd_recall(args, out: TextIO) -> int:
    gtin, lot = _split(args.lot, "--lot", "LOT")
    open_ready(args)
    found = lot_recipients(gtin, lot)
    if args.output:
        _write_recall_csv(Path(args.output), found)
    if args.json:
        print_json(out, found.as_json())
        return EXIT_OK
    expiry = found.expiry.isoformat() if found.expiry else "-"
    out.write(f"{found.product} (NDC {found.ndc}), lot {found.lot}, expiry {expiry}: "
              f"{len(found.recipients)} customer(s) received {found.units:,} unit(s); "
              f"{found.outstanding:,} not returned.\n")
    for r in found.recipients:
        out.write(f"  {r.customer} (GLN {r.gln or '-'}; {r.phone or 'no phone'}; "
                  f"{r.email or 'no email'}): {r.units:,} unit(s), {r.returned:,} returned, "
                  f"{r.first_shipped:%Y-%m-%d}..{r.last_shipped:%Y-%m-%d} on "
                  f"{', '.join(r.shipments)}\n")
    return EXIT_OK


def _write_recall_csv(path: Path, found: LotRecipients) -> None:
    """Written aside and renamed, so a failed run never leaves half a list."""
    import csv

    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(_RECALL_COLUMNS)
            for r in found.recipients:
                row = r.as_json()
                writer.writerow([" / ".join(row[c]) if isinstance(row[c], list) else row[c]
                                 for c in _RECALL_COLUMNS])
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidInput("output", f"Cannot write {path}: {exc.strerror or exc}.") from None


def _split(text: str, option: str, second: str) -> tuple[str, str]:
    gtin, colon, value = (text or "").strip().partition(":")
    if not colon or not gtin.strip() or not value.strip():
        raise InvalidInput(option.lstrip("-"), f"{option} takes GTIN:{second}, e.g. "
                           f"00312345678906:{'A00001' if second == 'SERIAL' else 'LOT42'} "
                           f"(got '{text}').")
    return gtin.strip(), value.strip()


def cmd_trace(args, out: TextIO) -> int:
    # The form is checked before the database is opened: a typo costs no connection.
    if args.serial is not None:
        gtin, serial = _split(args.serial, "--serial", "SERIAL")
        open_ready(args)
        trace: PackageTrace | LotTrace = trace_package(gtin, serial)
    else:
        gtin, lot = _split(args.lot, "--lot", "LOT")
        open_ready(args)
        trace = trace_lot(gtin, lot)
    if args.json:
        print_json(out, trace.as_json())
        return EXIT_OK
    _print_trace(out, trace)
    return EXIT_OK


def _print_trace(out: TextIO, trace: PackageTrace | LotTrace) -> None:
    is_lot = isinstance(trace, LotTrace)
    facts = [("Company", f"{trace.company} (\"us\" below)"),
             ("Product", f"{trace.product} (NDC {trace.ndc}, GTIN {trace.gtin})")]
    if is_lot:
        facts.append(("Lot", trace.lot))
    else:
        facts += [("Serial", trace.serial), ("Lot", trace.lot)]
    facts += [("Expiry", trace.expiry.isoformat() if trace.expiry else "-"),
              ("Status", trace.status), ("Location", trace.location or "-")]
    if is_lot:
        t = trace.totals
        facts.append(("Totals", (f"expected {t.expected:,}, received {t.received:,}, "
                                 f"shipped {t.shipped:,}, returned {t.returned:,}, written "
                                 f"off {t.written_off:,}, found {t.found:,}, on hand "
                                 f"{t.on_hand:,}")))
    elif trace.containers:
        facts.append(("Case", " in ".join(trace.containers)))
    out.writelines(f"{label + ':':<10}{value}\n" for label, value in facts)
    out.write("\n")
    _print_events(out, trace.events, trace.company, with_quantity=is_lot)


def _party(text: str, company: str) -> str:
    """Names without GLNs to keep the table narrow (--json has them); we are "us"."""
    return "us" if text == company else re.sub(r" \(GLN \d+\)$", "", text) or "-"


def _print_events(out: TextIO, events: tuple[TraceEvent, ...], company: str,
                  with_quantity: bool) -> None:
    """A table, times local; the detail goes on its own indented line when there is one."""
    headers = ["WHEN", "EVENT"] + (["QTY"] if with_quantity else []) + [
        "FROM", "TO", "LOCATION", "DOCUMENT", "USER"]
    rows = []
    for e in events:
        row = [e.at.astimezone().strftime("%Y-%m-%d %H:%M"), e.type]
        if with_quantity:
            row.append(f"{e.quantity:,}")
        rows.append((row + [_party(e.from_party, company), _party(e.to_party, company),
                            e.location or "-", e.document or "-", e.user or "-"], e.detail))
    widths = [max([len(h)] + [len(r[i]) for r, _ in rows]) for i, h in enumerate(headers)]
    right = {2} if with_quantity else set()

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out.write(line(headers) + "\n")
    for cells, detail in rows:
        out.write(line(cells) + "\n")
        if detail:
            out.write(f"{'':18}{detail}\n")
