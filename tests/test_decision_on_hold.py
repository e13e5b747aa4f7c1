"""« Liste d'attente » (eCandidat's AVIS_LISTE_ATT), distinct from the ranked « liste complémentaire »
(AVIS_LISTE_COMP): its own decision kind and mail, no rank, never called, and the candidate may leave it."""

from sqlmodel import Session, select

from app.models import AnswerKind, DecisionKind, OutboxMail, StaffRole
from app.services.decisions.answers import answer_view, leave_waiting_list, withdraw
from app.services.decisions.letters import letter_available
from app.services.decisions.staff_decisions import enter_decision, publish_decision
from tests import factories
from tests.test_waiting_list import build


def on_hold(session: Session, world: dict):
    """A fresh candidate of the programme put on hold by a published decision of the new kind."""
    program = world["program"]
    candidate = factories.complete_candidate(session)
    application = factories.application(session, candidate_id=candidate.id, program=program)
    hold_type = factories.decision_type(session, DecisionKind.ON_HOLD, label_fr="Liste d'attente")
    staff = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=program.centre_id)
    session.commit()
    entered = enter_decision(
        session, actor=staff, application_id=application.id, decision_type_id=hold_type.id, waiting_list_rank=4
    )
    decision = publish_decision(session, actor=staff, decision_id=entered.id or 0)
    session.commit()
    return candidate, application, decision


def mails(session: Session, application_id: int) -> dict[str, OutboxMail]:
    return {m.code: m for m in session.exec(select(OutboxMail).where(OutboxMail.application_id == application_id))}


def test_on_hold_is_its_own_decision_with_its_own_mail_and_no_rank(session: Session, clock) -> None:
    world = build(session, capacity=1, offers=1, waiting=1)
    candidate, application, decision = on_hold(session, world)
    assert decision.kind == DecisionKind.ON_HOLD and decision.waiting_list_rank is None  # a rank is not kept
    sent = mails(session, application.id)
    assert list(sent) == ["decision_on_hold"]
    assert "liste d'attente" in sent["decision_on_hold"].body_html
    actor = factories.candidate_actor(session, candidate)
    assert not letter_available(session, actor=actor, application_id=application.id)
    view = answer_view(session, actor=actor, application_id=application.id)
    assert view.on_hold and view.can_leave_waiting_list and view.waiting_rank is None and not view.has_offer
    # A place frees: the ranked list is called, never a candidate on hold.
    holder, held = world["holders"][0]
    withdraw(session, actor=factories.candidate_actor(session, holder), application_id=held.id)
    session.commit()
    session.refresh(application)
    assert application.called_from_waiting_list_at is None
    assert world["waiters"][0][1].id in {
        m.application_id
        for m in session.exec(select(OutboxMail).where(OutboxMail.code == "decision_waiting_list_call"))
    }


def test_the_candidate_leaves_the_waiting_list_in_its_own_words(session: Session, clock) -> None:
    world = build(session, capacity=1, offers=1, waiting=0)
    candidate, application, _ = on_hold(session, world)
    leave_waiting_list(session, actor=factories.candidate_actor(session, candidate), application_id=application.id)
    session.commit()
    session.refresh(application)
    assert application.answer == AnswerKind.WITHDRAWN
    sent = mails(session, application.id)
    assert sent["waiting_list_left"].subject.startswith("Retrait de la liste d'attente")
    assert "s'est retiré(e) de la liste d'attente" in sent["committee_withdrawal"].body_html
