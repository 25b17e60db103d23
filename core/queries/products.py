"""The product master as screens, imports and documents read it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from biip.checksums import gs1_standard_check_digit

from core.errors import NotFound
from core.models import Product
from core.ndc import Ndc, NdcError, parse_ndc
from core.queries.paging import PAGE, contains, digits
from core.vocab import Schedule, Storage


@dataclass(frozen=True)
class ProductRow:
    id: int
    ndc: str  # NDC-10 with hyphens, as printed on the label
    gtin: str
    name: str
    strength: str
    dosage_form: str
    package_description: str
    manufacturer: str
    schedule: Schedule
    storage: Storage
    case_gtin: str
    units_per_case: int
    min_shelf_life_days: int
    list_price: Decimal
    standard_cost: Decimal
    serialized: bool
    needs_review: bool
    active: bool

    @property
    def ndc11(self) -> str:
        labeler, product, package = self.ndc.split("-")
        return Ndc(labeler, product, package).ndc11


def _row(p: Product) -> ProductRow:
    return ProductRow(
        id=p.id, ndc=Ndc(p.ndc_labeler, p.ndc_product, p.ndc_package, p.ndc_layout).ndc10,
        gtin=p.gtin, name=p.name, strength=p.strength, dosage_form=p.dosage_form,
        package_description=p.package_description, manufacturer=p.manufacturer,
        schedule=Schedule(p.schedule), storage=Storage(p.storage), case_gtin=p.case_gtin or "",
        units_per_case=p.units_per_case, min_shelf_life_days=p.min_shelf_life_days,
        list_price=p.list_price, standard_cost=p.standard_cost, serialized=p.serialized,
        needs_review=p.needs_review, active=p.active,
    )


SORTS = {"name": Product.name, "ndc": Product.gtin, "manufacturer": Product.manufacturer,
         "list_price": Product.list_price}


def _filtered(text: str):
    query = Product.select()
    text = (text or "").strip()
    if text:
        condition = contains(Product.name, text) | contains(Product.manufacturer, text)
        number = digits(text)
        if len(number) >= 3:
            condition |= Product.gtin.contains(number) | (Product.case_gtin == number.zfill(14))
        query = query.where(condition)
    return query


def count_products(text: str = "") -> int:
    return _filtered(text).count()


def search_products(text: str = "", sort: str = "name", descending: bool = False,
                    offset: int = 0, limit: int = PAGE) -> list[ProductRow]:
    """A page of products matching name, manufacturer, NDC or GTIN digits."""
    key = SORTS.get(sort, Product.name)
    order = (key.desc() if descending else key.asc(), Product.id)
    return [_row(p) for p in _filtered(text).order_by(*order).offset(offset).limit(limit)]


def product(product_id: int) -> ProductRow:
    row = Product.get_or_none(Product.id == product_id)
    if row is None:
        raise NotFound("product", product_id)
    return _row(row)


def product_by_gtin(gtin: str) -> ProductRow | None:
    row = Product.get_or_none(Product.gtin == gtin)
    return _row(row) if row else None


def product_by_ndc(text: str) -> ProductRow | None:
    """The product a typed NDC names: hyphenated NDC-10 (12345-678-90), the 10 digits
    alone, the 11-digit billing form (its padding zero may be in any segment) or the
    GTIN-14 itself. Raises NdcError for text that is no NDC at all."""
    value = (text or "").strip()
    digits = value.replace("-", "")
    if "-" in value:
        return product_by_gtin(parse_ndc(value).gtin14())
    if digits.isdigit() and len(digits) == 14:
        return product_by_gtin(digits)
    if digits.isdigit() and len(digits) == 10:
        return product_by_gtin(_ndc_gtin(digits))
    if digits.isdigit() and len(digits) == 11:
        # 5-4-2 billing form: drop the one zero that padded a 4-4-2, 5-3-2 or 5-4-1 NDC.
        options = {digits[1:], digits[:5] + digits[6:], digits[:9] + digits[10:]}
        found = [row for row in (product_by_gtin(_ndc_gtin(d)) for d in sorted(options)
                                 if len(d) == 10) if row is not None]
        if len(found) > 1:
            raise NdcError(f"NDC {digits} matches {len(found)} products; enter it with hyphens "
                           "as printed on the package.", "ambiguous")
        return found[0] if found else None
    parse_ndc(value)  # raises the precise reason
    return None


def _ndc_gtin(ndc10_digits: str) -> str:
    body = "003" + ndc10_digits
    return body + str(gs1_standard_check_digit(body))
