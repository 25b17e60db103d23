"""What we owe suppliers: open bills and the AP aging buckets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from peewee import fn

from core.models import Partner, SupplierBill, SupplierPayment
from core.queries.receivables import BUCKETS, bucket

ZERO = Decimal("0.00")


@dataclass
class SupplierAging:
    supplier_id: int
    supplier: str
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))

    @property
    def balance(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    def as_json(self) -> dict[str, object]:
        return {"supplier_id": self.supplier_id, "supplier": self.supplier,
                **{k: str(v) for k, v in self.buckets.items()}, "balance": str(self.balance)}


def ap_aging(on: date | None = None) -> list[SupplierAging]:
    """Per supplier: what is left to pay on each bill, by days past its due date."""
    on = on or date.today()
    paid = {bill: Decimal(cents or 0).scaleb(-2) for bill, cents in
            SupplierPayment.select(SupplierPayment.bill,
                                   fn.SUM(SupplierPayment.amount).coerce(False))
            .group_by(SupplierPayment.bill).tuples()}
    names = dict(Partner.select(Partner.id, Partner.name).where(Partner.is_supplier).tuples())
    rows: dict[int, SupplierAging] = {}
    for bill in SupplierBill.select():
        left = bill.total - paid.get(bill.id, ZERO)
        if left > 0:
            aging = rows.setdefault(bill.supplier_id,
                                    SupplierAging(bill.supplier_id, names[bill.supplier_id]))
            aging.buckets[bucket(max((on - bill.due_date).days, 0))] += left
    return sorted(rows.values(), key=lambda a: a.supplier)
