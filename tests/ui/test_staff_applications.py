"""/gestion/candidatures: a centre manager lists, filters, pages and chooses columns; candidates are refused."""

from nicegui.testing import User

from app import clock
from app.db import new_session
from app.models import DossierStatus, StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.ui.handler_clicks import click, open_panel
from tests.ui.static_html import follow_marked

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
    await click(user, "sign-in")  # waits for the check (a worker thread) and the landing (a new session, a redirect)
    await user.should_see(marker="current-role-text")


async def test_a_centre_manager_lists_filters_pages_and_selects(user: User) -> None:
    world = centre_with_applications()
    await sign_in(user)
    await click(user, "applications-link")  # the list opens, read in a worker thread: waited for
    await user.should_see("Gestionnaire de composante — UFR Sciences")
    await user.should_see("25 candidatures")
    await user.should_see("CANDIDAT00")
    await user.should_not_see("AILLEURS")
    await user.should_not_see(marker="page-size")  # « Colonnes affichées » is drawn when it opens
    open_panel(user, "column-chooser")
    user.find(marker="page-size")  # the chooser exists; the default page holds 50 rows
    await click(user, "sort-birth_name")  # descending now
    await user.should_see("CANDIDAT24")
    user.find(marker="filter-dossier_status").click()
    user.find("Complet").click()
    await click(user, "apply-filters")
    await user.should_see("5 candidatures")
    await user.should_not_see("CANDIDAT01")
    await click(user, "select-all")  # every id of the filter, read in a worker thread
    await user.should_see("5 sélectionnées")
    assert len(world["ids"]) == 25


async def test_columns_are_remembered_and_pages_turn(user: User) -> None:
    centre_with_applications(count=25)
    await sign_in(user)
    await user.open("/gestion/candidatures")
    open_panel(user, "column-chooser")  # « Colonnes affichées » is drawn when it opens
    columns = next(iter(user.find(marker="columns").elements))
    columns.set_value([*columns.value, "ine"])  # type: ignore[attr-defined]  # add the INE column
    page_size = next(iter(user.find(marker="page-size").elements))
    page_size.set_value(20)  # type: ignore[attr-defined]  ("20" as text would also match CANDIDAT20)
    await click(user, "save-columns")  # saved, then the list read again, in worker threads: waited for
    await user.should_see("Colonnes enregistrées.")
    await user.should_see("Page 1 sur 2")
    await click(user, "next-page")  # the next page read in a worker thread
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
    await user.should_see(marker="signed-in-name")  # the sign-in has landed (new session, then /candidat)
    await user.open("/gestion/candidatures")
    await user.should_see(marker="refusal")


def two_campaigns() -> None:
    """A manager « sci » of « UFR Sciences » with 12 applications this campaign (birth names CANDIDAT00…11, bac
    years 2020/2021 alternating) and 2 in an archived campaign (ANCIEN0, ANCIEN1)."""
    with new_session() as session:
        from app.models import Baccalaureate, BacSeries

        sciences = factories.centre(session, label_fr="UFR Sciences", label_en="Faculty of Science")
        old = factories.campaign(
            session, is_active=False, archived_at=clock.now(), label_fr="Campagne 2025", label_en="2025 intake"
        )
        current = factories.campaign(session, label_fr="Campagne 2026", label_en="2026 intake")
        program = factories.program(
            session, campaign_id=current.id, centre_id=sciences.id, label_fr="Master Chimie", label_en="MSc Chemistry"
        )
        archived = factories.program(session, campaign_id=old.id, centre_id=sciences.id, label_fr="Master Ancien")
        for index in range(12):
            candidate = factories.candidate(session, birth_name=f"CANDIDAT{index:02d}")
            session.add(Baccalaureate(candidate_id=candidate.id, series=BacSeries.GENERAL, year=2020 + index % 2))
            factories.application(session, candidate_id=candidate.id, program=program)
        for index in range(2):
            candidate = factories.candidate(session, birth_name=f"ANCIEN{index}")
            factories.application(session, candidate_id=candidate.id, program=archived)
        member = StaffMember(
            login="sci", email="s@univ.example", display_name="Sam Sci", password_hash=hash_password(GOOD)
        )
        session.add(member)
        session.flush()
        session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRE_MANAGER, centre_id=sciences.id))
        session.commit()


async def test_the_active_campaign_by_default_an_archived_one_on_request(user: User) -> None:
    two_campaigns()
    await sign_in(user)
    await user.open("/gestion/candidatures")
    await user.should_see("12 candidatures")
    await user.should_not_see("ANCIEN0")
    campaign = next(iter(user.find(marker="filter-campaign").elements))
    assert "(archivée)" in " ".join(campaign.options.values())  # type: ignore[attr-defined]
    old = next(key for key, label in campaign.options.items() if "2025" in label)  # type: ignore[attr-defined]
    campaign.set_value(old)  # type: ignore[attr-defined]
    user.find(marker="apply-filters").click()
    await user.should_see("2 candidatures")
    await user.should_see("ANCIEN1")


async def test_more_filters_reach_every_column(user: User) -> None:
    two_campaigns()
    await sign_in(user)
    await user.open("/gestion/candidatures")
    await user.should_see(marker="more-filters")
    open_panel(user, "more-filters")  # opened: its inputs are drawn
    user.find(marker="filter-birth_name").type("CANDIDAT0")  # inside « Plus de filtres »
    bac_from = next(iter(user.find(marker="filter-bac_year-from").elements))
    bac_from.set_value(2021)  # type: ignore[attr-defined]
    user.find(marker="apply-filters").click()
    await user.should_see("5 candidatures")  # CANDIDAT01, 03, 05, 07, 09
    await user.should_see("Plus de filtres (2 actifs)")
    user.find(marker="clear-filters").click()
    await user.should_see("12 candidatures")


async def test_filters_in_the_address_and_labels_in_english(user: User) -> None:
    two_campaigns()
    await sign_in(user)
    await user.open("/gestion/candidatures?dossier_status=pending&last_decision_kind=none")
    await user.should_see("12 candidatures")
    await user.open("/gestion/candidatures?dossier_status=complete")
    await user.should_see("0 candidature")
    follow_marked(user, "lang-en")
    await user.should_see("0 applications", retries=50)  # the link reloads the page in the new language
    await user.open("/gestion/candidatures")
    await user.should_see("MSc Chemistry")
    await user.should_not_see("Master Chimie")


async def test_more_filters_are_drawn_when_opened_or_when_one_of_them_filters(user: User) -> None:
    two_campaigns()
    await sign_in(user)
    await user.open("/gestion/candidatures")
    await user.should_see("12 candidatures")
    await user.should_not_see(marker="filter-birth_name")  # the closed panel's inputs: drawn when it opens
    await user.open("/gestion/candidatures?last_decision_published=non")  # one of them in the address
    await user.should_see("Plus de filtres (1 actif)")
    await user.should_see(marker="filter-last_decision_published")  # the panel opened by itself, inputs drawn
    user.find(marker="apply-filters").click()
    await user.should_see("Plus de filtres (1 actif)")  # the filter stands
