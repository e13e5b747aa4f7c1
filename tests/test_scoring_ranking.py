"""The ranking by combined score and the decisions it proposes, entered in one step through the bulk entry."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app import clock
from app.models import (
    Application,
    AuditEvent,
    Decision,
    DecisionKind,
    OpinionKind,
    ProgramCommittee,
    ScoringCriterion,
    StaffRole,
)
from app.services.decisions.opinions import enter_opinion
from app.services.platform.errors import DomainError, NotFound
from app.services.scoring.ranking import FAVORABLE, WAITING, enter_proposal, program_ranking, propose
from app.services.scoring.scores import enter_scores
from tests import factories

ASKED = {"waiting_places": 2, "excluded": set()}
NO_WAITING = {"waiting_places": 0, "excluded": set()}
SCORES = ["12", "18", "15", "9", None, "15"]  # one unscored; two tied at 15


@pytest.fixture
def world(session: Session) -> dict:
    """A programme of capacity 3 with one favourable decision entered already, and six applications scored."""
    program = factories.program(session, capacity=3)
    criterion = factories._add(session, ScoringCriterion(program_id=program.id, label_fr="Dossier", label_en="File"))
    favourable = factories.decision_type(session, DecisionKind.FAVORABLE)
    factories.decision_type(session, DecisionKind.WAITING_LIST)
    start = clock.now() - timedelta(days=5)
    applications = [
        factories.application(
            session,
            candidate_id=factories.candidate(session).id,
            program=program,
            transmitted_at=start + timedelta(hours=i),
        )
        for i in range(len(SCORES) + 1)
    ]
    admitted = applications.pop()  # already favourable (entered): it holds one of the three places
    factories._add(session, Decision(application_id=admitted.id, decision_type_id=favourable.id,
                                     kind=DecisionKind.FAVORABLE, entered_at=clock.now()))  # fmt: skip
    admitted.last_decision_kind = DecisionKind.FAVORABLE
    session.add(admitted)
    member = factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=program.committee_id)
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=program.centre_id)
    session.commit()
    for application, typed in zip(applications, SCORES, strict=True):
        if typed is not None:
            enter_scores(session, actor=member, application_id=application.id, values={criterion.id: typed})
    session.commit()
    return {"program": program, "applications": applications, "admitted": admitted, "manager": manager,
            "member": member, "criterion": criterion}  # fmt: skip


def test_the_ranking_orders_by_score_then_transmission_unscored_last(session: Session, world: dict) -> None:
    apps = world["applications"]
    view = program_ranking(session, actor=world["manager"], program_id=world["program"].id)
    scored_order = [apps[1].id, apps[2].id, apps[5].id, apps[0].id, apps[3].id]  # 18, 15 (earlier), 15, 12, 9
    assert [row.application_id for row in view.rows if row.score is not None] == scored_order
    assert [row.position for row in view.rows[:5]] == [1, 2, 3, 4, 5]
    unscored = {row.application_id for row in view.rows[5:] if row.position is None}
    assert unscored == {apps[4].id, world["admitted"].id}
    assert (view.capacity, view.favourable, view.free_places) == (3, 1, 2)


def test_the_proposal_fills_the_free_places_then_the_waiting_list(session: Session, world: dict) -> None:
    apps = world["applications"]
    proposal = propose(session, actor=world["manager"], program_id=world["program"].id, waiting_places=2,
                       excluded={apps[2].id})  # fmt: skip
    assert [(row.application_id, row.kind, row.waiting_rank) for row in proposal.rows] == [
        (apps[1].id, FAVORABLE, None),
        (apps[5].id, FAVORABLE, None),
        (apps[0].id, WAITING, 1),
        (apps[3].id, WAITING, 2),
    ]
    assert proposal.excluded == [apps[2].id]


def test_entering_writes_unpublished_decisions_once(session: Session, world: dict) -> None:
    program, apps, manager = world["program"], world["applications"], world["manager"]
    proposal = propose(session, actor=manager, program_id=program.id, **ASKED)
    result = enter_proposal(session, actor=manager, program_id=program.id, rows=proposal.rows, **ASKED)
    session.commit()
    assert (result.favourable, result.waiting, result.refused) == (2, 2, [])
    decisions = {d.application_id: d for d in session.exec(select(Decision)).all()}
    assert decisions[apps[1].id].kind == DecisionKind.FAVORABLE and decisions[apps[1].id].published_at is None
    assert [decisions[apps[i].id].waiting_list_rank for i in (5, 0)] == [1, 2]  # the waiting list in rank order
    assert apps[3].id not in decisions and apps[4].id not in decisions
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "decision.ranking_entered")).all()
    assert len(events) == 2
    # A second click on the same preview finds the decisions entered: refused row by row, nothing entered twice.
    again = enter_proposal(session, actor=manager, program_id=program.id, rows=proposal.rows, **ASKED)
    session.commit()
    assert len(again.refused) == 4 and {reason.code for _label, reason in again.refused} == {"decided"}
    assert len(session.exec(select(Decision)).all()) == 5


def test_a_row_changed_since_the_preview_refuses_the_whole_entry(session: Session, world: dict) -> None:
    program, apps, manager = world["program"], world["applications"], world["manager"]
    proposal = propose(session, actor=manager, program_id=program.id, **ASKED)
    criterion = world["criterion"].id
    enter_scores(session, actor=world["member"], application_id=apps[5].id, values={criterion: "16"})
    session.commit()
    result = enter_proposal(session, actor=manager, program_id=program.id, rows=proposal.rows, **ASKED)
    session.commit()
    assert [reason.code for _label, reason in result.refused] == ["score_changed"]
    # A score raised outside the preview moves the ranking: the application that now belongs is named.
    proposal = propose(session, actor=manager, program_id=program.id, **ASKED)
    enter_scores(session, actor=world["member"], application_id=apps[3].id, values={criterion: "20"})
    session.commit()
    result = enter_proposal(session, actor=manager, program_id=program.id, rows=proposal.rows, **ASKED)
    session.commit()
    assert {reason.code for _label, reason in result.refused} == {"ranked"}
    assert len(session.exec(select(Decision)).all()) == 1  # only the decision made before


def test_without_free_places_nor_waiting_places_nothing_is_proposed(session: Session, world: dict) -> None:
    program = world["program"]
    program.capacity = 1  # held by the favourable decision already entered
    session.add(program)
    session.commit()
    with pytest.raises(DomainError) as refused:
        propose(session, actor=world["manager"], program_id=program.id, **NO_WAITING)
    assert refused.value.code == "no_place"


def test_without_capacity_nothing_is_proposed(session: Session, world: dict) -> None:
    program = world["program"]
    program.capacity = None
    session.add(program)
    session.commit()
    with pytest.raises(DomainError) as refused:
        propose(session, actor=world["manager"], program_id=program.id, waiting_places=0, excluded=set())
    assert refused.value.code == "no_capacity"


RANKERS = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE, StaffRole.CENTRE_MANAGER)
# Who may: the programme's managers and the institution; who may not: another centre's manager, a committee member.
SCOPES = [(role, True) for role in (*RANKERS, StaffRole.COMMITTEE_MEMBER)] + [(StaffRole.CENTRE_MANAGER, False)]


@pytest.mark.parametrize(("role", "scoped"), SCOPES)
def test_who_may_rank_and_enter(session: Session, world: dict, role: StaffRole, scoped: bool) -> None:
    program, allowed = world["program"], scoped and role in RANKERS
    scope = {}
    if role == StaffRole.CENTRE_MANAGER:
        scope = {"centre_id": program.centre_id if scoped else factories.centre(session).id}
    elif role == StaffRole.COMMITTEE_MEMBER:
        scope = {"committee_id": program.committee_id}
    actor = factories.staff_actor(session, role, **scope)
    session.commit()
    if allowed:
        rows = propose(session, actor=actor, program_id=program.id, waiting_places=0, excluded=set()).rows
        assert enter_proposal(session, actor=actor, program_id=program.id, rows=rows, **NO_WAITING).favourable == 2
    else:
        with pytest.raises(NotFound):
            program_ranking(session, actor=actor, program_id=program.id)
        rows = propose(session, actor=world["manager"], program_id=program.id, waiting_places=0, excluded=set()).rows
        with pytest.raises(NotFound):
            enter_proposal(session, actor=actor, program_id=program.id, rows=rows, **NO_WAITING)
    assert session.get(Application, world["applications"][0].id) is not None


def test_an_application_awaiting_a_required_opinion_is_ranked_but_not_proposed(session: Session, world: dict) -> None:
    """With several committees (issue #22 item 1): its decision could not be entered yet, so the proposal passes over
    it and the ranking says which committee it awaits; once the opinion is in, it is proposed again."""
    program, apps = world["program"], world["applications"]
    teaching = factories.committee(session, program.centre_id, label_fr="Commission pédagogique")
    session.add(ProgramCommittee(program_id=program.id, committee_id=teaching.id, role_fr="Examen pédagogique",
                                 role_en="Teaching review", required=True, position=0))  # fmt: skip
    teacher = factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=teaching.id)
    session.commit()
    for application in (apps[2], apps[5]):  # the two at 15 get the required opinion; the best (18) does not
        enter_opinion(session, actor=teacher, application_id=application.id, opinion=OpinionKind.FAVOURABLE.value)
    session.commit()

    view = program_ranking(session, actor=world["manager"], program_id=program.id)
    awaiting = {row.application_id: row.awaiting for row in view.rows if row.awaiting}
    assert awaiting[apps[1].id] == ("Commission pédagogique",) and apps[2].id not in awaiting
    proposal = propose(session, actor=world["manager"], program_id=program.id, **NO_WAITING)
    assert [row.application_id for row in proposal.rows] == [apps[2].id, apps[5].id]

    enter_opinion(session, actor=teacher, application_id=apps[1].id, opinion=OpinionKind.FAVOURABLE.value)
    session.commit()
    proposal = propose(session, actor=world["manager"], program_id=program.id, **NO_WAITING)
    assert [row.application_id for row in proposal.rows] == [apps[1].id, apps[2].id]
