"""Roles and the one permission matrix every service checks.

The UI hides what a role may not do, but the rule lives here: a service called from
any screen or from rxdesk-admin refuses with `PermissionDenied` all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.errors import PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"
    OWNER = "owner"
    OFFICE = "office"
    WAREHOUSE = "warehouse"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Permission(StrEnum):
    """Each value reads as the end of "User X may not ..."."""

    MANAGE_USERS = "manage users"
    EDIT_COMPANY = "edit the company profile"
    MANAGE_DATABASE = "migrate or back up the database"
    VIEW_AUDIT = "view the audit trail"
    MANAGE_PARTNERS = "edit customers and suppliers"
    MANAGE_PRODUCTS = "edit products"
    PURCHASE = "create purchase orders"
    IMPORT_SUPPLIER_FILES = "import suppliers' transaction files (EPCIS)"
    RECEIVE = "receive stock"
    SELL = "create sales orders"
    OVERRIDE_PRICE = "override a price"
    SHIP = "pick, pack and ship"
    REMOVE_PACKED = "remove a scanned package from a shipment"
    RECEIVE_RETURNS = "receive customer returns (and credit them at the invoiced price)"
    TRANSFER_STOCK = "move stock between bins"
    MANAGE_LOCATIONS = "set up warehouse bins"
    ADJUST_STOCK = "adjust stock"
    QUARANTINE = "quarantine or release stock"
    CLEAR_SUSPECT = "release suspect product (that needs a finished investigation)"
    POST_INVOICES = "post invoices and credit memos"
    RECORD_PAYMENTS = "record payments"
    OVERRIDE_HOLD = "override a credit or compliance hold"
    CLOSE_PERIOD = "close a fiscal period"
    MANAGE_ACCOUNTS = "edit the chart of accounts or post a reversing journal entry"
    VIEW_REPORTS = "view financial reports"


_OFFICE = {
    Permission.MANAGE_PARTNERS, Permission.MANAGE_PRODUCTS, Permission.PURCHASE,
    Permission.SELL, Permission.POST_INVOICES, Permission.RECORD_PAYMENTS,
    Permission.IMPORT_SUPPLIER_FILES, Permission.RECEIVE_RETURNS,
}
_WAREHOUSE = {
    Permission.MANAGE_LOCATIONS, Permission.RECEIVE, Permission.SHIP,
    Permission.TRANSFER_STOCK, Permission.QUARANTINE, Permission.IMPORT_SUPPLIER_FILES,
    Permission.RECEIVE_RETURNS,
}

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    # The owner runs the business but does not administer accounts or the database.
    Role.OWNER: frozenset(set(Permission) - {Permission.MANAGE_USERS, Permission.MANAGE_DATABASE}),
    Role.OFFICE: frozenset(_OFFICE),
    Role.WAREHOUSE: frozenset(_WAREHOUSE),
}


def roles_with(*permissions: Permission) -> list[Role]:
    """The roles allowed all of `permissions`, so a refusal or a read-only field can say
    who may instead of only who may not."""
    return [role for role in Role if all(p in MATRIX[role] for p in permissions)]


@dataclass(frozen=True)
class Actor:
    """Who is acting: handed to every service, written into every audit entry."""

    user_id: int | None
    username: str
    role: Role

    def may(self, permission: Permission) -> bool:
        return permission in MATRIX[self.role]

    def require(self, permission: Permission) -> None:
        if not self.may(permission):
            raise PermissionDenied(self.username, self.role.value, permission.value)
