"""/admin/gestionnaires: search, create a staff member, give and take roles (a removed role stops opening pages),
refusals shown; the central office cannot grant the administrator role; other roles are refused."""

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import StaffMember, StaffRole, StaffRoleAssignment
from tests import factories
from tests.ui.admin_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


async def test_the_central_office_creates_a_member_and_manages_their_roles(user: User) -> None:
    with new_session() as session:
        centre = factories.centre(session, label_fr="UFR Sciences et Techniques")
        session.commit()
    make_staff("scol", StaffRole.CENTRAL_OFFICE, "Sophie Scol")
    make_staff("pdurand", StaffRole.CENTRAL_OFFICE, "Paul Durand")
    await sign_in(user, "scol")
    await user.open("/admin/gestionnaires")
    await user.should_see("Gestionnaires et droits")
    await user.should_see(marker="staff-pdurand")
    user.find(marker="search").type("sophie")
    await click(user, "search-button")
    await user.should_see("1 gestionnaire")
    await user.should_not_see(marker="staff-pdurand")

    user.find(marker="new-staff").click()
    await user.should_see("Nouveau gestionnaire")
    user.find(marker="login").type("JMartin")
    user.find(marker="display_name").type("Jeanne Martin")
    user.find(marker="email").type("pas-une-adresse")
    await click(user, "save-account")
    await user.should_see("Cette adresse e-mail n'est pas valide")  # next to the field; nothing typed is lost
    user.find(marker="email").clear().type("jeanne.martin@univ.example")
    await click(user, "save-account")
    await user.should_see("Gestionnaire : Jeanne Martin")
    await user.should_see(marker="no-role")
    with new_session() as session:
        member = session.exec(select(StaffMember).where(StaffMember.login == "jmartin")).one()
        assert member.password_hash is None and member.sso_provider == "oidc"

    # The central office may not grant the administrator role: it is not even offered.
    await user.should_see("Seul un administrateur peut attribuer le rôle d'administrateur.")
    user.find(marker="role").click()
    await user.should_not_see("Administrateur")
    user.find("Gestionnaire de composante").click()
    await click(user, "add-role")
    await user.should_see("Choisissez un centre de candidature.")
    user.find(marker="centre_id").click()
    user.find("UFR Sciences et Techniques").click()
    await click(user, "add-role")
    await user.should_see(marker="roles")
    await user.should_see("UFR Sciences et Techniques")
    with new_session() as session:
        [role] = session.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == member.id)).all()
        assert (role.role, role.centre_id, role.read_only) == (StaffRole.CENTRE_MANAGER, centre.id, False)
    await click(user, f"read-only-{role.id}")
    await user.should_see("lecture seule")
    await click(user, f"remove-{role.id}")
    await user.should_see(marker="no-role")


async def test_a_removed_role_stops_opening_pages_and_refusals_are_shown(user: User) -> None:
    admin_id = make_staff("ada", StaffRole.ADMINISTRATOR, "Ada Admin")
    make_staff("scol", StaffRole.CENTRAL_OFFICE, "Sophie Scol")
    await sign_in(user, "scol")
    await user.open("/admin/gestionnaires")
    await user.should_see(marker="staff-ada")
    # The central office sees an administrator's roles but may neither touch their account nor their role.
    await user.open(f"/admin/gestionnaires/fiche/{admin_id}")
    await user.should_see(marker="admin-account-note")
    await user.should_not_see(marker="save-account")
    with new_session() as session:
        admin_role = session.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == admin_id)).one()
        scol_role = session.exec(
            select(StaffRoleAssignment).where(StaffRoleAssignment.role == StaffRole.CENTRAL_OFFICE)
        ).one()
    await click(user, f"remove-{admin_role.id}")
    await user.should_see("Seul un administrateur peut attribuer, modifier ou retirer le rôle d'administrateur.")
    await click(user, "sign-out")

    # The administrator takes the central office role away: the next page is refused to its holder.
    await sign_in(user, "ada")
    await user.open(f"/admin/gestionnaires/fiche/{admin_id}")
    await click(user, f"remove-{admin_role.id}")
    await user.should_see("Vous ne pouvez pas retirer votre propre rôle d'administrateur")
    await user.open("/admin/gestionnaires")
    user.find(marker="open-scol").click()
    await user.should_see("Gestionnaire : Sophie Scol")
    await click(user, f"remove-{scol_role.id}")
    await user.should_see("Rôle retiré.")
    await click(user, "sign-out")
    with new_session() as session:
        assert session.get(StaffRoleAssignment, scol_role.id) is None


async def test_the_role_guard_rereads_roles_on_every_page(user: User) -> None:
    make_staff("ada", StaffRole.ADMINISTRATOR)
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "scol")
    await user.open("/admin/gestionnaires")
    await user.should_see(marker="staff")
    with new_session() as session:  # an administrator removes the role meanwhile (elsewhere)
        row = session.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.role == StaffRole.CENTRAL_OFFICE))
        session.delete(row.one())
        session.commit()
    await user.open("/admin/gestionnaires")
    await user.should_see("Ce rôle ne vous est plus attribué")
    await user.should_not_see(marker="staff")


async def test_centre_managers_and_committee_members_are_refused(user: User) -> None:
    with new_session() as session:
        centre = factories.centre(session)
        committee = factories.committee(session, centre.id)
        session.commit()
    make_staff("gest", StaffRole.CENTRE_MANAGER, centre_id=centre.id)
    make_staff("jure", StaffRole.COMMITTEE_MEMBER, committee_id=committee.id)
    for login in ("gest", "jure"):
        await sign_in(user, login)
        for path in ("/admin/gestionnaires", "/admin/gestionnaires/nouveau", "/admin/gestionnaires/fiche/1"):
            await user.open(path)
            await user.should_see(marker="refusal")
            await user.should_not_see(marker="save-account")
        await click(user, "sign-out")
