"""Our own company: the seller on every outbound Transaction Information."""

import peewee

from core.models.base import BaseModel, UtcDateTimeField


class Company(BaseModel):
    id = peewee.IntegerField(primary_key=True)  # always 1
    legal_name = peewee.CharField(max_length=200)
    street = peewee.CharField(max_length=200, default="")
    city = peewee.CharField(max_length=100, default="")
    state = peewee.CharField(max_length=2, default="")
    postal_code = peewee.CharField(max_length=10, default="")
    country = peewee.CharField(max_length=2, default="US")
    gln = peewee.CharField(max_length=13)
    # EPC URIs need the GS1 company prefix split out of the GLN (DOMAIN.md section 3).
    gs1_prefix_length = peewee.SmallIntegerField(default=7)
    phone = peewee.CharField(max_length=30, default="")
    license_state = peewee.CharField(max_length=2, default="")
    license_number = peewee.CharField(max_length=40, default="")
    license_expiry = peewee.DateField(null=True)
    dea_number = peewee.CharField(max_length=9, default="")
    dea_expiry = peewee.DateField(null=True)
    is_demo = peewee.BooleanField(default=False)
    # Printed on invoices and statements: where and how customers pay us.
    remit_to = peewee.TextField(default="")
    billing_email = peewee.CharField(max_length=120, default="")
    created_at = UtcDateTimeField()
