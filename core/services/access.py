"""The permission gate every service passes first."""

from core.errors import AccountDisabled
from core.models import User
from core.permissions import Actor, Permission


def authorize(actor: Actor, permission: Permission) -> None:
    """Refuse unless the role allows `permission` and the account is still active now
    (an administrator may have disabled it since the user signed in)."""
    actor.require(permission)
    if actor.user_id is not None:
        active = User.select(User.active).where(User.id == actor.user_id).scalar()
        if not active:
            raise AccountDisabled(actor.username)
