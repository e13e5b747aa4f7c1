"""/gestion/candidatures: a centre manager lists, filters, pages and chooses columns; candidates are refused."""

from nicegui.testing import User

from app.db import new_session
from app.models import DossierStatus, StaffMember, StaffRole, StaffRoleAssignment
from app.services.passwords import hash_password
from tests import factories

GOOD = "Solide-Passe-2026"


def centre_with_applications(count: int = 25) -> dict:
    """A manager of « UFR Sciences » with ``count`` applications there (every 5th complete), and one elsewhere."""
    with new_session() as session:
        sciences = factories.centre(session, label_fr="UFR Sciences")
        campaign_id = factories.campaign(session).id  # one active campaign
        program = factories.program(session, campaign_id=campaign_id, centre_id=sciences.id, label_fr="Master Chimie")
        other = factories.program(session, campaign_id=campaign_id, label_fr="Master Histoire")
        ids = []
        for index in range(count):
            candidate = factories.candidate(session, birth_name=f"CANDIDAT{index:02d}")
            status = DossierStatus.COMPLETE if index % 5 == 0 else DossierStatus.PENDING
            ids.append(
                factories.application(session, candidate_id=candidate.id, program=program, dossier_status=status).id
            )
        outsider = factories.candidate(session, birth_name="AILLEURS")
        factories.application(session, candidate_id=outsider.id, program=other)
        member = StaffMember(
            login="sci", email="s@univ.example", display_name="Sam Sci", password_hash=hash_password(GOOD)
        )
        session.add(member)
        session.flush()
        session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRE_MANAGER, centre_id=sciences.id))
        session.commit()
        return {"ids": ids}


async def sign_in(user: User, login: str = "sci") -> None:
    await user.open("/connexion")
    user.find(marker="login").type(login)
    user.find(marker="password").type(GOOD)
    user.find(marker="sign-in").click()
    await user.should_see(marker="current-role-text")


async def test_a_centre_manager_lists_filters_pages_and_selects(user: User) -> None:
    world = centre_with_applications()
    await sign_in(user)
    user.find(marker="applications-link").click()
    await user.should_see("Gestionnaire de composante — UFR Sciences")
    await user.should_see("25 candidature(s)")
    await user.should_see("CANDIDAT00")
    await user.should_not_see("AILLEURS")
    user.find(marker="page-size")  # the chooser exists; the default page holds 50 rows
    user.find(marker="sort-birth_name").click()  # descending now
    await user.should_see("CANDIDAT24")
    user.find(marker="filter-dossier_status").click()
    user.find("Complet").click()
    user.find(marker="apply-filters").click()
    await user.should_see("5 candidature(s)")
    await user.should_not_see("CANDIDAT01")
    user.find(marker="select-all").click()
    await user.should_see("5 sélectionnée(s)")
    assert len(world["ids"]) == 25


async def test_columns_are_remembered_and_pages_turn(user: User) -> None:
    centre_with_applications(count=25)
    await sign_in(user)
    await user.open("/gestion/candidatures")
    columns = next(iter(user.find(marker="columns").elements))
    columns.set_value([*columns.value, "ine"])  # type: ignore[attr-defined]  # add the INE column
    page_size = next(iter(user.find(marker="page-size").elements))
    page_size.set_value(20)  # type: ignore[attr-defined]  ("20" as text would also match CANDIDAT20)
    user.find(marker="save-columns").click()
    await user.should_see("Colonnes enregistrées.")
    await user.should_see("Page 1 sur 2")
    user.find(marker="next-page").click()
    await user.should_see("Page 2 sur 2")
    await user.should_see("CANDIDAT24")
    await user.open("/gestion/candidatures")  # reloaded: the choice is remembered
    await user.should_see(marker="sort-ine")
    await user.should_see("Page 1 sur 2")


async def test_a_candidate_is_refused(user: User) -> None:
    with new_session() as session:
        account = factories.account(session, password_hash=hash_password(GOOD), email="cand@mail.example")
        session.commit()
        email = account.email
    await user.open("/connexion")
    user.find(marker="login").type(email)
    user.find(marker="password").type(GOOD)
    user.find(marker="sign-in").click()
    await user.open("/gestion/candidatures")
    await user.should_see(marker="refusal")
