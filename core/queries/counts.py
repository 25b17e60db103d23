"""Cycle counts for the count screen: the sheets, what was counted, and the
variances described in words (serials, lots, bins) rather than ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from peewee import JOIN, fn

from core.models import CountEntry, CountSheet, Location, Lot, Package, Product
from core.ndc import Ndc

if TYPE_CHECKING:
    from core.services.counts import Variances


@dataclass(frozen=True)
class CountSheetRow:
    id: int
    location: str  # bin code for a bin count, else ""
    product: str  # product name for a product count, else ""
    ndc: str
    gtin: str
    status: str  # open | approved | cancelled
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    closed_by: str
    note: str
    entries: int


@dataclass(frozen=True)
class CountEntryRow:
    id: int
    counted_at: datetime
    counted_by: str
    location: str
    product: str
    lot: str
    serial: str  # of a package (ours or not in RxDesk)
    quantity: int
    unknown: bool  # a serial RxDesk has never had


@dataclass(frozen=True)
class VarianceLine:
    kind: str  # Missing | Misplaced | Found | Quantity | Exception
    product: str = ""
    lot: str = ""
    serial: str = ""
    recorded_at: str = ""
    counted_at: str = ""
    change: int = 0
    details: str = ""


def _ndc(product: Product | None) -> str:
    if product is None:
        return ""
    return Ndc(product.ndc_labeler, product.ndc_product, product.ndc_package,
               product.ndc_layout).ndc10


def list_counts(limit: int = 200, open_only: bool = False) -> list[CountSheetRow]:
    """Open counts first, then the most recent closed ones."""
    entries = (CountEntry.select(fn.COUNT(CountEntry.id)).where(CountEntry.sheet == CountSheet.id))
    query = (CountSheet.select(CountSheet, Location, Product, entries.alias("entries"))
             .join(Location, JOIN.LEFT_OUTER, on=(CountSheet.location == Location.id))
             .switch(CountSheet).join(Product, JOIN.LEFT_OUTER,
                                      on=(CountSheet.product == Product.id))
             .order_by(CountSheet.status != "open", CountSheet.id.desc()).limit(limit))
    if open_only:
        query = query.where(CountSheet.status == "open")
    rows = []
    for sheet in query:
        product = sheet.product if sheet.product_id else None
        rows.append(CountSheetRow(
            sheet.id, sheet.location.code if sheet.location_id else "",
            product.name if product else "", _ndc(product), product.gtin if product else "",
            sheet.status, sheet.created_at, sheet.created_by, sheet.closed_at, sheet.closed_by,
            sheet.note, int(sheet.entries or 0)))
    return rows


def count_sheet(sheet_id: int) -> CountSheetRow | None:
    sheet = CountSheet.get_or_none(CountSheet.id == sheet_id)
    if sheet is None:
        return None
    product = sheet.product if sheet.product_id else None
    entries = CountEntry.select().where(CountEntry.sheet == sheet).count()
    return CountSheetRow(sheet.id, sheet.location.code if sheet.location_id else "",
                         product.name if product else "", _ndc(product),
                         product.gtin if product else "", sheet.status, sheet.created_at,
                         sheet.created_by, sheet.closed_at, sheet.closed_by, sheet.note, entries)


def count_entries(sheet_id: int, limit: int = 500) -> list[CountEntryRow]:
    """What was counted on a sheet, newest first."""
    query = (CountEntry.select(CountEntry, Location, Lot, Package, Product)
             .join(Location, on=(CountEntry.location == Location.id))
             .switch(CountEntry).join(Lot, JOIN.LEFT_OUTER, on=(CountEntry.lot == Lot.id))
             .join(Product, JOIN.LEFT_OUTER, on=(Lot.product == Product.id))
             .switch(CountEntry).join(Package, JOIN.LEFT_OUTER,
                                      on=(CountEntry.package == Package.id))
             .where(CountEntry.sheet == sheet_id)
             .order_by(CountEntry.id.desc()).limit(limit))
    rows = []
    for entry in query:
        lot = entry.lot if entry.lot_id else None
        package = entry.package if entry.package_id else None
        unknown = bool(entry.unknown_serial)
        rows.append(CountEntryRow(
            entry.id, entry.counted_at, entry.counted_by, entry.location.code,
            lot.product.name if lot else f"GTIN {entry.unknown_gtin}",
            lot.lot_number if lot else "",
            package.serial if package else entry.unknown_serial,
            entry.quantity, unknown))
    return rows


def describe_variances(result: Variances) -> list[VarianceLine]:
    """The variances of `core.services.counts.variances` in words, in the order
    missing, misplaced, found, quantities, exceptions."""
    package_ids = set(result.missing) | {pid for pid, _ in result.misplaced + result.found}
    location_ids = ({loc for _, loc in result.misplaced + result.found}
                    | {loc for _, loc, _, _ in result.quantities})
    lot_ids = {lot for lot, _, _, _ in result.quantities}
    packages = {}
    if package_ids:
        query = (Package.select(Package, Product, Lot, Location)
                 .join(Product, on=(Package.product == Product.id))
                 .switch(Package).join(Lot, on=(Package.lot == Lot.id))
                 .switch(Package).join(Location, on=(Package.location == Location.id))
                 .where(Package.id.in_(list(package_ids))))
        packages = {p.id: p for p in query}
    codes = dict(Location.select(Location.id, Location.code)
                 .where(Location.id.in_(list(location_ids))).tuples()) if location_ids else {}
    lots = {lot.id: lot for lot in Lot.select(Lot, Product).join(Product)
            .where(Lot.id.in_(list(lot_ids)))} if lot_ids else {}

    def line(kind: str, pid: int, counted: str, change: int, details: str) -> VarianceLine:
        p = packages[pid]
        return VarianceLine(kind, p.product.name, p.lot.lot_number, p.serial,
                            p.location.code, counted, change, details)

    lines = [line("Missing", pid, "", -1, "Not scanned: written off as missing on approval")
             for pid in result.missing]
    lines += [line("Misplaced", pid, codes.get(loc, ""), 0,
                   "Moved to where it was counted on approval")
              for pid, loc in result.misplaced]
    lines += [line("Found", pid, codes.get(loc, ""), 1, "Was missing; back in stock on approval")
              for pid, loc in result.found]
    for lot_id, loc, _product, delta in result.quantities:
        lot = lots.get(lot_id)
        lines.append(VarianceLine("Quantity", lot.product.name if lot else "",
                                  lot.lot_number if lot else "", "", codes.get(loc, ""),
                                  codes.get(loc, ""), delta,
                                  "More on the shelf than recorded" if delta > 0
                                  else "Fewer on the shelf than recorded"))
    lines += [VarianceLine("Exception", details=text) for text in result.exceptions]
    return lines
