"""The candidate's answer: confirm before the deadline (edges), withdraw (irreversible), double clicks, the option."""

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app import clock as app_clock
from app.models import AnswerKind, CandidateAnswer, DecisionKind, OutboxMail
from app.services.decisions.answers import answer_view, confirm_offer, withdraw
from app.services.platform.errors import DomainError
from tests import factories

DEADLINE = app_clock.paris_datetime(2026, 6, 8, 23, 59, 59)


def codes(session: Session, application_id: int) -> list[str]:
    return list(session.exec(select(OutboxMail.code).where(OutboxMail.application_id == application_id)).all())


def answers(session: Session, application_id: int) -> list[CandidateAnswer]:
    return list(session.exec(select(CandidateAnswer).where(CandidateAnswer.application_id == application_id)).all())


@pytest.fixture
def offer(session: Session, clock) -> dict:
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    program = factories.program(session, capacity=5)
    candidate = factories.complete_candidate(session)
    application = factories.application(session, candidate_id=candidate.id, program=program)
    factories.published_decision(session, application=application, confirmation_deadline=DEADLINE)
    session.commit()
    return {"application": application, "actor": factories.candidate_actor(session, candidate), "candidate": candidate}


def test_confirm_at_the_deadline_is_accepted_and_a_double_click_answers_once(session: Session, offer, clock) -> None:
    clock.set(DEADLINE)
    application_id = offer["application"].id
    view = answer_view(session, actor=offer["actor"], application_id=application_id)
    assert view.can_confirm and view.deadline == DEADLINE and view.days_left == 0
    for _click in range(2):
        confirmed = confirm_offer(session, actor=offer["actor"], application_id=application_id)
        session.commit()
    assert confirmed.answer == AnswerKind.CONFIRMED
    assert [answer.kind for answer in answers(session, application_id)] == [AnswerKind.CONFIRMED]
    assert codes(session, application_id).count("application_confirmed") == 1


def test_confirm_after_the_deadline_is_refused_but_withdrawing_is_not(session: Session, offer, clock) -> None:
    clock.set(DEADLINE + timedelta(seconds=1))
    application_id = offer["application"].id
    assert not answer_view(session, actor=offer["actor"], application_id=application_id).can_confirm
    with pytest.raises(DomainError) as error:
        confirm_offer(session, actor=offer["actor"], application_id=application_id)
    assert error.value.code == "deadline_passed"
    session.rollback()
    withdraw(session, actor=offer["actor"], application_id=application_id, reason="Autre formation")
    session.commit()
    assert offer["application"].answer == AnswerKind.WITHDRAWN


def test_a_per_candidate_override_moves_the_deadline(session: Session, offer, clock) -> None:
    offer["application"].confirmation_by_override = DEADLINE + timedelta(days=3)
    session.add(offer["application"])
    session.commit()
    clock.set(DEADLINE + timedelta(days=1))
    view = answer_view(session, actor=offer["actor"], application_id=offer["application"].id)
    assert view.can_confirm and view.days_left == 2
    confirm_offer(session, actor=offer["actor"], application_id=offer["application"].id)


def test_withdrawal_after_confirming_is_irreversible_and_alerts_the_committee(session: Session, offer) -> None:
    application_id = offer["application"].id
    confirm_offer(session, actor=offer["actor"], application_id=application_id)
    session.commit()
    for _click in range(2):
        withdraw(session, actor=offer["actor"], application_id=application_id, reason="J'ai choisi une autre voie.")
        session.commit()
    assert [a.kind for a in answers(session, application_id)] == [AnswerKind.CONFIRMED, AnswerKind.WITHDRAWN]
    assert answers(session, application_id)[1].reason == "J'ai choisi une autre voie."
    sent = codes(session, application_id)
    assert sent.count("application_withdrawn") == 1 and sent.count("committee_withdrawal") == 1
    with pytest.raises(DomainError) as error:
        confirm_offer(session, actor=offer["actor"], application_id=application_id)
    assert error.value.code == "already_withdrawn"
    view = answer_view(session, actor=offer["actor"], application_id=application_id)
    assert not view.can_confirm and not view.can_withdraw


def test_no_answer_without_a_published_offer(session: Session, clock) -> None:
    program = factories.program(session)
    candidate = factories.complete_candidate(session)
    application = factories.application(session, candidate_id=candidate.id, program=program)
    factories.decision(session, application_id=application.id)  # entered, not published
    session.commit()
    actor = factories.candidate_actor(session, candidate)
    for action in (confirm_offer, withdraw):
        with pytest.raises(DomainError) as error:
            action(session, actor=actor, application_id=application.id)
        assert error.value.code == "no_offer"
    other = factories.candidate_actor(session, factories.complete_candidate(session))
    with pytest.raises(DomainError) as error:
        confirm_offer(session, actor=other, application_id=application.id)
    assert error.value.code == "not_found"


