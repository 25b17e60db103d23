"""The product master: one row per NDC package (the unit that carries a serial)."""

import peewee

from core.models.base import BaseModel, MoneyField, UtcDateTimeField


class Product(BaseModel):
    # The NDC as its three segments (DOMAIN.md section 3): the 11-digit billing form
    # cannot be turned back without the layout, and 12-digit NDCs arrive in 2033.
    ndc_labeler = peewee.CharField(max_length=6)
    ndc_product = peewee.CharField(max_length=4)
    ndc_package = peewee.CharField(max_length=2)
    ndc_layout = peewee.CharField(max_length=5)
    gtin = peewee.CharField(max_length=14, unique=True)
    name = peewee.CharField(max_length=200)
    strength = peewee.CharField(max_length=100, default="")
    dosage_form = peewee.CharField(max_length=60, default="")
    package_description = peewee.CharField(max_length=120, default="")
    manufacturer = peewee.CharField(max_length=200, default="")
    schedule = peewee.CharField(max_length=4, default="none")
    storage = peewee.CharField(max_length=12, default="room")
    case_gtin = peewee.CharField(max_length=14, null=True, unique=True)
    units_per_case = peewee.IntegerField(default=1)
    min_shelf_life_days = peewee.IntegerField(default=0)
    list_price = MoneyField(default=0)
    standard_cost = MoneyField(default=0)
    serialized = peewee.BooleanField(default=True)
    # Created from a supplier's EPCIS master data; someone must check it.
    needs_review = peewee.BooleanField(default=False)
    active = peewee.BooleanField(default=True)
    created_at = UtcDateTimeField()

    class Meta:
        indexes = (
            (("ndc_labeler", "ndc_product", "ndc_package"), True),
            (("name",), False),
        )
