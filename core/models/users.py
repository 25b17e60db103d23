"""People who sign in; `role` indexes the permission matrix in core.permissions."""

import peewee

from core.models.base import BaseModel, UtcDateTimeField


class User(BaseModel):
    username = peewee.CharField(max_length=40, unique=True)  # stored lower-case
    full_name = peewee.CharField(max_length=120, default="")
    role = peewee.CharField(max_length=20)
    password_hash = peewee.CharField(max_length=200)
    active = peewee.BooleanField(default=True)
    failed_attempts = peewee.SmallIntegerField(default=0)
    locked_until = UtcDateTimeField(null=True)
    must_change_password = peewee.BooleanField(default=False)
    created_at = UtcDateTimeField()
    last_login_at = UtcDateTimeField(null=True)

    class Meta:
        table_name = "app_user"  # "user" is reserved in PostgreSQL
