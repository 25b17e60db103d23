"""The product master: adding and editing products, with NDC and GTIN checked."""

from __future__ import annotations

from core.db import write_transaction
from core.errors import AlreadyExists, InvalidInput, NotFound
from core.gs1 import validate_gtin
from core.models import Product
from core.models.base import utc_now
from core.money import parse_money
from core.ndc import parse_ndc
from core.permissions import Actor, Permission
from core.services import audit
from core.services.access import authorize
from core.vocab import Schedule, Storage

TEXT_FIELDS = {"name": 200, "strength": 100, "dosage_form": 60, "package_description": 120,
               "manufacturer": 200}


def clean_product_fields(values: dict[str, object]) -> dict[str, object]:
    """Validated model values from form/CSV/CLI input (strings welcome)."""
    out: dict[str, object] = {}
    for key, value in values.items():
        if key in TEXT_FIELDS:
            text = (value or "").strip()
            if key == "name" and not text:
                raise InvalidInput(key, "The product name is required.")
            if len(text) > TEXT_FIELDS[key]:
                raise InvalidInput(key, f"{key.replace('_', ' ').capitalize()} is longer than "
                                   f"{TEXT_FIELDS[key]} characters.")
            out[key] = text
        elif key == "schedule":
            out[key] = (value if isinstance(value, Schedule) else
                        Schedule.parse(_schedule_text(value), key)).value
        elif key == "storage":
            out[key] = (value if isinstance(value, Storage) else Storage.parse(value, key)).value
        elif key == "case_gtin":
            out[key] = validate_gtin(value, key) if (value or "").strip() else None
        elif key in ("units_per_case", "min_shelf_life_days"):
            out[key] = _whole(value, key, minimum=1 if key == "units_per_case" else 0)
        elif key in ("list_price", "standard_cost"):
            out[key] = parse_money(value, key)
        elif key in ("serialized", "active", "needs_review"):
            out[key] = bool(value)
        else:
            raise InvalidInput(key, f"Unknown product field '{key}'.")
    return out


def _schedule_text(value) -> str:
    text = (value or "none").strip().upper().replace("-", "").replace(" ", "")
    aliases = {"": "none", "NONE": "none", "RX": "none", "2": "cii", "II": "cii", "3": "ciii",
               "III": "ciii", "4": "civ", "IV": "civ", "5": "cv", "V": "cv"}
    return aliases.get(text, text.lower())


def _whole(value, field: str, minimum: int) -> int:
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise InvalidInput(field, f"'{value}' is not a whole number.") from None
    if number < minimum:
        raise InvalidInput(field, f"{field.replace('_', ' ').capitalize()} must be at least {minimum}.")
    return number


def add_product(actor: Actor, ndc: str, name: str, **fields: object) -> int:
    """A new product from its NDC (any accepted form); the GTIN is derived."""
    code = parse_ndc(ndc)
    values = clean_product_fields({"name": name, **fields})
    gtin = code.gtin14()
    with write_transaction():
        authorize(actor, Permission.MANAGE_PRODUCTS)
        if Product.select().where(Product.gtin == gtin).exists():
            raise AlreadyExists("product with NDC", code.ndc10)
        product = Product.create(
            ndc_labeler=code.labeler, ndc_product=code.product, ndc_package=code.package,
            ndc_layout=code.layout, gtin=gtin, created_at=utc_now(), **values)
        audit.record(actor, "add_product", "product", product.id,
                     f"NDC {code.ndc10} GTIN {gtin} {values['name']}")
        return product.id


def update_product(actor: Actor, product_id: int, **changes: object) -> None:
    """Edit descriptive fields, prices and settings; the NDC and GTIN never change
    (a different NDC is a different product)."""
    if {"ndc", "gtin"} & set(changes):
        raise InvalidInput("ndc", "The NDC of a product cannot change; add a new product.")
    values = clean_product_fields(changes)
    with write_transaction():
        authorize(actor, Permission.MANAGE_PRODUCTS)
        product = Product.get_or_none(Product.id == product_id)
        if product is None:
            raise NotFound("product", product_id)
        before = {k: getattr(product, k) for k in values}
        Product.update(**values).where(Product.id == product_id).execute()
        audit.record(actor, "update_product", "product", product_id,
                     audit.describe_changes(before, values))
