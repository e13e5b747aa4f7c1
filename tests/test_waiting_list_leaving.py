"""Leaving the waiting list (« Me retirer de la liste complémentaire »): the same irreversible answer as a
withdrawal, its own mail, the committee alerted, the ranks of those still waiting moving up, and nothing else."""

import pytest
from sqlmodel import Session, select

from app.models import AnswerKind, CandidateAnswer, Committee, DecisionKind, OutboxMail, StaffRole
from app.services.decisions.answers import answer_view, leave_waiting_list
from app.services.decisions.staff_decisions import enter_decision
from app.services.decisions.waiting_list import live_offer_count
from app.services.platform.errors import DomainError
from tests import factories
from tests.test_waiting_list import build


def mails(session: Session, application_id: int) -> list[OutboxMail]:
    return list(session.exec(select(OutboxMail).where(OutboxMail.application_id == application_id)))


def test_leaving_moves_the_others_up_mails_the_candidate_and_alerts_the_committee(session: Session, clock) -> None:
    world = build(session, capacity=1, offers=1, waiting=3)
    (first_candidate, first), (_, second), (_, third) = world["waiters"]
    actor = factories.candidate_actor(session, first_candidate)
    assert answer_view(session, actor=actor, application_id=first.id).can_leave_waiting_list
    for _click in range(2):  # a double click leaves once
        leave_waiting_list(session, actor=actor, application_id=first.id, reason="Admis ailleurs")
        session.commit()
    [answer] = session.exec(select(CandidateAnswer).where(CandidateAnswer.application_id == first.id)).all()
    assert (answer.kind, answer.reason, answer.automatic) == (AnswerKind.WITHDRAWN, "Admis ailleurs", False)
    for application in (first, second, third):
        session.refresh(application)
    assert first.answer == AnswerKind.WITHDRAWN and first.waiting_list_rank is None
    assert (second.waiting_list_rank, third.waiting_list_rank) == (1, 2)
    sent = mails(session, first.id)
    assert sorted(mail.code for mail in sent) == ["committee_withdrawal", "waiting_list_left"]
    alert = next(mail for mail in sent if mail.code == "committee_withdrawal")
    assert "s'est retiré(e) de la liste complémentaire" in alert.body_html and "Admis ailleurs" in alert.body_html
    assert live_offer_count(session, world["program"].id) == 1  # no place was freed: nobody is called
    assert not session.exec(select(OutboxMail).where(OutboxMail.code == "decision_waiting_list_call")).all()
    view = answer_view(session, actor=actor, application_id=first.id)
    assert not view.can_leave_waiting_list and view.waiting_rank is None


def test_a_committee_that_asks_no_withdrawal_alert_gets_none(session: Session, clock) -> None:
    world = build(session, capacity=1, offers=1, waiting=1)
    candidate, application = world["waiters"][0]
    committee = session.get(Committee, application.committee_id)
    assert committee is not None
    committee.alert_on_withdrawal = False
    session.add(committee)
    session.commit()
    leave_waiting_list(session, actor=factories.candidate_actor(session, candidate), application_id=application.id)
    session.commit()
    assert [mail.code for mail in mails(session, application.id)] == ["waiting_list_left"]


def test_only_a_candidate_still_waiting_can_leave(session: Session, clock) -> None:
    world = build(session, capacity=1, offers=1, waiting=1)
    holder, held = world["holders"][0]
    actor = factories.candidate_actor(session, holder)
    assert not answer_view(session, actor=actor, application_id=held.id).can_leave_waiting_list
    with pytest.raises(DomainError) as error:
        leave_waiting_list(session, actor=actor, application_id=held.id)
    assert error.value.code == "not_on_waiting_list"
    _, waiting = world["waiters"][0]
    stranger = factories.candidate_actor(session, factories.complete_candidate(session))
    with pytest.raises(DomainError) as error:
        leave_waiting_list(session, actor=stranger, application_id=waiting.id)
    assert error.value.code == "not_found"
    assert waiting.answer is None


def test_once_left_no_decision_can_be_entered(session: Session, clock) -> None:
    world = build(session, capacity=1, offers=1, waiting=1)
    waiter, waiting = world["waiters"][0]
    leave_waiting_list(session, actor=factories.candidate_actor(session, waiter), application_id=waiting.id)
    session.commit()
    favorable = factories.decision_type(session, DecisionKind.FAVORABLE)
    with pytest.raises(DomainError) as error:
        enter_decision(
            session,
            actor=factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=waiting.centre_id),
            application_id=waiting.id,
            decision_type_id=favorable.id,
        )
    assert error.value.code == "withdrawn"
