"""On-hand stock, read from the cached balances (which tests prove equal the moves).

Three levels for the inventory screen, each filtered and paged in the database so a
table never loads every row: products -> lots at locations -> packages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import peewee
from peewee import JOIN, SQL, fn

from core.models import Container, Location, Lot, Package, Product, StockBalance
from core.ndc import Ndc
from core.queries.paging import PAGE, contains, digits
from core.vocab import PackageStatus

# Statuses that are not available to sell although the stock is in the building.
HELD = (PackageStatus.QUARANTINED.value, PackageStatus.SUSPECT.value,
        PackageStatus.RECALLED.value, PackageStatus.RETURNED.value)


@dataclass(frozen=True)
class InventoryFilter:
    text: str = ""  # name, NDC or GTIN digits, lot number or serial
    statuses: tuple[str, ...] = ()
    location_id: int | None = None
    expiring_within_days: int | None = None
    expired_only: bool = False
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class ProductStock:
    product_id: int
    ndc: str
    gtin: str
    name: str
    saleable: int
    allocated: int
    held: int
    total: int
    lots: int
    nearest_expiry: date | None


@dataclass(frozen=True)
class LotStock:
    lot_id: int
    lot_number: str
    expiry: date
    location_id: int
    location: str
    status: str
    quantity: int


@dataclass(frozen=True)
class PackageStock:
    package_id: int
    serial: str
    status: str
    location: str
    case_sscc: str


def _text_lots(text: str) -> list[int]:
    """Lots named by an exact lot number, or holding a package with this exact serial (a
    scan or a typed serial): two indexed look-ups, so the filter below can use the
    stock_balance lot index instead of testing every balance against a subquery."""
    ids = {lot for (lot,) in Lot.select(Lot.id).where(Lot.lot_number == text).tuples()}
    ids |= {lot for (lot,) in Package.select(Package.lot).where(Package.serial == text).tuples()}
    return sorted(ids)


def _product_text(text: str):
    """The part of the text filter that is about the product itself (name, NDC/GTIN)."""
    condition = contains(Product.name, text)
    number = digits(text)
    if len(number) >= 3 and len(number) == len(text.replace("-", "")):
        condition |= Product.gtin.contains(number)
    return condition


def _balance_conditions(flt: InventoryFilter) -> list:
    """Conditions on a balance and its lot (not the text filter)."""
    conditions = [StockBalance.quantity > 0]
    if flt.statuses:
        conditions.append(StockBalance.status.in_(list(flt.statuses)))
    if flt.location_id:
        conditions.append(StockBalance.location == flt.location_id)
    if flt.expired_only:
        conditions.append(Lot.expiry < flt.today)
    elif flt.expiring_within_days is not None:
        conditions.append(Lot.expiry <= flt.today + timedelta(days=flt.expiring_within_days))
    return conditions


def _needs_lot(flt: InventoryFilter) -> bool:
    return flt.expired_only or flt.expiring_within_days is not None


def _balances(flt: InventoryFilter):
    query = (StockBalance.select()
             .join(Lot, on=(StockBalance.lot == Lot.id))
             .join(Product, on=(StockBalance.product == Product.id))
             .where(*_balance_conditions(flt)))
    text = flt.text.strip()
    if text:
        condition = _product_text(text)
        lots = _text_lots(text)
        if lots:
            condition |= StockBalance.lot.in_(lots)
        query = query.where(condition)
    return query


def _stocked_products(flt: InventoryFilter):
    """Products with a balance matching the filter, as a correlated EXISTS per product:
    walking the product name index and probing stock_balance(product, ...) answers the
    first page without aggregating every balance in the warehouse."""
    def having(*extra):
        inner = StockBalance.select(SQL("1"))
        if _needs_lot(flt):
            inner = inner.join(Lot, on=(StockBalance.lot == Lot.id))
        return fn.EXISTS(inner.where(StockBalance.product == Product.id,
                                     *_balance_conditions(flt), *extra))

    text = flt.text.strip()
    if not text:
        return Product.select(Product.id).where(having())
    condition = _product_text(text) & having()
    lots = _text_lots(text)
    if lots:
        condition |= having(StockBalance.lot.in_(lots))
    return Product.select(Product.id).where(condition)


def _sum_status(statuses) -> peewee.Node:
    return fn.SUM(peewee.Case(None, [(StockBalance.status.in_(list(statuses)),
                                      StockBalance.quantity)], 0))


PRODUCT_SORTS = {"name": Product.name, "ndc": Product.gtin}


def count_product_stock(flt: InventoryFilter) -> int:
    return _stocked_products(flt).count()


def product_stock(flt: InventoryFilter, sort: str = "name", descending: bool = False,
                  offset: int = 0, limit: int = PAGE) -> list[ProductStock]:
    """One row per product with stock matching the filter.

    Sorted by a product column (name, NDC) the page of products is chosen first and only
    its balances are summed; sorted by a figure (total, saleable, expiry) every matching
    product has to be summed before the page is known."""
    saleable = _sum_status([PackageStatus.SALEABLE.value]).alias("saleable")
    allocated = _sum_status([PackageStatus.ALLOCATED.value]).alias("allocated")
    held = _sum_status(HELD).alias("held")
    total = fn.SUM(StockBalance.quantity).alias("total")
    query = (_balances(flt)
             .select(Product.id, Product.ndc_labeler, Product.ndc_product, Product.ndc_package,
                     Product.ndc_layout, Product.gtin, Product.name, saleable, allocated, held,
                     total, fn.COUNT(fn.DISTINCT(StockBalance.lot)), fn.MIN(Lot.expiry))
             .group_by(Product.id, Product.ndc_labeler, Product.ndc_product,
                       Product.ndc_package, Product.ndc_layout, Product.gtin, Product.name))
    by_product = PRODUCT_SORTS.get(sort or "name")
    if by_product is not None:
        order = [by_product.desc() if descending else by_product.asc(), Product.id]
        ids = [pid for (pid,) in _stocked_products(flt).order_by(*order)
               .offset(offset).limit(limit).tuples()]
        if not ids:
            return []
        query = query.where(StockBalance.product.in_(ids))
        position = {pid: n for n, pid in enumerate(ids)}
        rows = sorted(query.tuples(), key=lambda row: position[row[0]])
    else:
        sorts = {"total": total, "saleable": saleable, "expiry": fn.MIN(Lot.expiry)}
        key = sorts.get(sort, Product.name)
        rows = query.order_by(key.desc() if descending else key.asc(), Product.id) \
            .offset(offset).limit(limit).tuples()
    return [ProductStock(pid, Ndc(lab, prod, pack, layout).ndc10, gtin, name, int(s or 0),
                         int(a or 0), int(h or 0), int(t or 0), lots, _as_date(expiry))
            for pid, lab, prod, pack, layout, gtin, name, s, a, h, t, lots, expiry in rows]


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _product_lots(product_id: int, flt: InventoryFilter):
    return (_balances(flt)
            .switch(StockBalance).join(Location, on=(StockBalance.location == Location.id))
            .where(StockBalance.product == product_id))


def count_lot_stock(product_id: int, flt: InventoryFilter = InventoryFilter()) -> int:
    return _product_lots(product_id, flt).count()


def lot_stock(product_id: int, flt: InventoryFilter = InventoryFilter(), offset: int = 0,
              limit: int = PAGE) -> list[LotStock]:
    """Each lot of a product by location and status, in FEFO order, one page at a time
    (a product can have thousands of lots)."""
    query = (_product_lots(product_id, flt)
             .select(Lot.id, Lot.lot_number, Lot.expiry, Location.id, Location.code,
                     StockBalance.status, StockBalance.quantity)
             .order_by(Lot.expiry, Lot.lot_number, Location.kind != "bin", Location.pick_sequence,
                       Location.code, StockBalance.status, StockBalance.id)
             .offset(offset).limit(limit))
    return [LotStock(*row[:2], _as_date(row[2]), *row[3:]) for row in query.tuples()]


def count_packages(lot_id: int, location_id: int | None = None,
                   statuses: tuple[str, ...] = ()) -> int:
    return _packages(lot_id, location_id, statuses).count()


def package_stock(lot_id: int, location_id: int | None = None, offset: int = 0,
                  limit: int = PAGE, statuses: tuple[str, ...] = ()) -> list[PackageStock]:
    """The packages of a lot still in the building, by serial; with `statuses`, only
    packages in one of them (the screen's status filter)."""
    query = (_packages(lot_id, location_id, statuses)
             .select(Package.id, Package.serial, Package.status, Location.code, Container.sscc)
             .order_by(Package.serial).offset(offset).limit(limit))
    return [PackageStock(pid, serial, status, code, sscc or "")
            for pid, serial, status, code, sscc in query.tuples()]


def _packages(lot_id: int, location_id: int | None, statuses: tuple[str, ...] = ()):
    internal = ("bin", "receiving", "quarantine", "pack")
    query = (Package.select().join(Location, on=(Package.location == Location.id))
             .switch(Package).join(Container, JOIN.LEFT_OUTER,
                                   on=(Package.container == Container.id))
             .where((Package.lot == lot_id) & Location.kind.in_(internal)))
    if location_id:
        query = query.where(Package.location == location_id)
    if statuses:
        query = query.where(Package.status.in_(list(statuses)))
    return query


@dataclass(frozen=True)
class OnHandRow:
    ndc: str
    gtin: str
    product: str
    lot: str
    expiry: date
    location: str
    status: str
    quantity: int


def on_hand_rows() -> list[OnHandRow]:
    """Every non-zero balance: product, lot, location, status (for export and the CLI)."""
    query = (StockBalance.select(Product.ndc_labeler, Product.ndc_product, Product.ndc_package,
                                 Product.ndc_layout, Product.gtin, Product.name, Lot.lot_number,
                                 Lot.expiry, Location.code, StockBalance.status,
                                 StockBalance.quantity)
             .join(Product, on=(StockBalance.product == Product.id))
             .switch(StockBalance).join(Lot, on=(StockBalance.lot == Lot.id))
             .switch(StockBalance).join(Location, on=(StockBalance.location == Location.id))
             .where(StockBalance.quantity > 0)
             .order_by(Product.name, Lot.expiry, Lot.lot_number, Location.code,
                       StockBalance.status))
    return [OnHandRow(Ndc(lab, prod, pack, layout).ndc10, gtin, name, lot, _as_date(expiry),
                      code, status, qty)
            for lab, prod, pack, layout, gtin, name, lot, expiry, code, status, qty
            in query.tuples().iterator()]
