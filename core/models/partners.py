"""Trading partners (customers and suppliers) and the evidence that they are authorized."""

import peewee

from core.models.base import BaseModel, BasisPointsField, MoneyField, UtcDateTimeField

# PartnerAddress.kind of a ship-to no longer in use. The table has no active column
# (adding one needs a migration); a retired ship-to is kept, under this kind, because
# orders and shipments may name it.
RETIRED_SHIP_TO = "retired"


class Partner(BaseModel):
    name = peewee.CharField(max_length=200)
    gln = peewee.CharField(max_length=13, null=True, unique=True)
    gs1_prefix_length = peewee.SmallIntegerField(default=7)
    is_customer = peewee.BooleanField(default=False)
    is_supplier = peewee.BooleanField(default=False)
    partner_type = peewee.CharField(max_length=20)
    phone = peewee.CharField(max_length=30, default="")
    email = peewee.CharField(max_length=120, default="")
    active = peewee.BooleanField(default=True)
    created_at = UtcDateTimeField()
    # Least remaining shelf life this customer accepts on delivery (0: anything unexpired).
    min_shelf_life_days = peewee.IntegerField(default=0)
    payment_terms_days = peewee.SmallIntegerField(default=30)  # Net 30
    credit_limit = MoneyField(default=0)  # 0: no limit
    invoice_on_ship = peewee.BooleanField(default=True)  # else invoiced by a click
    # Sales tax in basis points (0: exempt), kept in tenths in column tax_rate_tenth_bp.
    tax_rate_bp = BasisPointsField(default=0, column_name="tax_rate_tenth_bp")
    hold_past_due_days = peewee.SmallIntegerField(default=30)  # credit hold; 0: never

    class Meta:
        indexes = ((("name",), False),)


class PartnerAddress(BaseModel):
    partner = peewee.ForeignKeyField(Partner, backref="addresses", on_delete="CASCADE")
    kind = peewee.CharField(max_length=10)  # bill_to | ship_to | retired
    name = peewee.CharField(max_length=200, default="")
    street = peewee.CharField(max_length=200)
    city = peewee.CharField(max_length=100)
    state = peewee.CharField(max_length=2)
    postal_code = peewee.CharField(max_length=10)
    country = peewee.CharField(max_length=2, default="US")
    gln = peewee.CharField(max_length=13, null=True)
    is_default = peewee.BooleanField(default=False)


class PartnerEvidence(BaseModel):
    """A license, registration or FDA database check, with who verified it and when."""

    partner = peewee.ForeignKeyField(Partner, backref="evidence", on_delete="CASCADE")
    kind = peewee.CharField(max_length=20)
    state = peewee.CharField(max_length=2, default="")
    number = peewee.CharField(max_length=40, default="")
    license_type = peewee.CharField(max_length=60, default="")
    schedules = peewee.CharField(max_length=40, default="")  # DEA: "2,2N,3,3N,4,5"
    expiry = peewee.DateField(null=True)
    verified_on = peewee.DateField(null=True)
    verified_by = peewee.CharField(max_length=60, default="")
