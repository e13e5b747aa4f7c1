"""Staff with several roles switch between them from the header without signing out."""

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import AuditEvent, StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.static_html import follow_marked

GOOD = "Solide-Passe-2026"


def multi_role_member() -> tuple[int, int]:
    with new_session() as session:
        sciences = factories.centre(session, label_fr="UFR Sciences")
        committee = factories.committee(session, factories.centre(session).id, label_fr="Commission Histoire")
        member = StaffMember(
            login="multi", email="m@univ.example", display_name="Max Multi", password_hash=hash_password(GOOD)
        )
        session.add(member)
        session.flush()
        manager = StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRE_MANAGER, centre_id=sciences.id)
        juror = StaffRoleAssignment(staff_id=member.id, role=StaffRole.COMMITTEE_MEMBER, committee_id=committee.id)
        session.add_all([manager, juror])
        session.commit()
        return manager.id, juror.id


async def test_switching_roles_changes_the_header_and_the_landing(user: User) -> None:
    manager_id, juror_id = multi_role_member()
    await user.open("/connexion")
    user.find(marker="login").type("multi")
    user.find(marker="password").type(GOOD)
    await click(user, "sign-in")
    await user.should_see("Rôle actuel : Gestionnaire de composante — UFR Sciences")
    await user.should_see(marker="role-switch")
    user.find(marker=f"role-{juror_id}").click()
    await user.should_see("Rôle actuel : Membre de commission — Commission Histoire")
    with new_session() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "staff.role_switched")).one()
    assert event.after == {"assignment_id": juror_id}
    user.find(marker=f"switch-{manager_id}").click()  # the list on the landing page switches too
    await user.should_see("Rôle actuel : Gestionnaire de composante — UFR Sciences")


async def test_a_withdrawn_role_no_longer_opens_staff_pages(user: User) -> None:
    manager_id, _juror_id = multi_role_member()
    await user.open("/connexion")
    user.find(marker="login").type("multi")
    user.find(marker="password").type(GOOD)
    await click(user, "sign-in")
    await user.should_see(marker="current-role-text")
    with new_session() as session:
        session.delete(session.get(StaffRoleAssignment, manager_id))
        session.commit()
    await user.open("/gestion")
    await user.should_see(marker="refusal")


async def test_header_shows_role_and_scope_in_english(user: User) -> None:
    multi_role_member()
    await user.open("/connexion")
    follow_marked(user, "lang-en")
    await user.should_see("Sign in", retries=20)  # the link reloads the page in the new language
    user.find(marker="login").type("multi")
    user.find(marker="password").type(GOOD)
    await click(user, "sign-in")
    await user.should_see(marker="current-role-text")
