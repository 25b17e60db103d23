"""Initialising a new database: company profile and the first administrator."""

from __future__ import annotations

from core.db import write_transaction
from core.errors import AlreadyInitialised
from core.models import Company
from core.models.base import utc_now
from core.permissions import Actor, Role
from core.queries.users import DEMO_LOGINS
from core.services import audit
from core.services.company import clean_company_fields
from core.services.users import add_user, create_user_row

SETUP_ACTOR = Actor(None, "setup", Role.ADMIN)


def initialise(database_name: str, company_name: str, gln: str, admin_username: str,
               admin_password: str, admin_full_name: str = "", demo: bool = False,
               **company_fields: object) -> Actor:
    """Create the company and its first administrator; refuses an initialised database.
    The schema must already be migrated. Returns the administrator."""
    values = clean_company_fields({"legal_name": company_name, "gln": gln, **company_fields})
    with write_transaction():
        if Company.select().exists():
            raise AlreadyInitialised(database_name)
        Company.create(id=1, is_demo=demo, created_at=utc_now(), **values)
        audit.record(SETUP_ACTOR, "initialise", "company", 1,
                     f"{values['legal_name']} GLN {values['gln']}" + (" (demo)" if demo else ""))
        admin = create_user_row(admin_username, admin_full_name, Role.ADMIN, admin_password)
        audit.record(SETUP_ACTOR, "add_user", "user", admin.id, f"{admin.username} (admin)")
        return Actor(admin.id, admin.username, Role.ADMIN)


DEMO_COMPANY = dict(
    company_name="Garden State Rx Distributors, Inc. (DEMO)", gln="0614141000012",
    street="100 Commerce Way", city="Edison", state="NJ", postal_code="08817",
    phone="(732) 555-0100", license_state="NJ", license_number="WDB-5012345",
    license_expiry="2027-06-30", dea_number="RG1234563", dea_expiry="2027-03-31",
)


def build_demo(database_name: str) -> None:
    """A demo company with one account per role (passwords shown at sign-in)."""
    admin_login, *others = DEMO_LOGINS
    admin = initialise(database_name, admin_username=admin_login.username,
                       admin_password=admin_login.password, admin_full_name="Alex Admin",
                       demo=True, **DEMO_COMPANY)
    names = {"owner": "Olivia Owner", "office": "Omar Office", "warehouse": "Wanda Warehouse"}
    for login in others:
        add_user(admin, login.username, names[login.username], login.role, login.password,
                 must_change_password=False)
