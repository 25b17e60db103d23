"""The single row that says which migration step the database has reached."""

import peewee

from core.models.base import BaseModel, UtcDateTimeField


class SchemaVersion(BaseModel):
    id = peewee.IntegerField(primary_key=True)  # always 1
    version = peewee.IntegerField()
    app_version = peewee.CharField(max_length=40)
    migrated_at = UtcDateTimeField()
