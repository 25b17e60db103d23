"""rxdesk-admin export-epcis: the DSCSA EPCIS 1.2 file for a shipped shipment.

The file appears whole or not at all: it is written to a temporary file beside the
target and renamed over it only once complete, so a refusal, a full disk or Ctrl-C
never leaves half a document a customer's system might import.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from core.cli_support import EXIT_OK, acting_user, json_option, open_ready, print_json
from core.errors import InvalidInput
from core.services.epcis_export import export_shipment, find_shipment


def add_export_commands(commands, command: Callable) -> None:
    p = command(commands, "export-epcis", cmd_export_epcis, "write the DSCSA EPCIS 1.2 file "
                "(transaction information and statement) of a shipped shipment for the "
                "customer")
    p.add_argument("--shipment", required=True, metavar="ID", help="shipment id or number "
                   "(SH-000123)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="XML file to write "
                   "(replaced if it exists)")
    json_option(p)


def _target(text: str) -> Path:
    path = Path(text).expanduser()
    if path.is_dir():
        raise InvalidInput("output", f"{path} is a folder; give a file name, e.g. "
                           f"{path / 'SH-000123.xml'}.")
    if not path.parent.is_dir():
        raise InvalidInput("output", f"Cannot write {path}: the folder {path.parent} does not "
                           "exist.")
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def cmd_export_epcis(args, out: TextIO) -> int:
    target = _target(args.output)
    open_ready(args)
    actor = acting_user(args)
    shipment_id = find_shipment(args.shipment)
    try:
        handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=".part", delete=False)
    except OSError as exc:
        raise InvalidInput("output", f"Cannot write in {target.parent}: "
                           f"{exc.strerror or exc}.") from None
    try:
        with handle:
            result = export_shipment(actor, shipment_id, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~_umask())  # as a plain open() would have made it
        os.replace(handle.name, target)
    except OSError as exc:
        raise InvalidInput("output", f"Cannot write {target}: {exc.strerror or exc}. "
                           "Nothing was written.") from None
    finally:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
    if args.json:
        print_json(out, {**result.as_json(), "file": str(target)})
        return EXIT_OK
    out.write(f"Wrote {target}: EPCIS for {result.shipment} ({result.order}) to "
              f"{result.customer} (GLN {result.customer_gln}), {result.packages:,} packages "
              f"of {result.lots} lot(s) in {result.cartons:,} carton(s).\n")
    if result.units_not_serialized:
        out.write(f"note: {result.units_not_serialized:,} units of non-serialized products "
                  "are not in the file (no package identifiers); they are on the printed "
                  "T3.\n")
    return EXIT_OK
