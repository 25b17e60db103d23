"""Who can sign in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.models import Company, User
from core.models.base import utc_now
from core.permissions import Role


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    locked_until: datetime | None
    must_change_password: bool
    last_login_at: datetime | None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > utc_now()

    @property
    def status(self) -> str:
        if not self.active:
            return "Disabled"
        return "Locked" if self.locked else "Active"


def _row(user: User) -> UserRow:
    return UserRow(
        id=user.id, username=user.username, full_name=user.full_name, role=Role(user.role),
        active=user.active, locked_until=user.locked_until,
        must_change_password=user.must_change_password, last_login_at=user.last_login_at,
    )


def user_row(user_id: int) -> UserRow:
    return _row(User.get_by_id(user_id))


def list_users() -> list[UserRow]:
    """Every account (a distributor has tens, not thousands)."""
    return [_row(u) for u in User.select().order_by(User.username)]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role


# The demo database's accounts; shown on the sign-in screen only when the company is
# flagged as a demo, never for a real database.
DEMO_LOGINS = (
    DemoLogin("admin", "admin-demo-1", Role.ADMIN),
    DemoLogin("owner", "owner-demo-1", Role.OWNER),
    DemoLogin("office", "office-demo-1", Role.OFFICE),
    DemoLogin("warehouse", "warehouse-demo-1", Role.WAREHOUSE),
)


def demo_logins() -> tuple[DemoLogin, ...]:
    demo = Company.select(Company.is_demo).where(Company.id == 1).scalar()
    return DEMO_LOGINS if demo else ()
