"""Step 1: schema version, company, users and the append-only audit trail.

Frozen copies of the models as they were at this step; later steps must not import
core.models (the app's models move on, this step must not).
"""

import peewee

from core.audit_chain import GENESIS_HASH
from core.models.base import UtcDateTimeField


def up(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class SchemaVersion(Base):
        id = peewee.IntegerField(primary_key=True)
        version = peewee.IntegerField()
        app_version = peewee.CharField(max_length=40)
        migrated_at = UtcDateTimeField()

    class Company(Base):
        id = peewee.IntegerField(primary_key=True)
        legal_name = peewee.CharField(max_length=200)
        street = peewee.CharField(max_length=200, default="")
        city = peewee.CharField(max_length=100, default="")
        state = peewee.CharField(max_length=2, default="")
        postal_code = peewee.CharField(max_length=10, default="")
        country = peewee.CharField(max_length=2, default="US")
        gln = peewee.CharField(max_length=13)
        gs1_prefix_length = peewee.SmallIntegerField(default=7)
        phone = peewee.CharField(max_length=30, default="")
        license_state = peewee.CharField(max_length=2, default="")
        license_number = peewee.CharField(max_length=40, default="")
        license_expiry = peewee.DateField(null=True)
        dea_number = peewee.CharField(max_length=9, default="")
        dea_expiry = peewee.DateField(null=True)
        is_demo = peewee.BooleanField(default=False)
        created_at = UtcDateTimeField()

    class User(Base):
        username = peewee.CharField(max_length=40, unique=True)
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
            table_name = "app_user"

    class AuditEntry(Base):
        id = peewee.BigIntegerField(primary_key=True)
        at = UtcDateTimeField()
        user_id = peewee.IntegerField(null=True)
        username = peewee.CharField(max_length=60)
        action = peewee.CharField(max_length=60)
        entity = peewee.CharField(max_length=60)
        entity_id = peewee.CharField(max_length=60, default="")
        summary = peewee.TextField(default="")
        prev_hash = peewee.CharField(max_length=64)
        hash = peewee.CharField(max_length=64)

        class Meta:
            indexes = ((("entity", "entity_id"), False),)

    class AuditHead(Base):
        id = peewee.IntegerField(primary_key=True)
        last_seq = peewee.BigIntegerField(default=0)
        last_hash = peewee.CharField(max_length=64)

    db.create_tables([SchemaVersion, Company, User, AuditEntry, AuditHead])
    AuditHead.create(id=1, last_seq=0, last_hash=GENESIS_HASH)
    refuse_changes(db, "audit_entry")


def refuse_changes(db: peewee.Database, table: str) -> None:
    """Make `table` append-only in the database itself, not only in our code."""
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql(
            "CREATE OR REPLACE FUNCTION rxdesk_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
            "'%% is append-only: %% refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$"
        )
        db.execute_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rxdesk_append_only()"
        )
        db.execute_sql(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION rxdesk_append_only()"
        )
    else:
        for op in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
            )