def test_definitive_acceptance_withdraws_the_other_applications(session: Session, clock) -> None:
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    campaign = factories.campaign(session, definitive_acceptance=True)
    candidate = factories.complete_candidate(session)
    apps = [
        factories.application(
            session, candidate_id=candidate.id, program=factories.program(session, campaign_id=campaign.id)
        )
        for _ in range(3)
    ]
    for application in apps[:2]:
        factories.published_decision(session, application=application, confirmation_deadline=DEADLINE)
    factories.published_decision(session, application=apps[2], kind=DecisionKind.WAITING_LIST, rank=4)
    session.commit()
    actor = factories.candidate_actor(session, candidate)
    assert answer_view(session, actor=actor, application_id=apps[0].id).provisional_allowed

    confirm_offer(session, actor=actor, application_id=apps[0].id, provisional=True)
    confirm_offer(session, actor=actor, application_id=apps[1].id, provisional=True)
    session.commit()
    # At most one provisional acceptance: the newer one released the older.
    assert [a.answer for a in apps] == [AnswerKind.WITHDRAWN, AnswerKind.PROVISIONAL, None]

    confirm_offer(session, actor=actor, application_id=apps[1].id)
    session.commit()
    assert [a.answer for a in apps] == [AnswerKind.WITHDRAWN, AnswerKind.CONFIRMED, AnswerKind.WITHDRAWN]
    # The provisional acceptance's mail says it is provisional and until when; the definitive one does not.
    subjects = session.exec(
        select(OutboxMail.subject, OutboxMail.body_text)
        .where(OutboxMail.application_id == apps[1].id, OutboxMail.code == "application_confirmed")
        .order_by(OutboxMail.id)
    ).all()
    assert [subject.split(" :")[0] for subject, _ in subjects] == [
        "Acceptation provisoire enregistrée",
        "Confirmation enregistrée",
    ]
    assert "à titre provisoire" in subjects[0][1] and "8 juin 2026" in subjects[0][1]
    assert "à titre provisoire" not in subjects[1][1]


def test_provisional_acceptance_needs_the_campaign_option(session: Session, offer) -> None:
    with pytest.raises(DomainError) as error:
        confirm_offer(session, actor=offer["actor"], application_id=offer["application"].id, provisional=True)
    assert error.value.code == "no_provisional"


def test_the_list_tells_the_answer_and_drops_the_deadlines_that_no_longer_apply(session: Session, offer, clock) -> None:
    from app.models import DossierStatus
    from app.services.applications.views import list_my_applications
    from app.services.decisions.jobs import withdraw_expired_offers

    def row() -> Any:
        session.expire_all()
        [found] = list_my_applications(session, actor=offer["actor"])
        return found

    application = offer["application"]
    waiting = row()
    assert (waiting.answer, waiting.confirmation_applies, waiting.return_date_applies) == (None, True, True)
    confirm_offer(session, actor=offer["actor"], application_id=application.id)
    session.commit()
    confirmed = row()
    assert (confirmed.answer, confirmed.answer_at) == (AnswerKind.CONFIRMED, app_clock.now())
    assert not confirmed.confirmation_applies  # the answer replaces « Confirmer avant le »
    application.dossier_status = DossierStatus.COMPLETE
    session.add(application)
    session.commit()
    assert not row().return_date_applies  # nothing left to return

    # Left unanswered past its deadline: the deadline job's withdrawal is told apart from the candidate's own.
    same = {key: getattr(application, key) for key in ("campaign_id", "centre_id", "committee_id")}
    program = factories.program(session, capacity=5, **same)
    other = factories.application(session, candidate_id=offer["candidate"].id, program=program)
    factories.published_decision(session, application=other, confirmation_deadline=DEADLINE)
    session.commit()
    clock.set(DEADLINE + timedelta(seconds=1))
    withdraw_expired_offers(session, clock.now())
    session.commit()
    session.expire_all()
    rows = {found.id: found for found in list_my_applications(session, actor=offer["actor"])}
    assert rows[other.id].answer == AnswerKind.WITHDRAWN and rows[other.id].withdrawn_automatically
    assert not rows[application.id].withdrawn_automatically and not rows[other.id].confirmation_applies
