"""rxdesk-admin order create and ship: a sales order entered and shipped by automation.

`order create` creates and confirms in one transaction: a customer who is not an
authorized trading partner is refused (exit 2) and no order is left behind.
`ship --scans FILE` packs one scan per line as the pack-station scanner types it and is
all or nothing: every refused line is listed and nothing is packed or shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from core import settings
from core.cli_support import (EXIT_OK, ScanProblems, acting_user, each_scan, json_option,
                              open_ready, plain, print_json, read_scan_lines,
                              report_scan_problems)
from core.db import write_transaction
from core.errors import InvalidInput, NotFound
from core.ndc import NdcError
from core.queries.partners import partner_by_gln
from core.queries.products import product_by_ndc
from core.queries.sales import OrderDetail, order_detail, order_id_by_number
from core.services import sales, shipping
from core.services.sales import SoLineInput
from core.services.shipping import ShipResult


def add_shipping_commands(commands, command: Callable) -> None:
    p = command(commands, "order", None, "sales orders")
    orders = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(orders, "create", cmd_order_create, "create and confirm a sales order "
                "(FEFO allocation; what is short stays on backorder)")
    p.add_argument("--customer", required=True, metavar="GLN", help="the customer's GLN")
    p.add_argument("--line", action="append", required=True, metavar="NDC:QTY",
                   help="product NDC (12345-678-90, or its GTIN) and quantity; repeatable")
    p.add_argument("--customer-po", default="", metavar="NUMBER",
                   help="the customer's purchase order number")
    p.add_argument("--ship-to", type=int, metavar="ADDRESS_ID",
                   help="ship-to address id (default: the customer's default ship-to)")
    p.add_argument("--note", default="", help="note on the order")
    p.add_argument("--override-hold", metavar="REASON", help="confirm despite a credit "
                   "hold (needs the permission; the reason is recorded)")
    json_option(p)

    p = command(commands, "ship", cmd_ship, "pack an order (its FEFO allocation, or scans) "
                "and ship it: stock to the customer and the outbound DSCSA record")
    p.add_argument("--order", required=True, metavar="ID", help="order id or number "
                   "(SO-000123)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--auto", action="store_true", help="pack exactly what is allocated")
    how.add_argument("--scans", metavar="FILE", help="one scan per line, as the scanner "
                     "types it ('-' for standard input)")
    p.add_argument("--per-carton", type=int, default=shipping.DEFAULT_PER_CARTON, metavar="N",
                   help=f"--auto: units per shipping carton (default "
                   f"{shipping.DEFAULT_PER_CARTON})")
    p.add_argument("--gs", metavar="STRING", help="what the scanner sends instead of the group "
                   "separator (default: this workstation's setting)")
    json_option(p)


def _lines(texts: list[str]) -> list[SoLineInput]:
    lines = []
    for text in texts:
        ndc, colon, qty = text.strip().rpartition(":")
        if not colon or not ndc.strip() or not qty.strip().isdigit() or int(qty) <= 0:
            raise InvalidInput("line", f"--line '{text}' must be NDC:QTY with a whole "
                               "quantity above zero, e.g. 12345-678-90:24.")
        try:
            product = product_by_ndc(ndc)
        except NdcError as error:
            raise InvalidInput("line", f"--line '{text}': {error}") from None
        if product is None:
            raise InvalidInput("line", f"--line '{text}': no product has NDC {ndc.strip()}.")
        lines.append(SoLineInput(product.gtin, int(qty)))
    return lines


def cmd_order_create(args, out: TextIO) -> int:
    lines = _lines(args.line)
    open_ready(args)
    actor = acting_user(args)
    customer = partner_by_gln(args.customer.strip())
    if customer is None:
        raise NotFound("customer with GLN", args.customer)
    with write_transaction():
        order_id = sales.create_order(actor, customer.id, lines, args.ship_to,
                                      args.customer_po, note=args.note)
        sales.confirm_order(actor, order_id, args.override_hold)
    detail = order_detail(order_id)
    if args.json:
        print_json(out, _order_json(detail))
        return EXIT_OK
    order = detail.order
    out.write(f"Created {order.number} for {order.customer} ({order.status.label.lower()}).\n")
    for line in detail.lines:
        out.write(f"  {line.line_no:>3}  {line.ndc}  {line.quantity:>7,} x {line.unit_price} "
                  f"{line.product}" + (f"  (backordered {line.backordered:,})"
                                       if line.backordered else "") + "\n")
    return EXIT_OK


def _order_json(detail: OrderDetail) -> dict[str, object]:
    order = detail.order
    return {
        "order": order.id, "number": order.number, "status": order.status.value,
        "customer": order.customer, "customer_gln": detail.customer_gln,
        "lines": [{"line": line.line_no, "ndc": line.ndc, "gtin": line.gtin,
                   "product": line.product, "quantity": line.quantity,
                   "unit_price": plain(line.unit_price), "price_source": line.price_source,
                   "allocated": sum(a.quantity for a in line.allocations),
                   "backordered": line.backordered} for line in detail.lines],
    }


def _order_id(text: str) -> int:
    value = (text or "").strip()
    if value.isdigit():
        return int(value)
    found = order_id_by_number(value.upper())
    if found is None:
        raise NotFound("sales order", value)
    return found


def cmd_ship(args, out: TextIO) -> int:
    if args.per_carton <= 0:
        raise InvalidInput("per_carton", "--per-carton must be a whole number above zero.")
    scans = [] if args.auto else read_scan_lines(args.scans)
    open_ready(args)
    actor = acting_user(args)
    order_id = _order_id(args.order)
    gs = args.gs if args.gs is not None else settings.load().gs_replacement
    try:
        with write_transaction():
            if args.auto:
                result = shipping.ship_allocation(actor, order_id, args.per_carton)
            else:
                shipment_id = shipping.start_packing(actor, order_id)
                each_scan(scans, lambda data: shipping.pack_scan(actor, shipment_id, data,
                                                                 gs_replacement=gs))
                result = shipping.ship(actor, shipment_id)
    except ScanProblems as failed:
        return report_scan_problems(out, failed, args.scans, args.json, "shipment",
                                    "packed", "shipped")
    if args.json:
        print_json(out, _ship_json(result, order_id))
        return EXIT_OK
    out.write(f"Shipped {result.number}: {result.units:,} units ({result.packages:,} "
              f"serialized packages) in {len(result.cartons)} carton(s); DSCSA transaction "
              f"{result.dscsa_transaction_id}.\n")
    for sscc in result.cartons:
        out.write(f"  carton {sscc}\n")
    if result.backorder_id:
        out.write(f"Backorder: order {result.backorder_id} for what was not shipped.\n")
    return EXIT_OK


def _ship_json(result: ShipResult, order_id: int) -> dict[str, object]:
    return {"shipment": result.shipment_id, "number": result.number, "order": order_id,
            "packages": result.packages, "units": result.units, "cartons": result.cartons,
            "dscsa_transaction": result.dscsa_transaction_id,
            "backorder": result.backorder_id, "invoice": result.invoice}
