"""« Avis des commissions » on the staff application page and « Commissions d'examen » on the programme's page
(issue #22 item 1): an examining committee's member enters its opinion; the manager reads it, and the decision
waits for the required ones; the programme's committees are listed and saved."""

from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction
from sqlmodel import select

from app.db import new_session
from app.models import CommitteeOpinion, DecisionKind, OpinionKind, ProgramCommittee, StaffRole
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


def seed() -> dict:
    with new_session() as session:
        centre = factories.centre(session, managers_edit_offer=True)
        own = factories.committee(session, centre.id, label_fr="Jury du master")
        teaching = factories.committee(session, centre.id, label_fr="Commission pédagogique")
        director = factories.committee(session, centre.id, label_fr="Direction des études")
        program = factories.program(session, centre_id=centre.id, committee_id=own.id)
        session.add(
            ProgramCommittee(
                program_id=program.id, committee_id=teaching.id, role_fr="Examen pédagogique", role_en="Teaching review"
            )
        )
        candidate = factories.complete_candidate(session)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        factories.decision_type(session, DecisionKind.FAVORABLE, label_fr="Avis favorable")
        session.commit()
        ids = {
            "application": application.id,
            "program": program.id,
            "centre": centre.id,
            "teaching": teaching.id,
            "director": director.id,
        }
    make_staff("prof", StaffRole.COMMITTEE_MEMBER, "Paule Prof", committee_id=ids["teaching"])
    make_staff("gest", StaffRole.CENTRE_MANAGER, "Gérard Gest", centre_id=ids["centre"])
    return ids


async def test_a_member_enters_the_opinion_of_their_committee_and_the_manager_reads_it(user: User) -> None:
    ids = seed()
    await sign_in(user, "prof")
    await user.open(f"/gestion/candidatures/{ids['application']}")
    await user.should_see("Avis des commissions")
    await user.should_see("Avis requis manquants\u00a0: Commission pédagogique.")
    await user.should_not_see(marker="panel-enter")  # an examining committee gives its opinion, not the decision
    await click(user, "opinion-save")  # nothing chosen: said, nothing saved
    await user.should_see("Choisissez un avis\u00a0: favorable, réservé ou défavorable.")
    user.find("Réservé").click()
    user.find(marker="opinion-comment").type("Projet à préciser.")
    await click(user, "opinion-save")
    await user.should_see("Avis enregistré.")
    with new_session() as session:
        [opinion] = session.exec(select(CommitteeOpinion)).all()
        assert (opinion.opinion, opinion.comment) == (OpinionKind.RESERVED, "Projet à préciser.")
    await user.should_see("Paule Prof, le", retries=50)  # the page redrew from the committed change


async def test_the_manager_is_told_which_opinions_the_decision_waits_for(user: User) -> None:
    ids = seed()
    await sign_in(user, "gest")
    await user.open(f"/gestion/candidatures/{ids['application']}")
    await user.should_see("En attente")  # the teaching committee's opinion, not given yet
    await user.should_not_see(marker="opinion-save")  # a manager reads the opinions, the committees give them
    user.find(marker="panel-type").click()
    user.find("Avis favorable").click()
    await click(user, "panel-enter")
    await user.should_see(
        "Avis requis manquants\u00a0: Commission pédagogique. La décision sera saisie une fois ces avis"
    )


async def test_the_programme_page_lists_and_saves_its_examining_committees(user: User) -> None:
    ids = seed()
    await sign_in(user, "gest")
    await user.open(f"/admin/formations/edition?formation={ids['program']}")
    await user.should_see("Commissions d'examen")
    await user.should_see(marker="examining-row")
    user.find(marker="examining-add-committee").click()
    user.find("Direction des études").click()
    user.find(marker="examining-add-role").type("Avis du directeur")
    await click(user, "examining-add")
    final = user.find(marker="examining-final")
    final.click()  # opens the list; then its option (the row's own label « Direction des études » comes first)
    UserInteraction(user, final.elements, "Direction des études").click()
    await click(user, "examining-save")
    await user.should_see("Commissions d'examen enregistrées.")
    with new_session() as session:
        rows = session.exec(select(ProgramCommittee).order_by(ProgramCommittee.position)).all()
        assert [(row.committee_id, row.role_fr, row.is_final) for row in rows] == [
            (ids["teaching"], "Examen pédagogique", False),
            (ids["director"], "Avis du directeur", True),
        ]


async def test_the_statistics_show_the_opinions_per_committee(user: User) -> None:
    ids = seed()
    with new_session() as session:
        session.add(
            CommitteeOpinion(
                application_id=ids["application"], committee_id=ids["teaching"], opinion=OpinionKind.FAVOURABLE
            )
        )
        session.commit()
    await sign_in(user, "gest")
    await user.open("/gestion/statistiques")
    await user.should_see("Avis des commissions d'examen par formation")
    await user.should_see(marker="table-opinions")
    await user.should_see("Examen pédagogique")
