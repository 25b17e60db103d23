"""The large demo: six years of a busy small distributor's records, for trying RxDesk (and
timing it) at the size a real business reaches.

What a receipt and a shipment write through the services (core.services.receiving,
core.services.shipping) is written here in bulk, row for row the same:

- a purchase receipt: the purchase order, the receipt and its lines (the FIFO cost layer
  of each lot), the packages, the moves supplier -> receiving -> bin, the inbound DSCSA
  transaction with a line per lot and a link per package, the Inventory / GRNI entry;
  then the supplier's bill (GRNI / Accounts Payable) and its payment;
- a shipment: the sales order and its lines, the shipment, cartons with our own SSCCs,
  one item per package, the moves bin -> customer, the outbound DSCSA transaction with
  its lines and package links, the COGS / Inventory entry, the invoice (Accounts
  Receivable / Sales) and, once due, the customer's payment;
- expired leftovers written off (bin -> adjustment, Write-offs / Inventory) and a few
  packages in quarantine.

Trading partners and bins go through their services (so through the partner rules: every
partner is checked as an authorized trading partner before anything is bought from or
sold to it, and controlled products only go to customers whose DEA registration covers
their schedule); products through the product service's checks (core.bulk_load). The
shape: product volume follows Zipf's law (the top 1% of products take about half the
units), lots are mostly small (a long tail of big ones), each lot is received on one of
its supplier's delivery days and shipped out over the following weeks (fast movers) or
months (slow ones), oldest first; what is still unsold when it comes close to expiry is
destroyed. Most of the six years' stock has shipped; the last weeks' lots are on hand.

Consistent by construction, and checked by tests: stock_balance is the sum of the moves
and each package is where its last move put it (core.queries.stock_check); every lot has
one cost layer whose remaining units are what is on hand, so the inventory valuation
equals the Inventory account; every entry balances. Not generated: the suppliers' EPCIS
files and ship notices (the inbound transaction information is on the DSCSA record
itself), receiving scans, allocations of open orders, the audit entries of each historic
action (one entry records the load).

Deterministic: the same scale, seed and day give the same data.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from core import bulk_load, gs1
from core.db import database, is_postgres, write_transaction
from core.demo_data import PartnerMaker, Progress
from core.models import (Account, Carton, Company, Container, CostLayer, DscsaLine,
                         DscsaPackage, DscsaTransaction, FiscalPeriod, Invoice, InvoiceLine,
                         JournalEntry, JournalLine, Location, Lot, Package, Partner,
                         PartnerAddress, Payment, PaymentApplication, PurchaseOrder,
                         PurchaseOrderLine, Receipt, ReceiptLine, SalesOrder, SalesOrderLine,
                         Shipment, ShipmentItem, StockBalance, StockMove, SupplierBill,
                         SupplierBillLine, SupplierPayment, User)
from core.models.base import UtcDateTimeField
from core.models.sales import Counter as NumberSeries
from core.ndc import Ndc
from core.permissions import Actor, Role
from core.queries.atp import require_authorized
from core.services import audit
from core.vocab import (TS_LEGAL_NOTICE, AccountRole, AddressKind, LocationKind, MoveReason,
                        PackageStatus, Schedule)

SEED = 20131127  # the day the Drug Supply Chain Security Act became law
ORDER_UNITS = 25  # packages on an average order
CARTON_UNITS = 50  # packages to a shipping carton
LINE_SIZES = (1, 2, 2, 3, 4, 6, 12)  # how many of a product a line usually asks for
SELL_BY_DAYS = 60  # customers take nothing closer to expiry; it waits to be destroyed
QUARANTINE_SHARE = 0.004  # of the packages on hand
FLUSH_ROWS = 250_000
WORKDAY = (13 * 3600, 22 * 3600)  # 9 am to 6 pm on the East Coast, in UTC seconds


@dataclass(frozen=True)
class HistoryScale:
    name: str
    products: int
    customers: int
    suppliers: int
    lots: int
    packages: int  # serialized packages received over the years
    bins: int
    years: int = 6


SCALES = {
    "large": HistoryScale("large", products=10_000, customers=1_000, suppliers=100,
                          lots=100_000, packages=5_000_000, bins=1_000),
    "medium": HistoryScale("medium", products=500, customers=200, suppliers=20,
                           lots=5_000, packages=250_000, bins=120),
}


@dataclass(frozen=True)
class Built:
    """What was written, and a few records to look at (tests and benchmarks)."""

    counts: dict[str, int]
    shipped_package: tuple[str, str]  # GTIN, serial of a package received and shipped
    busy_lot: tuple[str, str]  # GTIN, lot number of the lot with the most units shipped


class _Product:
    __slots__ = ("id", "gtin", "name", "strength", "form", "size", "ndc", "price", "cost",
                 "schedule", "storage", "serialized", "supplier", "units", "lots",
                 "description")


class _Lot:
    __slots__ = ("id", "product", "number", "received", "expiry", "bin", "units",
                 "first_package", "cost", "shipped", "destroyed_on", "held", "held_status",
                 "window")


@dataclass
class _Receipt:
    day: int
    supplier: int
    lots: list[_Lot] = field(default_factory=list)


@dataclass
class _Partner:
    id: int
    name: str
    address: str  # as the DSCSA record names it
    ship_to: int = 0
    schedules: frozenset[Schedule] = frozenset()
    code: str = ""  # suppliers: the prefix of their invoice numbers


def build(actor: Actor, scale: HistoryScale, progress: Progress | None = None,
          today: date | None = None, seed: int = SEED) -> Built:
    """Fill a set-up company (core.services.setup) with `scale`'s six years of business,
    in one transaction: all or nothing. `progress(step, done, total)` reports the build."""
    history = _History(actor, scale, progress or (lambda step, done, total: None),
                       today or date.today(), seed)
    with write_transaction():
        return history.build()


class _History:
    def __init__(self, actor: Actor, scale: HistoryScale, progress: Progress, today: date,
                 seed: int):
        self.actor, self.scale, self.progress, self.today = actor, scale, progress, today
        self.rng = random.Random(seed)
        self.start = today - timedelta(days=round(365.25 * scale.years))
        self.days = (today - self.start).days
        # Every day of the history and a little after it (bills and invoices fall due).
        self.dates = [self.start + timedelta(days=d) for d in range(self.days + 40)]
        self.midnight = [datetime(d.year, d.month, d.day, tzinfo=UTC) for d in self.dates]
        self.first_weekday = self.start.weekday()
        self.db_time = UtcDateTimeField().db_value
        self.rows: dict[type, list[tuple]] = defaultdict(list)
        self.buffered = 0
        self.later: dict[int, list[Callable[[], None]]] = defaultdict(list)
        self.counts: Counter = Counter()
        self.shipped_package: tuple[str, str] | None = None

    # -- the whole build ----------------------------------------------------------------
    def build(self) -> Built:
        if is_postgres():
            return self._build()
        # A page cache of 1 GB for the load (index builds sort millions of rows), then
        # back to what the connection had.
        (cache,) = database.execute_sql("PRAGMA cache_size").fetchone()
        database.execute_sql("PRAGMA cache_size = -1000000")
        try:
            return self._build()
        finally:
            database.execute_sql(f"PRAGMA cache_size = {int(cache)}")

    def _build(self) -> Built:
        self._setup()
        self._partners()
        self._products()
        self.bins = bulk_load.add_bins(self.actor, self.scale.bins)
        self.progress("bins", self.scale.bins, self.scale.bins)
        self._plan()
        saved = bulk_load.set_aside_indexes(_BULK_TABLES)
        self._write_history()
        self._balances()
        self._flush()
        self.progress("indexes", 0, len(saved))
        bulk_load.restore_indexes(saved, lambda done: self.progress("indexes", done,
                                                                    len(saved)))
        bulk_load.fix_sequences(_NUMBERED)
        self._number_series()
        if is_postgres():
            database.execute_sql("ANALYZE")
        c = self.counts
        audit.record(self.actor, "bulk_load", "database", "",
                     f"demo history ({self.scale.name}): {self.scale.years} years, "
                     f"{c['receipt']:,} receipts, {c['package']:,} packages, "
                     f"{c['shipment']:,} shipments, {c['stock_move']:,} moves")
        return Built(dict(c), self.shipped_package, self._busy_lot())

    def _setup(self) -> None:
        self.system = {LocationKind(kind): loc for loc, kind in Location.select(
            Location.id, Location.kind).where(Location.kind != LocationKind.BIN.value).tuples()}
        self.accounts = {AccountRole(role): account for account, role in Account.select(
            Account.id, Account.role).where(Account.role.is_null(False)).tuples()}
        by_role = {}
        for user_id, username, role in (User.select(User.id, User.username, User.role)
                                        .where(User.active).order_by(User.id).tuples()):
            by_role.setdefault(Role(role), (user_id, username))
        me = (self.actor.user_id, self.actor.username)
        self.warehouse = by_role.get(Role.WAREHOUSE, me)
        self.office = by_role.get(Role.OFFICE, me)
        months = sorted({(d.year, d.month) for d in self.dates[:self.days + 1]})
        FiscalPeriod.insert_many([{"year": y, "month": m} for y, m in months]) \
            .on_conflict_ignore().execute()
        self.periods = {(y, m): pid for pid, y, m in FiscalPeriod.select(
            FiscalPeriod.id, FiscalPeriod.year, FiscalPeriod.month).tuples()}
        company = Company.get_by_id(1)
        self.company = (company.legal_name, _address(company.street, company.city,
                                                     company.state, company.postal_code,
                                                     company.country))
        self.sscc_prefix = company.gln[:company.gs1_prefix_length]
        self.ids = {model: bulk_load.next_id(model) for model in _NUMBERED}
        self.invoice_no = self.payment_no = self.sscc_no = 0

    def next(self, model: type) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    # -- trading partners (through the services) ----------------------------------------
    def _partners(self) -> None:
        scale, rng = self.scale, self.rng
        maker = PartnerMaker(self.actor, rng, self.today)
        total, done = scale.suppliers + scale.customers, 0
        supplier_ids = []
        for i in range(scale.suppliers):
            name = f"{_FIRST[i % len(_FIRST)]} {_SECOND[i // len(_FIRST) % len(_SECOND)]}"
            if i >= len(_FIRST) * len(_SECOND):
                name += f" {i // (len(_FIRST) * len(_SECOND)) + 1}"
            expiry = self.today + timedelta(days=rng.randrange(90, 730))
            prefix = "0" + f"{880_000 + i:06d}"
            if i % 10 < 7:
                pid = maker.add_manufacturer(f"{name} Pharmaceuticals, Inc.", None, prefix,
                                             expiry)
            else:
                pid = maker.add_wholesaler(f"{name} Drug Distributors LLC", "supplier",
                                           None, prefix, expiry)
            supplier_ids.append(pid)
            done += 1
            self.progress("trading partners", done, total)
        customer_ids, allowed = [], []
        for i in range(scale.customers):
            schedules = "3,3N,4,5" if i % 20 == 7 else "" if i % 20 == 13 else "2,2N,3,3N,4,5"
            customer_ids.append(maker.add_dispenser(
                i, "0" + f"{890_000 + i // 50:06d}",
                self.today + timedelta(days=rng.randrange(60, 730)), schedules, (120, 900)))
            allowed.append(frozenset(_DEA_SCHEDULES[code[0]]
                                     for code in schedules.split(",") if code))
            done += 1
            self.progress("trading partners", done, total)
        addresses = defaultdict(dict)
        for a in PartnerAddress.select().where(PartnerAddress.partner.in_(
                supplier_ids + customer_ids)):
            addresses[a.partner_id].setdefault(a.kind, a)
        names = dict(Partner.select(Partner.id, Partner.name).where(
            Partner.id.in_(supplier_ids + customer_ids)).tuples())
        self.suppliers = []
        for n, pid in enumerate(supplier_ids):
            require_authorized(pid, self.today)
            bill_to = addresses[pid][AddressKind.BILL_TO.value]
            self.suppliers.append(_Partner(pid, names[pid], _address(
                bill_to.street, bill_to.city, bill_to.state, bill_to.postal_code,
                bill_to.country), code=f"{_FIRST[n % len(_FIRST)][:3].upper()}{n:02d}-"))
        self.customers = []
        for pid, schedules in zip(customer_ids, allowed):
            require_authorized(pid, self.today, schedules)
            ship = addresses[pid][AddressKind.SHIP_TO.value]
            self.customers.append(_Partner(pid, names[pid], _address(
                ship.name, ship.street, ship.city, ship.state, ship.postal_code, ship.country),
                ship.id, schedules))
        # A few customers buy most: weights fall with rank (Zipf, s = 0.8).
        self.customer_weights = list(itertools.accumulate(
            1 / (rank + 1) ** 0.8 for rank in range(len(self.customers))))

    # -- products ---------------------------------------------------------------------------
    def _products(self) -> None:
        rows = bulk_load.make_products(self.scale.products, self.rng)
        bulk_load.insert_products(rows)
        self.products = []
        for n, row in enumerate(rows):
            p = _Product()
            p.id, p.gtin, p.name = row["id"], row["gtin"], row["name"]
            p.strength, p.form, p.size = row["strength"], row["dosage_form"], \
                row["package_description"]
            p.ndc = Ndc(row["ndc_labeler"], row["ndc_product"], row["ndc_package"],
                        row["ndc_layout"]).ndc10
            p.price, p.cost = _cents(row["list_price"]), _cents(row["standard_cost"])
            p.schedule, p.serialized = Schedule(row["schedule"]), row["serialized"]
            p.storage = row["storage"]
            p.supplier = n % len(self.suppliers)
            p.description = p.name if p.strength in p.name else f"{p.name} {p.strength}"
            self.products.append(p)
        self.progress("products", len(rows), len(rows))

    # -- the plan: every lot, when it comes, where it goes --------------------------------
    def _plan(self) -> None:
        rng, scale = self.rng, self.scale
        products = self.products
        order = list(range(len(products)))
        rng.shuffle(order)
        weights = [0.0] * len(products)
        for rank, n in enumerate(order):
            weights[n] = 1 / (rank + 1)  # Zipf, s = 1: the top 1% take about half
        serialized = [(p, w) for p, w in zip(products, weights) if p.serialized]
        for (p, _), units in zip(serialized, _apportion(scale.packages,
                                                        [w for _, w in serialized])):
            p.units = units
        # Non-serialized products (IV fluids) are counted, not serialized: units on the
        # same scale, on top of the packages.
        per_unit = sum(w for _, w in serialized) / scale.packages
        for p, w in zip(products, weights):
            if not p.serialized:
                p.units = max(24, round(w / per_unit))
        lots = _apportion(scale.lots, [math.sqrt(p.units) for p in products])
        for p, count in zip(products, lots):
            p.lots = count
        _cap_lots(products, scale.lots)
        delivery = [sorted(rng.sample(range(5), 1 + (n % 3 == 0)))
                    for n in range(len(self.suppliers))]
        planned: list[_Lot] = []
        for p in products:
            sizes = bulk_load.split(p.units, p.lots, rng, 1.5) if p.lots > 1 else [p.units]
            step = self.days / p.lots
            candidates = self.bins.for_product(p.storage, p.schedule.value)
            home = rng.choice(candidates)
            for k, units in enumerate(sizes):
                lot = _Lot()
                lot.product, lot.units = p, units
                lot.received = self._delivery_day((k + rng.random()) * step,
                                                  delivery[p.supplier])
                lot.bin = home if k % 4 else rng.choice(candidates)
                shelf = (rng.randrange(270, 731) if p.storage == "refrigerated"
                         else rng.randrange(540, 1096))
                lot.expiry = lot.received + shelf
                lot.window = max(3.0, 1.3 * step + 10)
                years_ago = (self.days - lot.received) / 365.25
                lot.cost = max(1, round(p.cost * (1 - 0.025 * years_ago)))
                planned.append(lot)
        planned.sort(key=lambda lot: (lot.received, lot.product.supplier, lot.product.id))
        self.receipts: dict[int, list[_Receipt]] = defaultdict(list)
        first_lot, package_id = self.ids[Lot], self.ids[Package]
        for n, lot in enumerate(planned):
            lot.id = first_lot + n
            lot.number = bulk_load.lot_number(rng, lot.id)
            day_receipts = self.receipts[lot.received]
            if not day_receipts or day_receipts[-1].supplier != lot.product.supplier:
                day_receipts.append(_Receipt(lot.received, lot.product.supplier))
            day_receipts[-1].lots.append(lot)
            lot.first_package = package_id if lot.product.serialized else None
            if lot.product.serialized:
                package_id += lot.units
        self.ids[Lot], self.ids[Package] = first_lot + len(planned), package_id
        self.lots = planned
        self.shipping: dict[int, list[tuple[_Lot, int, int]]] = defaultdict(list)
        self.write_offs: dict[int, list[_Lot]] = defaultdict(list)
        self.holds: dict[int, list[_Lot]] = defaultdict(list)
        for lot in planned:
            self._fate(lot)

    def _weekday(self, day: int) -> int:
        return (self.first_weekday + day) % 7

    def _delivery_day(self, target: float, weekdays: list[int]) -> int:
        """The supplier's first delivery day on or after `target`, before today."""
        day = min(int(target), self.days - 1)
        for ahead in range(7):
            if self._weekday(day + ahead) in weekdays and day + ahead < self.days:
                return day + ahead
        for back in range(1, 8):
            if self._weekday(day - back) in weekdays:
                return day - back
        raise AssertionError("no delivery day")

    def _fate(self, lot: _Lot) -> None:
        """When each unit of the lot ships (oldest first), what is destroyed after expiry,
        what is still on hand, and what of that sits in quarantine."""
        rng, days = self.rng, self.days
        sell_by = lot.expiry - SELL_BY_DAYS
        random_ = rng.random
        times = sorted(lot.received + 1 + lot.window * random_() for _ in range(lot.units))
        runs: list[tuple[int, int]] = []
        shipped = 0
        for t in times:
            day = int(t)
            weekday = self._weekday(day)
            if weekday >= 5:
                day += 7 - weekday
            if day > sell_by or day >= days:
                break
            if runs and runs[-1][0] == day:
                runs[-1] = (day, runs[-1][1] + 1)
            else:
                runs.append((day, 1))
            shipped += 1
        offset = 0
        for day, count in runs:
            self.shipping[day].append((lot, offset, count))
            offset += count
        lot.shipped = shipped
        left = lot.units - shipped
        lot.destroyed_on, lot.held, lot.held_status = None, 0, None
        destroy = lot.expiry + rng.randrange(7, 31)
        if left and destroy < days:
            lot.destroyed_on = destroy
            self.write_offs[destroy].append(lot)
        elif left and lot.product.serialized:
            lot.held = sum(random_() < QUARANTINE_SHARE for _ in range(left))
            if lot.held:
                lot.held_status = (PackageStatus.SUSPECT if rng.random() < 0.25
                                   else PackageStatus.QUARANTINED)
                self.holds[rng.randrange(max(lot.received + 1, days - 60), days)].append(lot)

    # -- writing, day by day ----------------------------------------------------------------
    def _write_history(self) -> None:
        every = max(1, self.days // 100)
        for day in range(self.days):
            for receipt in self.receipts.get(day, ()):
                self._receive(receipt)
            for lot in self.write_offs.get(day, ()):
                self._write_off(lot, day)
            for lot in self.holds.get(day, ()):
                self._hold(lot, day)
            if day in self.shipping:
                self._ship_day(day, self.shipping.pop(day))
            for task in self.later.pop(day, ()):
                task()
            if self.buffered >= FLUSH_ROWS:
                self._flush()
            if (day + 1) % every == 0 or day + 1 == self.days:
                self.progress("days of history", day + 1, self.days)

    def add(self, model: type, row: tuple) -> None:
        self.rows[model].append(row)
        self.buffered += 1

    def _flush(self) -> None:
        """Parents before children, so SQLite's foreign-key checks find every parent."""
        for model, fields in _WRITE_ORDER:
            rows = self.rows.pop(model, None)
            if rows:
                bulk_load.RowWriter(fields).write(rows)
                self.counts[model._meta.table_name] += len(rows)
        self.buffered = 0

    def time(self, day: int, seconds: int):
        """The database value of a UTC time `seconds` into `day`."""
        return self.db_time(self.midnight[day] + timedelta(seconds=seconds))

    def _entry(self, day: int, at, user: str, source: str, memo: str,
               lines: list[tuple[AccountRole, int, int, int | None, str]]) -> int:
        """One balanced journal entry, as core.services.accounting.post_entry writes it."""
        if sum(d for _, d, _, _, _ in lines) != sum(c for _, _, c, _, _ in lines):
            raise AssertionError(f"unbalanced entry {source}")
        entry = self.next(JournalEntry)
        on = self.dates[day]
        self.add(JournalEntry, (entry, on, self.periods[(on.year, on.month)], source[:40],
                                memo[:200], None, at, user))
        for role, debit, credit, partner, line_memo in lines:
            self.add(JournalLine, (entry, self.accounts[role], debit, credit, partner,
                                   line_memo[:200]))
        return entry

    def _move(self, at, lot: _Lot, package: int | None, quantity: int, src: int,
              src_status: str | None, dst: int, dst_status: str | None, reason: MoveReason,
              document: str, note: str = "") -> None:
        user_id, username = self.warehouse
        self.add(StockMove, (at, lot.product.id, lot.id, package, quantity, src, src_status,
                             dst, dst_status, reason.value, document, user_id, username, note))

    # -- a purchase receipt ---------------------------------------------------------------
    def _receive(self, receipt: _Receipt) -> None:
        rng, day = self.rng, receipt.day
        supplier = self.suppliers[receipt.supplier]
        po, number = self.next(PurchaseOrder), self.next(Receipt)
        ordered = max(0, day - rng.randrange(3, 11))
        office = self.office[1]
        self.add(PurchaseOrder, (po, f"PO-{po:06d}", supplier.id, "received", self.dates[day],
                                 "", self.time(ordered, rng.randrange(*WORKDAY)), office,
                                 self.time(ordered, WORKDAY[1]), office))
        # One PO line per product: (line id, units, unit cost); a product's lots on one
        # delivery share its cost.
        po_lines: dict[int, list[int]] = {}
        for lot in receipt.lots:
            line = po_lines.setdefault(lot.product.id,
                                       [self.next(PurchaseOrderLine), 0, lot.cost])
            line[1] += lot.units
        for line_no, (product, (line_id, units, cost)) in enumerate(po_lines.items(), 1):
            self.add(PurchaseOrderLine, (line_id, po, line_no, product, units, cost, units))
        at = self.time(day, rng.randrange(*WORKDAY))
        put_away = self.time(day, WORKDAY[1] + 600)
        receiving = self.system[LocationKind.RECEIVING]
        outside = self.system[LocationKind.SUPPLIER]
        document, user = f"receipt:{number}", self.warehouse[1]
        self.add(Receipt, (number, f"RC-{number:06d}", None, po, supplier.id, at, user, ""))
        shipped_on = self.dates[max(0, day - 1)]
        txn = self.next(DscsaTransaction)
        self.add(DscsaTransaction, (txn, "in", supplier.id, number, None, None, shipped_on,
                                    shipped_on, supplier.name, supplier.address,
                                    *self.company, True, TS_LEGAL_NOTICE, at))
        saleable = PackageStatus.SALEABLE.value
        putaway = []
        for lot in receipt.lots:
            p = lot.product
            self.add(Lot, (lot.id, p.id, lot.number, self.start + timedelta(days=lot.expiry)))
            self.add(ReceiptLine, (number, p.id, lot.id, lot.units, lot.cost, "po"))
            self.add(CostLayer, (p.id, lot.id, document, at, lot.units, _on_hand(lot),
                                 lot.cost))
            line = self.next(DscsaLine)
            self.add(DscsaLine, (line, txn, p.id, lot.id, lot.units, p.name, p.strength,
                                 p.form, p.ndc, p.size))
            if not p.serialized:
                self._move(at, lot, None, lot.units, outside, None, receiving, saleable,
                           MoveReason.RECEIPT, document)
                putaway.append((lot, None, lot.units))
                continue
            for offset, serial in enumerate(bulk_load.serials(rng, lot.first_package,
                                                              lot.units)):
                package = lot.first_package + offset
                status, where = self._final_place(lot, offset)
                self.add(Package, (package, p.id, lot.id, serial, status, where, None))
                self._move(at, lot, package, 1, outside, None, receiving, saleable,
                           MoveReason.RECEIPT, document)
                self.add(DscsaPackage, (line, package))
                putaway.append((lot, package, 1))
                if self.shipped_package is None and offset < lot.shipped:
                    self.shipped_package = (p.gtin, serial)
        for lot, package, quantity in putaway:
            self._move(put_away, lot, package, quantity, receiving, saleable, lot.bin,
                       saleable, MoveReason.PUTAWAY, document)
        value = sum(lot.cost * lot.units for lot in receipt.lots)
        self._entry(day, at, user, document, "Receipt: stock value", [
            (AccountRole.INVENTORY, value, 0, None, "received, not yet invoiced"),
            (AccountRole.GRNI, 0, value, None, "received, not yet invoiced")])
        bill_day = day + rng.randrange(0, 6)
        if bill_day < self.days:
            self.later[bill_day].append(lambda: self._bill(bill_day, supplier, po, po_lines))

    def _final_place(self, lot: _Lot, offset: int) -> tuple[str, int]:
        """Where package `offset` of the lot is today: what its last move will say."""
        if offset < lot.shipped:
            return PackageStatus.SHIPPED.value, self.system[LocationKind.CUSTOMER]
        if lot.destroyed_on is not None:
            return PackageStatus.DESTROYED.value, self.system[LocationKind.ADJUSTMENT]
        if offset >= lot.units - lot.held:
            return lot.held_status.value, self.system[LocationKind.QUARANTINE]
        return PackageStatus.SALEABLE.value, lot.bin

    def _bill(self, day: int, supplier: _Partner, po: int, po_lines: dict) -> None:
        """The supplier's invoice at the PO's cost (no price variance), paid when due."""
        bill = self.next(SupplierBill)
        number = f"{supplier.code}{po:07d}"
        total = sum(units * cost for _, units, cost in po_lines.values())
        at, office = self.time(day, WORKDAY[0] + 3600), self.office[1]
        entry = self._entry(day, at, office, f"bill:PO-{po:06d}",
                            f"Bill {number} for PO-{po:06d}", [
                                (AccountRole.GRNI, total, 0, None, f"bill {number}"),
                                (AccountRole.PAYABLES, 0, total, supplier.id,
                                 f"bill {number}")])
        due = day + 30
        self.add(SupplierBill, (bill, number, supplier.id, po, self.dates[day],
                                self.dates[due], total, entry, at, office))
        for line_id, units, cost in po_lines.values():
            self.add(SupplierBillLine, (bill, line_id, units, cost, units * cost))
        paid = due + self.rng.randrange(-3, 4)
        if paid < self.days:
            self.later[paid].append(lambda: self._pay_bill(paid, supplier, bill, number, total))

    def _pay_bill(self, day: int, supplier: _Partner, bill: int, number: str,
                  total: int) -> None:
        at, office = self.time(day, WORKDAY[0] + 5400), self.office[1]
        entry = self._entry(day, at, office, f"bill-payment:{bill}", f"Paid bill {number}", [
            (AccountRole.PAYABLES, total, 0, supplier.id, f"bill {number}"),
            (AccountRole.CASH, 0, total, None, f"bill {number}")])
        self.add(SupplierPayment, (bill, self.dates[day], total, "ach", "", entry, at, office))

    # -- write-offs and quarantine ----------------------------------------------------------
    def _write_off(self, lot: _Lot, day: int) -> None:
        """What is left of an expired lot leaves for destruction (Write-offs / Inventory)."""
        at = self.time(day, WORKDAY[0] + 1800)
        left = lot.units - lot.shipped
        sink, saleable = self.system[LocationKind.ADJUSTMENT], PackageStatus.SALEABLE.value
        note = "expired; sent to the reverse distributor for destruction"
        if lot.first_package is None:
            self._move(at, lot, None, left, lot.bin, saleable, sink, None, MoveReason.EXPIRED,
                       "", note)
        else:
            for package in range(lot.first_package + lot.shipped,
                                 lot.first_package + lot.units):
                self._move(at, lot, package, 1, lot.bin, saleable, sink, None,
                           MoveReason.EXPIRED, "", note)
        value = left * lot.cost
        self._entry(day, at, self.warehouse[1], MoveReason.EXPIRED.value,
                    "Expired: stock value", [
                        (AccountRole.WRITE_OFFS, value, 0, None, "inventory adjustment"),
                        (AccountRole.INVENTORY, 0, value, None, "inventory adjustment")])

    def _hold(self, lot: _Lot, day: int) -> None:
        at = self.time(day, WORKDAY[0] + 7200)
        cage = self.system[LocationKind.QUARANTINE]
        note = ("seal looks tampered; investigating with the supplier"
                if lot.held_status is PackageStatus.SUSPECT else "carton crushed in storage")
        last = lot.first_package + lot.units
        for package in range(last - lot.held, last):
            self._move(at, lot, package, 1, lot.bin, PackageStatus.SALEABLE.value, cage,
                       lot.held_status.value, MoveReason.QUARANTINE, "", note)

    # -- a day's shipments ----------------------------------------------------------------
    def _ship_day(self, day: int, runs: list[tuple[_Lot, int, int]]) -> None:
        """The day's units, product by product, split into order lines and spread over the
        day's orders (a controlled product only onto orders of customers allowed it)."""
        rng = self.rng
        by_product: dict[int, list[tuple[_Lot, int, int]]] = defaultdict(list)
        for run in runs:
            by_product[run[0].product.id].append(run)
        units = sum(count for _, _, count in runs)
        customers = rng.choices(self.customers, cum_weights=self.customer_weights,
                                k=max(1, round(units / ORDER_UNITS)))
        orders: list[dict[int, list]] = [{} for _ in customers]
        for product_id in sorted(by_product):
            pieces = by_product[product_id]
            schedule = pieces[0][0].product.schedule
            eligible = [n for n, c in enumerate(customers)
                        if schedule is Schedule.NONE or schedule in c.schedules]
            if not eligible:
                allowed = [c for c in self.customers if schedule in c.schedules]
                customers.append(rng.choice(allowed))
                orders.append({})
                eligible = [len(customers) - 1]
            total = sum(count for _, _, count in pieces)
            lines = min(len(eligible), max(1, math.ceil(total / rng.choice(LINE_SIZES))))
            queue = list(pieces)
            for share in _apportion(total, [1.0] * lines):
                taken = []
                while share:
                    lot, offset, count = queue[0]
                    use = min(share, count)
                    taken.append((lot, offset, use))
                    share -= use
                    if use == count:
                        queue.pop(0)
                    else:
                        queue[0] = (lot, offset + use, count - use)
                orders[rng.choice(eligible)].setdefault(product_id, []).extend(taken)
        for customer, lines in zip(customers, orders):
            if lines:
                self._ship_order(day, customer, lines)

    def _ship_order(self, day: int, customer: _Partner, lines: dict[int, list]) -> None:
        rng = self.rng
        order, shipment = self.next(SalesOrder), self.next(Shipment)
        so, sh = f"SO-{order:06d}", f"SH-{shipment:06d}"
        start = rng.randrange(WORKDAY[0], WORKDAY[1] - 4 * 3600)
        created, confirmed = self.time(day, start), self.time(day, start + 300)
        packed = self.time(day, start + 3600)
        shipped = self.time(day, start + 3600 * rng.randrange(2, 5))
        office, user = self.office[1], self.warehouse[1]
        self.add(SalesOrder, (order, so, customer.id, customer.ship_to, "shipped", "", 0, None,
                              "", created, office, confirmed, office, ""))
        self.add(Shipment, (shipment, sh, order, "shipped", packed, user, shipped, user))
        units = sum(count for pieces in lines.values() for _, _, count in pieces)
        cartons = []
        for seq in range(1, math.ceil(units / CARTON_UNITS) + 1):
            self.sscc_no += 1
            container, carton = self.next(Container), self.next(Carton)
            self.add(Container, (container, gs1.make_sscc(self.sscc_prefix, self.sscc_no),
                                 None, packed))
            self.add(Carton, (carton, shipment, container, seq))
            cartons.append(carton)
        customer_loc = self.system[LocationKind.CUSTOMER]
        document, note = f"shipment:{shipment}", f"{so} to customer"
        saleable = PackageStatus.SALEABLE.value
        txn = self.next(DscsaTransaction)
        on = self.dates[day]
        self.add(DscsaTransaction, (txn, "out", customer.id, None, shipment, None, on, on,
                                    *self.company, customer.name, customer.address, True,
                                    TS_LEGAL_NOTICE, shipped))
        per_lot: dict[int, list] = {}
        invoice_lines, cogs, subtotal, packed_units = [], 0, 0, 0
        for line_no, (product_id, pieces) in enumerate(sorted(lines.items()), start=1):
            p = pieces[0][0].product
            quantity = sum(count for _, _, count in pieces)
            line = self.next(SalesOrderLine)
            self.add(SalesOrderLine, (line, order, line_no, product_id, quantity, p.price,
                                      "list", quantity))
            invoice_lines.append((line_no, line, p, quantity))
            subtotal += p.price * quantity
            for lot, offset, count in pieces:
                cogs += lot.cost * count
                per_lot.setdefault(lot.id, [lot, []])
                if lot.first_package is None:
                    self.add(ShipmentItem, (shipment, line, lot.id, None, count,
                                            cartons[packed_units // CARTON_UNITS], lot.bin,
                                            packed, user))
                    self._move(shipped, lot, None, count, lot.bin, saleable, customer_loc, None,
                               MoveReason.SHIPMENT, document, note)
                    per_lot[lot.id][1].append((None, count))
                    packed_units += count
                    continue
                for package in range(lot.first_package + offset,
                                     lot.first_package + offset + count):
                    self.add(ShipmentItem, (shipment, line, lot.id, package, 1,
                                            cartons[packed_units // CARTON_UNITS], lot.bin,
                                            packed, user))
                    self._move(shipped, lot, package, 1, lot.bin, saleable, customer_loc,
                               None, MoveReason.SHIPMENT, document, note)
                    per_lot[lot.id][1].append((package, 1))
                    packed_units += 1
        for lot_id in sorted(per_lot, key=lambda i: (per_lot[i][0].product.id, i)):
            lot, units_of_lot = per_lot[lot_id]
            p = lot.product
            dscsa_line = self.next(DscsaLine)
            self.add(DscsaLine, (dscsa_line, txn, p.id, lot_id,
                                 sum(q for _, q in units_of_lot), p.name, p.strength, p.form,
                                 p.ndc, p.size))
            for package, _ in units_of_lot:
                if package is not None:
                    self.add(DscsaPackage, (dscsa_line, package))
        self._entry(day, shipped, user, document, "Shipment: stock value", [
            (AccountRole.COGS, cogs, 0, None, "cost of goods"),
            (AccountRole.INVENTORY, 0, cogs, None, "cost of goods")])
        self._invoice(day, shipped, customer, shipment, sh, invoice_lines, subtotal)

    def _invoice(self, day: int, at, customer: _Partner, shipment: int, sh: str,
                 lines: list, subtotal: int) -> None:
        """Raised on shipment (core.services.invoicing.raise_invoice); no sales tax (the
        customers' rate is 0, as for most wholesale Rx)."""
        self.invoice_no += 1
        number, invoice = f"INV-{self.invoice_no:06d}", self.next(Invoice)
        user = self.warehouse[1]
        entry = self._entry(day, at, user, f"invoice:{number}",
                            f"{number} to {customer.name} for {sh}", [
                                (AccountRole.RECEIVABLES, subtotal, 0, customer.id, number),
                                (AccountRole.SALES, 0, subtotal, None, number)])
        due = day + 30
        self.add(Invoice, (invoice, number, customer.id, shipment, self.dates[day],
                           self.dates[due], 30, subtotal, 0, subtotal, entry, at, user))
        for line_no, line, p, quantity in lines:
            self.add(InvoiceLine, (invoice, line_no, line, p.id, p.description[:300], quantity,
                                   p.price, p.price * quantity))
        paid = due + self.rng.randrange(-10, 8)
        if paid < self.days:
            self.later[paid].append(
                lambda: self._payment(paid, customer, invoice, number, subtotal))

    def _payment(self, day: int, customer: _Partner, invoice: int, invoice_number: str,
                 amount: int) -> None:
        self.payment_no += 1
        number, payment = f"PAY-{self.payment_no:06d}", self.next(Payment)
        at, office = self.time(day, WORKDAY[0] + 1200), self.office[1]
        entry = self._entry(day, at, office, f"payment:{number}",
                            f"{number} from {customer.name}", [
                                (AccountRole.CASH, amount, 0, None, number),
                                (AccountRole.RECEIVABLES, 0, amount, customer.id, number)])
        self.add(Payment, (payment, number, customer.id, self.dates[day], amount, "check",
                           f"check for {invoice_number}", entry, at, office))
        self.add(PaymentApplication, (payment, invoice, amount))

    # -- the caches the ledger keeps ------------------------------------------------------
    def _balances(self) -> None:
        """What the ledger's upserts leave: a row per lot and place it has been, with the
        quantity there now (zero where everything moved on)."""
        receiving, cage = self.system[LocationKind.RECEIVING], \
            self.system[LocationKind.QUARANTINE]
        saleable = PackageStatus.SALEABLE.value
        for lot in self.lots:
            left = _on_hand(lot)
            self.add(StockBalance, (lot.product.id, lot.id, receiving, saleable, 0))
            self.add(StockBalance, (lot.product.id, lot.id, lot.bin, saleable, left - lot.held))
            if lot.held:
                self.add(StockBalance, (lot.product.id, lot.id, cage, lot.held_status.value,
                                        lot.held))
            self.counts["on hand"] += left

    def _number_series(self) -> None:
        for name, last in (("INV", self.invoice_no), ("PAY", self.payment_no),
                           (f"sscc:{self.sscc_prefix}", self.sscc_no)):
            (NumberSeries.insert(name=name, last=last)
             .on_conflict(conflict_target=[NumberSeries.name],
                          update={NumberSeries.last: last}).execute())

    def _busy_lot(self) -> tuple[str, str]:
        lot = max((lot for lot in self.lots if lot.product.serialized),
                  key=lambda lot: lot.shipped)
        return lot.product.gtin, lot.number


_DEA_SCHEDULES = {"2": Schedule.CII, "3": Schedule.CIII, "4": Schedule.CIV, "5": Schedule.CV}
_FIRST = ["Harbor", "Keystone", "Liberty", "Cardinal", "Ashford", "Meridian", "Northfield",
          "Summit", "Bayview", "Greenway", "Evergreen", "Pinecrest", "Riverside", "Granite",
          "Lakeshore", "Prairie", "Silverline", "Oakmont", "Westbrook", "Sterling"]
_SECOND = ["Point", "Ridge", "Valley", "Creek", "Park", "Hill"]

_WRITE_ORDER = [
    (Container, [Container.id, Container.sscc, Container.parent, Container.created_at]),
    (PurchaseOrder, [PurchaseOrder.id, PurchaseOrder.number, PurchaseOrder.supplier,
                     PurchaseOrder.status, PurchaseOrder.expected_on, PurchaseOrder.note,
                     PurchaseOrder.created_at, PurchaseOrder.created_by,
                     PurchaseOrder.confirmed_at, PurchaseOrder.confirmed_by]),
    (PurchaseOrderLine, [PurchaseOrderLine.id, PurchaseOrderLine.order,
                         PurchaseOrderLine.line_no, PurchaseOrderLine.product,
                         PurchaseOrderLine.quantity, PurchaseOrderLine.unit_cost,
                         PurchaseOrderLine.received_quantity]),
    (Lot, [Lot.id, Lot.product, Lot.lot_number, Lot.expiry]),
    (Package, [Package.id, Package.product, Package.lot, Package.serial, Package.status,
               Package.location, Package.container]),
    (Receipt, [Receipt.id, Receipt.number, Receipt.asn, Receipt.purchase_order,
               Receipt.supplier, Receipt.received_at, Receipt.received_by, Receipt.note]),
    (ReceiptLine, [ReceiptLine.receipt, ReceiptLine.product, ReceiptLine.lot,
                   ReceiptLine.quantity, ReceiptLine.unit_cost, ReceiptLine.cost_source]),
    (SalesOrder, [SalesOrder.id, SalesOrder.number, SalesOrder.customer, SalesOrder.ship_to,
                  SalesOrder.status, SalesOrder.customer_po, SalesOrder.min_shelf_life_days,
                  SalesOrder.backorder_of, SalesOrder.note, SalesOrder.created_at,
                  SalesOrder.created_by, SalesOrder.confirmed_at, SalesOrder.confirmed_by,
                  SalesOrder.closed_reason]),
    (SalesOrderLine, [SalesOrderLine.id, SalesOrderLine.order, SalesOrderLine.line_no,
                      SalesOrderLine.product, SalesOrderLine.quantity,
                      SalesOrderLine.unit_price, SalesOrderLine.price_source,
                      SalesOrderLine.shipped_quantity]),
    (Shipment, [Shipment.id, Shipment.number, Shipment.order, Shipment.status,
                Shipment.created_at, Shipment.created_by, Shipment.shipped_at,
                Shipment.shipped_by]),
    (Carton, [Carton.id, Carton.shipment, Carton.container, Carton.seq]),
    (ShipmentItem, [ShipmentItem.shipment, ShipmentItem.line, ShipmentItem.lot,
                    ShipmentItem.package, ShipmentItem.quantity, ShipmentItem.carton,
                    ShipmentItem.from_location, ShipmentItem.packed_at,
                    ShipmentItem.packed_by]),
    (StockMove, [StockMove.at, StockMove.product, StockMove.lot, StockMove.package,
                 StockMove.quantity, StockMove.from_location, StockMove.from_status,
                 StockMove.to_location, StockMove.to_status, StockMove.reason,
                 StockMove.document, StockMove.user_id, StockMove.username, StockMove.note]),
    (DscsaTransaction, [DscsaTransaction.id, DscsaTransaction.direction,
                        DscsaTransaction.partner, DscsaTransaction.receipt,
                        DscsaTransaction.shipment, DscsaTransaction.file,
                        DscsaTransaction.transaction_date, DscsaTransaction.shipment_date,
                        DscsaTransaction.seller_name, DscsaTransaction.seller_address,
                        DscsaTransaction.buyer_name, DscsaTransaction.buyer_address,
                        DscsaTransaction.statement_affirmed, DscsaTransaction.legal_notice,
                        DscsaTransaction.created_at]),
    (DscsaLine, [DscsaLine.id, DscsaLine.transaction, DscsaLine.product, DscsaLine.lot,
                 DscsaLine.quantity, DscsaLine.product_name, DscsaLine.strength,
                 DscsaLine.dosage_form, DscsaLine.ndc, DscsaLine.container_size]),
    (DscsaPackage, [DscsaPackage.line, DscsaPackage.package]),
    (CostLayer, [CostLayer.product, CostLayer.lot, CostLayer.source, CostLayer.created_at,
                 CostLayer.quantity, CostLayer.remaining, CostLayer.unit_cost]),
    (JournalEntry, [JournalEntry.id, JournalEntry.entry_date, JournalEntry.period,
                    JournalEntry.source, JournalEntry.memo, JournalEntry.reverses,
                    JournalEntry.posted_at, JournalEntry.posted_by]),
    (JournalLine, [JournalLine.entry, JournalLine.account, JournalLine.debit,
                   JournalLine.credit, JournalLine.partner, JournalLine.memo]),
    (Invoice, [Invoice.id, Invoice.number, Invoice.customer, Invoice.shipment,
               Invoice.invoice_date, Invoice.due_date, Invoice.terms_days, Invoice.subtotal,
               Invoice.tax, Invoice.total, Invoice.entry, Invoice.created_at,
               Invoice.created_by]),
    (InvoiceLine, [InvoiceLine.invoice, InvoiceLine.line_no, InvoiceLine.order_line,
                   InvoiceLine.product, InvoiceLine.description, InvoiceLine.quantity,
                   InvoiceLine.unit_price, InvoiceLine.amount]),
    (Payment, [Payment.id, Payment.number, Payment.customer, Payment.received_on,
               Payment.amount, Payment.method, Payment.reference, Payment.entry,
               Payment.created_at, Payment.created_by]),
    (PaymentApplication, [PaymentApplication.payment, PaymentApplication.invoice,
                          PaymentApplication.amount]),
    (SupplierBill, [SupplierBill.id, SupplierBill.number, SupplierBill.supplier,
                    SupplierBill.po, SupplierBill.bill_date, SupplierBill.due_date,
                    SupplierBill.total, SupplierBill.entry, SupplierBill.created_at,
                    SupplierBill.created_by]),
    (SupplierBillLine, [SupplierBillLine.bill, SupplierBillLine.po_line,
                        SupplierBillLine.quantity, SupplierBillLine.unit_cost,
                        SupplierBillLine.amount]),
    (SupplierPayment, [SupplierPayment.bill, SupplierPayment.paid_on, SupplierPayment.amount,
                       SupplierPayment.method, SupplierPayment.reference,
                       SupplierPayment.entry, SupplierPayment.created_at,
                       SupplierPayment.created_by]),
    (StockBalance, [StockBalance.product, StockBalance.lot, StockBalance.location,
                    StockBalance.status, StockBalance.quantity]),
]
_BULK_TABLES = [model._meta.table_name for model, _ in _WRITE_ORDER]
# Tables whose ids the generator hands out itself (other rows reference them).
_NUMBERED = (Container, PurchaseOrder, PurchaseOrderLine, Lot, Package, Receipt, SalesOrder,
             SalesOrderLine, Shipment, Carton, DscsaTransaction, DscsaLine, JournalEntry,
             Invoice, Payment, SupplierBill)


def _address(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _cents(value: Decimal) -> int:
    return int(value * 100)


def _on_hand(lot: _Lot) -> int:
    return 0 if lot.destroyed_on is not None else lot.units - lot.shipped


def _apportion(total: int, weights: list[float]) -> list[int]:
    """`total` as whole shares of at least 1, in proportion to `weights` (largest
    remainders get the units rounding leaves over)."""
    if total < len(weights):
        raise ValueError(f"{total} cannot give {len(weights)} shares of at least 1")
    spare, whole = total - len(weights), sum(weights)
    exact = [spare * w / whole for w in weights]
    shares = [1 + int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: int(exact[i]) - exact[i])
    for i in by_remainder[:total - sum(shares)]:
        shares[i] += 1
    return shares


def _cap_lots(products: list[_Product], total: int) -> None:
    """No product has more lots than units; the lots still add up to `total` (the
    difference goes to, or comes from, the products with the most)."""
    for p in products:
        p.lots = min(p.lots, p.units)
    by_size = sorted(products, key=lambda p: -p.units)
    while (gap := total - sum(p.lots for p in products)) != 0:
        step = 1 if gap > 0 else -1
        movable = [p for p in by_size if (p.lots < p.units if step > 0 else p.lots > 1)]
        if not movable:
            raise ValueError(f"{total} lots do not fit these products")
        for p in movable[:abs(gap)]:
            p.lots += step
