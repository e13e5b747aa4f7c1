"""Staff members for the screen tests: one created with a password and a role, then signed in through /connexion."""

from nicegui.testing import User

from app.db import new_session
from app.models import StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.ui.handler_clicks import click

GOOD = "Solide-Passe-2026"


def make_staff(login: str, role: StaffRole, name: str = "", *, read_only: bool = False, **scope: int) -> int:
    """A staff member ``login`` (password GOOD) holding ``role`` where ``scope`` says; returns their id.

    A centre manager given no centre gets a new one: the role always belongs to a centre.
    """
    with new_session() as session:
        member = StaffMember(
            login=login,
            email=f"{login}@univ.example",
            display_name=name or login.title(),
            password_hash=hash_password(GOOD),
        )
        session.add(member)
        session.flush()
        if role == StaffRole.CENTRE_MANAGER and "centre_id" not in scope:
            scope["centre_id"] = factories.centre(session).id or 0
        session.add(StaffRoleAssignment(staff_id=member.id, role=role, read_only=read_only, **scope))
        session.commit()
        return member.id or 0


async def sign_in(user: User, login: str) -> None:
    """Sign in through the local form and wait for the staff home."""
    await user.open("/connexion")
    user.find(marker="login").type(login)
    user.find(marker="password").type(GOOD)
    await click(user, "sign-in")  # the password is checked in a worker thread
    await user.should_see(marker="current-role-text")
