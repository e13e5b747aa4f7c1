"""The offer jobs: the reminder once per deadline; the automatic withdrawal at the deadline edge, acting once."""

import threading
from datetime import timedelta

from sqlmodel import Session, col, select

from app import clock as app_clock
from app.db import transaction
from app.models import (
    AnswerKind,
    Application,
    AuditEvent,
    Campaign,
    Candidate,
    CandidateAnswer,
    DecisionKind,
    OutboxMail,
)
from app.services.decisions.answers import confirm_offer
from app.services.decisions.jobs import (
    REMINDER_JOB,
    WITHDRAWAL_JOB,
    send_confirmation_reminders,
    withdraw_expired_offers,
)
from app.services.platform import jobs
from tests import factories

DEADLINE = app_clock.paris_datetime(2026, 6, 8, 23, 59, 59)


def build(session: Session, offers: int = 1) -> dict:
    app_clock.set_now(DEADLINE - timedelta(days=7))  # published a week before the deadline
    call_type = factories.decision_type(session, DecisionKind.FAVORABLE)
    program = factories.program(session, capacity=offers, waiting_list_call_decision_type_id=call_type.id)
    held = []
    for _ in range(offers):
        application = factories.application(
            session, candidate_id=factories.complete_candidate(session).id, program=program
        )
        factories.published_decision(session, application=application, confirmation_deadline=DEADLINE)
        held.append(application)
    waiting = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
    factories.published_decision(session, application=waiting, kind=DecisionKind.WAITING_LIST, rank=1)
    session.commit()
    return {"held": held, "waiting": waiting}


def count(session: Session, code: str) -> int:
    return len(session.exec(select(OutboxMail.id).where(OutboxMail.code == code)).all())


def test_the_reminder_is_sent_once_per_deadline(session: Session, clock) -> None:
    world = build(session)
    clock.set(DEADLINE - timedelta(days=3))
    with transaction() as tx:
        assert send_confirmation_reminders(tx, clock.now())[0] == 0  # not yet within the 2 days
    clock.set(DEADLINE - timedelta(days=1))
    for _run in range(2):
        with transaction() as tx:
            send_confirmation_reminders(tx, clock.now())
    assert count(session, "confirmation_reminder") == 1
    # A later deadline granted to the candidate earns a new reminder.
    session.expire_all()
    application = session.get(Application, world["held"][0].id)
    application.confirmation_by_override = DEADLINE + timedelta(hours=12)
    session.add(application)
    session.commit()
    with transaction() as tx:
        send_confirmation_reminders(tx, clock.now())
    assert count(session, "confirmation_reminder") == 2


def test_automatic_withdrawal_at_the_deadline_edge_then_the_waiting_list_call(session: Session, clock) -> None:
    world = build(session)
    clock.set(DEADLINE)
    with transaction() as tx:
        assert withdraw_expired_offers(tx, clock.now())[0] == 0  # at the deadline itself, still time to confirm
    clock.set(DEADLINE + timedelta(seconds=1))
    with transaction() as tx:
        assert withdraw_expired_offers(tx, clock.now())[0] == 1
    session.expire_all()
    held = session.get(Application, world["held"][0].id)
    waiting = session.get(Application, world["waiting"].id)
    assert held.answer == AnswerKind.WITHDRAWN
    [answer] = session.exec(select(CandidateAnswer).where(CandidateAnswer.application_id == held.id)).all()
    assert answer.automatic and answer.kind == AnswerKind.WITHDRAWN
    assert count(session, "application_withdrawn_automatically") == 1
    assert waiting.called_from_waiting_list_at is not None
    assert count(session, "decision_waiting_list_call") == 1


def test_the_withdrawal_started_twice_at_once_acts_once(session: Session, clock) -> None:
    world = build(session, offers=5)
    clock.set(DEADLINE + timedelta(minutes=1))
    barrier = threading.Barrier(2)
    processed: list[int] = []

    def run() -> None:
        barrier.wait(timeout=30)
        with transaction() as tx:
            processed.append(withdraw_expired_offers(tx, app_clock.now())[0])

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(processed) == 5
    automatic = session.exec(select(CandidateAnswer.application_id).where(col(CandidateAnswer.automatic))).all()
    assert sorted(automatic) == sorted(a.id for a in world["held"])
    assert count(session, "application_withdrawn_automatically") == 5
    assert count(session, "decision_waiting_list_call") == 1


