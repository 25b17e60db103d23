"""peewee models, one module per aggregate: constraints here, business rules in services."""

from core.models.audit import AuditEntry, AuditHead
from core.models.company import Company
from core.models.schema import SchemaVersion
from core.models.users import User

ALL_MODELS = [SchemaVersion, Company, User, AuditHead, AuditEntry]

__all__ = ["ALL_MODELS", "AuditEntry", "AuditHead", "Company", "SchemaVersion", "User"]
