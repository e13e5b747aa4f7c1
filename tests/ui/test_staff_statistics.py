"""/gestion/statistiques and the pending counts of the staff home page (eCandidat's #64)."""

from datetime import timedelta

from nicegui import ui
from nicegui.testing import User

from app import clock
from app.db import new_session
from app.models import DecisionKind, DossierStatus, StaffRole
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import GOOD, make_staff, sign_in


def committee_world() -> dict:
    """A committee « Commission Chimie » (programme « Master Chimie », capacity 10) with 12 applications: 4 received
    without a decision, 3 with an unpublished decision, 2 with a published offer, 3 not yet received; one
    programme elsewhere; a committee member « juror » and a central office « central »."""
    with new_session() as session:
        campaign = factories.campaign(session)
        sciences = factories.centre(session, label_fr="UFR Sciences", label_en="Faculty of Science")
        chemistry = factories.committee(session, sciences.id, label_fr="Commission Chimie")
        program = factories.program(
            session,
            campaign_id=campaign.id,
            centre_id=sciences.id,
            committee_id=chemistry.id,
            code="MCHIM",
            label_fr="Master Chimie",
            label_en="MSc Chemistry",
            capacity=10,
        )
        other = factories.program(session, campaign_id=campaign.id, code="MHIST", label_fr="Master Histoire")
        created = clock.now() - timedelta(days=3)
        for index in range(12):
            candidate = factories.candidate(session, birth_name=f"CHIMISTE{index:02d}")
            status = DossierStatus.PENDING if index >= 9 else DossierStatus.COMPLETE
            application = factories.application(
                session, candidate_id=candidate.id, program=program, dossier_status=status, created_at=created
            )
            if 4 <= index < 7:
                factories.decision(session, application_id=application.id, kind=DecisionKind.UNFAVORABLE)
                application.last_decision_kind = DecisionKind.UNFAVORABLE
                session.add(application)
            elif 7 <= index < 9:
                factories.published_decision(session, application=application)
        outsider = factories.candidate(session, birth_name="AILLEURS")
        factories.application(session, candidate_id=outsider.id, program=other)
        chemistry_id, program_id = chemistry.id or 0, program.id
        session.commit()
    make_staff("juror", StaffRole.COMMITTEE_MEMBER, "juror", committee_id=chemistry_id)
    make_staff("central", StaffRole.CENTRAL_OFFICE, "central")
    return {"program": program_id}


async def test_a_committee_member_sees_pending_counts_that_open_the_filtered_list(user: User) -> None:
    committee_world()
    await sign_in(user, "juror")
    await user.should_see("4 dossiers reçus en attente d'un avis")
    await user.should_see("3 avis saisis non publiés")
    await click(user, "pending-awaiting")  # the filtered list opens, read in a worker thread: waited for
    await user.should_see("4 candidatures")
    await user.should_see("CHIMISTE00")
    await user.should_not_see("CHIMISTE04")
    await user.open("/gestion")
    await click(user, "pending-unpublished")
    await user.should_see("3 candidatures")
    await user.should_see("CHIMISTE05")


async def test_statistics_tables_and_charts_with_text_alternatives(user: User) -> None:
    world = committee_world()
    await sign_in(user, "central")
    user.find(marker="statistics-link").click()
    await user.should_see("Scolarité centrale — Tout l'établissement")
    await user.should_see("2 groupes, 13 candidatures.")
    await user.should_see("MCHIM — Master Chimie")
    await user.should_see("Taux de remplissage")
    await user.should_see("20,0 %")  # 2 offers for a capacity of 10
    await user.should_see(marker="table-decisions")
    for marker in ("chart-dossiers", "chart-decisions", "chart-fill", "chart-daily"):
        chart = next(iter(user.find(marker=marker).elements))
        assert isinstance(chart, ui.echart)
        assert chart.props["role"] == "img" and "tableau" in chart.props["aria-label"]
    daily = next(iter(user.find(marker="chart-daily").elements))
    assert sum(daily.options["series"][0]["data"]) == 13  # type: ignore[attr-defined]
    chemistry = next(iter(user.find(marker="chart-dossiers").elements))
    assert chemistry.options["yAxis"]["data"][-1] == "MCHIM"  # type: ignore[attr-defined]  # the largest on top
    grouping = next(iter(user.find(marker="grouping").elements))
    grouping.set_value("centre")  # type: ignore[attr-defined]
    await user.should_see("UFR Sciences")
    await user.should_not_see("MCHIM — Master Chimie")
    assert world["program"]


async def test_a_committee_member_counts_only_their_committee_and_a_candidate_is_refused(user: User) -> None:
    committee_world()
    await sign_in(user, "juror")
    await user.open("/gestion/statistiques")
    await user.should_see("1 groupe, 12 candidatures.")
    await user.should_not_see("Master Histoire")


async def test_a_candidate_is_refused(user: User) -> None:
    with new_session() as session:
        factories.account(session, password_hash=hash_password(GOOD), email="cand@mail.example")
        session.commit()
    await user.open("/connexion")
    user.find(marker="login").type("cand@mail.example")
    user.find(marker="password").type(GOOD)
    user.find(marker="sign-in").click()
    await user.should_see(marker="signed-in-name")  # the sign-in has landed (new session, then /candidat)
    await user.open("/gestion/statistiques")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="controls")