def test_both_jobs_are_registered(database_url: str) -> None:
    registered = jobs.registered_jobs()
    assert {REMINDER_JOB, WITHDRAWAL_JOB} <= set(registered)
    run = jobs.run_job(WITHDRAWAL_JOB, worker="test")
    assert run is not None and run.status == "succeeded"


# --- Provisional acceptances (« oui, mais »): reminded, then withdrawn at the deadline --------------------------------


def provisional(session: Session) -> dict:
    """``build``'s world in a campaign with the definitive-acceptance option, the offer accepted provisionally."""
    app_clock.set_now(DEADLINE - timedelta(days=7))
    campaign = factories.campaign(session, definitive_acceptance=True)
    call_type = factories.decision_type(session, DecisionKind.FAVORABLE)
    program = factories.program(
        session, campaign_id=campaign.id, capacity=2, waiting_list_call_decision_type_id=call_type.id
    )
    held, candidates = [], []
    for _ in range(2):
        candidate = factories.complete_candidate(session)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        factories.published_decision(session, application=application, confirmation_deadline=DEADLINE)
        held.append(application)
        candidates.append(candidate)
    waiting = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
    factories.published_decision(session, application=waiting, kind=DecisionKind.WAITING_LIST, rank=1)
    session.commit()
    # The first accepts provisionally, the second definitively.
    confirm_offer(
        session, actor=factories.candidate_actor(session, candidates[0]), application_id=held[0].id, provisional=True
    )
    confirm_offer(session, actor=factories.candidate_actor(session, candidates[1]), application_id=held[1].id)
    session.commit()
    return {"provisional": held[0], "confirmed": held[1], "waiting": waiting}


def test_a_provisional_acceptance_is_reminded_once_per_deadline(session: Session, clock) -> None:
    world = provisional(session)
    clock.set(DEADLINE - timedelta(days=1))
    for _run in range(2):
        with transaction() as tx:
            send_confirmation_reminders(tx, clock.now())
    assert count(session, "provisional_acceptance_reminder") == 1  # the definitive acceptance is not reminded
    assert count(session, "confirmation_reminder") == 0
    [mail] = session.exec(select(OutboxMail).where(OutboxMail.code == "provisional_acceptance_reminder")).all()
    assert mail.application_id == world["provisional"].id and "définitivement" in mail.body_text


def test_a_candidate_reminded_to_answer_is_reminded_again_after_accepting_provisionally(
    session: Session, clock
) -> None:
    world = build(session)
    campaign = session.get(Campaign, world["held"][0].campaign_id)
    campaign.definitive_acceptance = True
    session.add(campaign)
    session.commit()
    clock.set(DEADLINE - timedelta(days=1))
    with transaction() as tx:
        send_confirmation_reminders(tx, clock.now())
    held = world["held"][0]
    candidate = session.get(Candidate, held.candidate_id)
    confirm_offer(
        session, actor=factories.candidate_actor(session, candidate), application_id=held.id, provisional=True
    )
    session.commit()
    for _run in range(2):
        with transaction() as tx:
            send_confirmation_reminders(tx, clock.now())
    assert (count(session, "confirmation_reminder"), count(session, "provisional_acceptance_reminder")) == (1, 1)


def test_a_provisional_acceptance_is_withdrawn_at_the_deadline_edge(session: Session, clock) -> None:
    world = provisional(session)
    for moment in (DEADLINE - timedelta(seconds=1), DEADLINE):
        clock.set(moment)
        with transaction() as tx:
            assert withdraw_expired_offers(tx, clock.now())[0] == 0  # until the deadline, the place is held
    clock.set(DEADLINE + timedelta(seconds=1))
    with transaction() as tx:
        assert withdraw_expired_offers(tx, clock.now())[0] == 1
    with transaction() as tx:
        assert withdraw_expired_offers(tx, clock.now())[0] == 0  # once
    session.expire_all()
    released = session.get(Application, world["provisional"].id)
    assert released.answer == AnswerKind.WITHDRAWN
    assert session.get(Application, world["confirmed"].id).answer == AnswerKind.CONFIRMED
    [answer] = session.exec(
        select(CandidateAnswer).where(
            CandidateAnswer.application_id == released.id, CandidateAnswer.kind == AnswerKind.WITHDRAWN
        )
    ).all()
    assert answer.automatic and "provisoire" in answer.reason
    assert count(session, "provisional_acceptance_expired") == 1
    assert count(session, "application_withdrawn_automatically") == 0
    assert count(session, "decision_waiting_list_call") == 1  # the freed place went to the waiting list
    audit = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "application.answer.withdrawn", AuditEvent.application_id == released.id
        )
    ).one()
    assert audit.after["automatic"] is True
