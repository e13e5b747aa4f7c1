"""The scoring screens: a member's « Évaluation » on the application page, the ranking and its proposal, the grid's
administration on the programme's page."""

from datetime import timedelta

from nicegui.testing import User
from sqlmodel import select

from app import clock
from app.db import new_session
from app.models import (
    Application,
    Decision,
    DecisionKind,
    Score,
    ScoringCriterion,
    StaffMember,
    StaffRole,
    StaffRoleAssignment,
)
from app.services.platform.actors import Actor
from app.services.review import staff_list
from app.services.scoring.combine import recompute
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


def world(scored: int = 0) -> dict:
    """A programme (capacity 1, with a waiting list) graded on two criteria, three applications; ``scored`` of them
    already scored by a member « Alice » (12, 16, 8 on the first criterion; 10 on the second)."""
    with new_session() as session:
        program = factories.program(session, capacity=1, label_fr="Master Chimie")
        criteria = [
            factories._add(session, ScoringCriterion(program_id=program.id, label_fr=label, label_en=label + " EN",
                                                     weight=1, scale_max=20, position=index))
            for index, label in enumerate(("Dossier", "Projet"))
        ]  # fmt: skip
        factories.decision_type(session, DecisionKind.FAVORABLE)
        factories.decision_type(session, DecisionKind.WAITING_LIST)
        start = clock.now() - timedelta(days=3)
        applications = [
            factories.application(session, program=program, transmitted_at=start + timedelta(hours=index),
                                  candidate_id=factories.candidate(session, birth_name=f"CANDIDAT{index}").id)
            for index in range(3)
        ]  # fmt: skip
        session.commit()
        ids = {
            "program": program.id,
            "criteria": [c.id for c in criteria],
            "applications": [a.id for a in applications],
        }
        centre, committee = program.centre_id, program.committee_id
    alice = make_staff("alice", StaffRole.COMMITTEE_MEMBER, "Alice", committee_id=committee)
    make_staff("chef", StaffRole.CENTRE_MANAGER, "Chef", centre_id=centre)
    make_staff("bureau", StaffRole.CENTRAL_OFFICE, "Bureau")
    with new_session() as session:
        for application_id, value in list(zip(ids["applications"], (120, 160, 80), strict=True))[:scored]:
            for criterion_id, tenths in zip(ids["criteria"], (value, 100), strict=True):
                session.add(Score(application_id=application_id, criterion_id=criterion_id, staff_id=alice,
                                  value_tenths=tenths))  # fmt: skip
        recompute(session, ids["program"], "mean")
        session.commit()
    return ids


async def test_a_member_scores_with_errors_announced(user: User) -> None:
    ids = world()
    await sign_in(user, "alice")
    first, second = ids["criteria"]
    await user.open(f"/gestion/candidatures/{ids['applications'][0]}")
    await user.should_see("Évaluation")
    await user.should_see("Votre note : grille incomplète / 20")
    user.find(marker=f"score-criterion-{first}").type("21")
    user.find(marker=f"score-criterion-{second}").type("14,5")
    await click(user, "scores-save")
    await user.should_see("saisissez une note de 0 à 20, avec au plus une décimale")
    with new_session() as session:
        assert session.exec(select(Score)).all() == []  # nothing saved from a refused form
    user.find(marker=f"score-criterion-{first}").clear()
    user.find(marker=f"score-criterion-{first}").type("15")
    await click(user, "scores-save")
    await user.should_see("Votre note : 14,75 / 20")
    await user.should_not_see(marker="combined-score")  # a committee member reads their own scores only
    with new_session() as session:
        assert sorted(row.value_tenths for row in session.exec(select(Score)).all()) == [145, 150]
        assert session.get(Application, ids["applications"][0]).score == 14.75


async def test_a_manager_reads_every_member_and_the_combined_score(user: User) -> None:
    ids = world(scored=1)
    await sign_in(user, "chef")
    await user.open(f"/gestion/candidatures/{ids['applications'][0]}")
    await user.should_see("Note combinée : 11 / 20 (Moyenne des membres)")
    await user.should_see(marker="member-scores")
    await user.should_see("Alice")


async def test_the_ranking_proposes_previews_and_enters_once(user: User) -> None:
    ids = world(scored=3)
    first, second, third = ids["applications"]  # scored 11, 13, 9
    await sign_in(user, "chef")
    await user.open("/gestion/classements")
    await user.should_see("Master Chimie — candidatures notées : 3 sur 3")
    await user.open(f"/gestion/classements/{ids['program']}")
    await user.should_see("Places libres : 1")
    user.find(marker="waiting-places").clear()
    user.find(marker="waiting-places").type("2")
    await click(user, "propose")
    await user.should_see("Favorables : 1 ; en liste complémentaire : 2.")
    await click(user, f"exclude-{first}")
    await user.should_see("1 candidature exclue de la proposition.")
    await user.should_see("Favorables : 1 ; en liste complémentaire : 1.")
    user.find(marker="enter-proposal").click()
    user.find(marker="enter-proposal").click()  # a double click enters once
    await user.should_see("Avis saisis, non publiés. Favorables : 1 ; en liste complémentaire : 1.")
    with new_session() as session:
        decisions = {d.application_id: d for d in session.exec(select(Decision)).all()}
    assert set(decisions) == {second, third}
    assert decisions[second].kind == DecisionKind.FAVORABLE and decisions[second].published_at is None
    assert decisions[third].kind == DecisionKind.WAITING_LIST and decisions[third].waiting_list_rank == 1


async def test_a_committee_member_may_not_rank(user: User) -> None:
    ids = world(scored=3)
    await sign_in(user, "alice")
    await user.open("/gestion/classements")
    await user.should_see(marker="no-program")
    await user.open(f"/gestion/classements/{ids['program']}")
    await user.should_not_see(marker="propose")


async def test_the_grid_is_edited_on_the_programme_page(user: User) -> None:
    ids = world(scored=1)
    await sign_in(user, "bureau")
    await user.open(f"/admin/formations/edition?formation={ids['program']}")
    await user.should_see("Grille d'évaluation")
    await user.should_see(marker=f"scored-{ids['criteria'][0]}")  # the scale is locked, and says so
    user.find(marker="label_fr-new").type("Entretien")
    user.find(marker="label_en-new").type("Interview")
    await click(user, "add-criterion")
    await user.should_see("Grille d'évaluation enregistrée.")
    user.find(marker="weight-new").clear()
    await click(user, "add-criterion")
    await user.should_see("Le formulaire contient 1 erreur")
    with new_session() as session:
        labels = [c.label_fr for c in session.exec(select(ScoringCriterion).order_by(ScoringCriterion.position))]
    assert labels == ["Dossier", "Projet", "Entretien"]


async def test_the_staff_list_shows_the_score_and_filters_the_scored(user: User) -> None:
    ids = world(scored=2)
    with new_session() as session:
        chef = session.exec(select(StaffMember).where(StaffMember.login == "chef")).one()
        role = session.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == chef.id)).one()
        actor = Actor("staff", staff_id=chef.id, role_assignment_id=role.id)
        staff_list.save_columns(session, actor=actor, columns=["dossier_number", "birth_name", "score"])
        session.commit()
    await sign_in(user, "chef")
    await user.open("/gestion/candidatures?scored=oui")
    await user.should_see("CANDIDAT1")
    await user.should_see("CANDIDAT0")
    await user.should_not_see("CANDIDAT2")  # not scored
    await user.open("/gestion/candidatures?scored=non")
    await user.should_see("CANDIDAT2")
    await user.should_not_see("CANDIDAT0")
    assert len(ids["applications"]) == 3
