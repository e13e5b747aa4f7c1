"""The waiting list calls itself: best rank first, ranks recomputed (never up), capacity held under concurrency."""

import random
import threading
from collections import Counter

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app import clock as app_clock
from app.db import transaction
from app.models import AnswerKind, Application, Decision, DecisionKind, OutboxMail, StaffRole
from app.services.decisions.answers import answer_view, confirm_offer, withdraw
from app.services.decisions.waiting_list import call_waiting_list, live_offer_count, waiting_list_position
from app.services.decisions.waiting_list_staff import (
    call_next_candidate,
    programs_with_waiting_list,
    waiting_list_overview,
)
from app.services.platform.errors import DomainError, NotFound
from tests import factories


def build(session: Session, *, capacity: int, offers: int, waiting: int) -> dict:
    program = factories.program(session, capacity=capacity, waiting_list_confirmation_delay_days=3)
    call_type = factories.decision_type(session, DecisionKind.FAVORABLE, label_fr="Favorable (liste complémentaire)")
    program.waiting_list_call_decision_type_id = call_type.id
    session.add(program)
    holders, waiters = [], []
    for index in range(offers + waiting):
        candidate = factories.complete_candidate(session)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        if index < offers:
            factories.published_decision(session, application=application)
            holders.append((candidate, application))
        else:
            rank = index - offers + 1
            factories.published_decision(session, application=application, kind=DecisionKind.WAITING_LIST, rank=rank)
            waiters.append((candidate, application))
    session.commit()
    return {"program": program, "holders": holders, "waiters": waiters}


def call_mails(session: Session) -> Counter:
    return Counter(
        session.exec(select(OutboxMail.application_id).where(OutboxMail.code == "decision_waiting_list_call")).all()
    )


def test_a_withdrawal_calls_the_best_ranked_candidate(session: Session, clock) -> None:
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    world = build(session, capacity=2, offers=2, waiting=3)
    (holder, held), *_ = world["holders"]
    withdraw(session, actor=factories.candidate_actor(session, holder), application_id=held.id)
    session.commit()
    first, second, third = (application for _, application in world["waiters"])
    for application in (first, second, third):
        session.refresh(application)
    assert first.called_from_waiting_list_at is not None and first.waiting_list_rank is None
    assert first.confirmation_deadline == app_clock.paris_datetime(2026, 6, 4, 23, 59, 59)
    assert call_mails(session) == Counter({first.id: 1})
    assert "committee_waiting_list_call" in session.exec(select(OutboxMail.code)).all()
    # Those still waiting moved up; they see their place among those still waiting and how many were called.
    assert (second.waiting_list_rank, third.waiting_list_rank) == (1, 2)
    assert waiting_list_position(session, third, DecisionKind.WAITING_LIST) == (2, 1)
    assert waiting_list_position(session, first, DecisionKind.FAVORABLE) == (None, 0)  # called: off the list
    view = answer_view(
        session, actor=factories.candidate_actor(session, world["waiters"][2][0]), application_id=third.id
    )
    assert (view.waiting_rank, view.called_count) == (2, 1)
    # The called candidate answers like any other: confirming does not call anyone more.
    confirm_offer(session, actor=factories.candidate_actor(session, world["waiters"][0][0]), application_id=first.id)
    session.commit()
    assert live_offer_count(session, world["program"].id) == 2
    assert call_mails(session) == Counter({first.id: 1})


def test_displayed_ranks_never_go_back_up(session: Session, clock) -> None:
    world = build(session, capacity=1, offers=1, waiting=2)
    _, second = world["waiters"][1]
    assert second.waiting_list_rank == 2
    # A newly published waiting-list decision ranked before everyone else.
    latecomer = factories.application(
        session, candidate_id=factories.complete_candidate(session).id, program=world["program"]
    )
    factories.published_decision(session, application=latecomer, kind=DecisionKind.WAITING_LIST, rank=1)
    call_waiting_list(session, world["program"].id)  # no free place: ranks recomputed only
    session.commit()
    session.refresh(second)
    assert second.waiting_list_rank == 2  # its position is now 3, but a displayed rank never goes up


def test_no_call_without_a_capacity_or_a_waiting_list(session: Session, clock) -> None:
    world = build(session, capacity=1, offers=1, waiting=1)
    program = world["program"]
    program.has_waiting_list = False
    session.add(program)
    (holder, held), (_, waiter) = world["holders"][0], world["waiters"][0]
    withdraw(session, actor=factories.candidate_actor(session, holder), application_id=held.id)
    session.commit()
    session.refresh(waiter)
    assert waiter.called_from_waiting_list_at is None and not call_mails(session)


CAPACITY, WAITING, ROUNDS = 10, 40, 6


def test_fifty_concurrent_answers_never_exceed_the_capacity(session: Session, database_url: str, clock) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show concurrent row locks at work")
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    world = build(session, capacity=CAPACITY, offers=CAPACITY, waiting=WAITING)
    people = [(factories.candidate_actor(session, c), a.id) for c, a in world["holders"] + world["waiters"]]
    session.close()
    barrier = threading.Barrier(len(people))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def act(index: int, actor, application_id: int) -> None:
        rng = random.Random(index)
        for _round in range(ROUNDS):
            barrier.wait(timeout=60)  # every round, all 50 act at the same moment
            wants_out = rng.random() < 0.5
            try:
                with transaction() as tx:
                    if wants_out:
                        withdraw(tx, actor=actor, application_id=application_id, reason="concurrence")
                    else:
                        confirm_offer(tx, actor=actor, application_id=application_id)
                result = "withdraw" if wants_out else "confirm"
            except DomainError as error:
                result = error.code  # not called yet ("no_offer"), or already withdrawn
            except DBAPIError as error:  # a deadlock would land here: the test then fails below
                result = f"db:{type(error.orig).__name__}"
            with lock:
                outcomes[result] += 1

    threads = [threading.Thread(target=act, args=(i, *person)) for i, person in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    with transaction() as check:
        offers = live_offer_count(check, world["program"].id)
        calls = call_mails(check)
        call_decisions = Counter(
            check.exec(select(Decision.application_id).where(col(Decision.is_waiting_list_call))).all()
        )
        still_waiting = check.exec(
            select(Application.id).where(
                Application.program_id == world["program"].id,
                Application.last_decision_kind == DecisionKind.WAITING_LIST,
                col(Application.answer).is_(None),
            )
        ).all()
        withdrawn = check.exec(
            select(Application.id).where(
                Application.program_id == world["program"].id, Application.answer == AnswerKind.WITHDRAWN
            )
        ).all()
    print(f"\nconcurrency: {dict(outcomes)}; live offers {offers}; called {len(calls)}; withdrawn {len(withdrawn)}")
    assert not [key for key in outcomes if key.startswith("db:")], outcomes
    assert offers <= CAPACITY
    assert all(count == 1 for count in calls.values()) and calls == call_decisions
    assert len(calls) > 0 and outcomes["withdraw"] > 0
    if still_waiting:  # nobody waits while a place is free
        assert offers == CAPACITY


# --- The staff view of the list, and calling the next candidate by hand ---------------------------------------------


def test_staff_see_the_list_and_call_the_next_candidate_by_hand(session: Session, clock) -> None:
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    world = build(session, capacity=2, offers=2, waiting=3)
    program = world["program"]
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=program.centre_id)
    member = factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=program.committee_id)
    session.commit()
    first, second, _third = (application for _, application in world["waiters"])

    view = waiting_list_overview(session, actor=manager, program_id=program.id)
    assert (view.capacity, view.live_offers, view.free_places) == (2, 2, 0)
    assert [row.application_id for row in view.waiting] == [first.id, second.id, _third.id]
    assert [row.entered_rank for row in view.waiting] == [1, 2, 3]
    assert len(view.offers) == 2 and view.called == [] and view.next_application_id is None
    with pytest.raises(DomainError) as error:
        call_next_candidate(session, actor=manager, program_id=program.id, expected_application_id=first.id)
    assert error.value.code == "capacity_reached"

    program.capacity = 3  # a place opens without a withdrawal: nobody is called automatically
    session.add(program)
    session.commit()
    view = waiting_list_overview(session, actor=manager, program_id=program.id)
    assert view.free_places == 1 and view.next_application_id == first.id and view.can_call
    assert (
        call_next_candidate(session, actor=manager, program_id=program.id, expected_application_id=first.id) == first.id
    )
    session.commit()
    with pytest.raises(DomainError) as error:  # the same click again: the list moved on, nobody else is called
        call_next_candidate(session, actor=manager, program_id=program.id, expected_application_id=first.id)
    assert error.value.code == "capacity_reached"
    assert call_mails(session) == Counter({first.id: 1})

    view = waiting_list_overview(session, actor=member, program_id=program.id)  # members see, do not call
    assert not view.can_call
    [called] = view.called
    assert (called.application_id, called.entered_rank, called.answer) == (first.id, 1, None)
    assert called.called_at is not None and called.deadline == app_clock.paris_datetime(2026, 6, 4, 23, 59, 59)
    assert view.last_called_rank == 1 and [row.displayed_rank for row in view.waiting] == [1, 2]
    with pytest.raises(NotFound):
        call_next_candidate(session, actor=member, program_id=program.id, expected_application_id=second.id)


def test_a_stale_expectation_calls_nobody(session: Session, clock) -> None:
    world = build(session, capacity=3, offers=2, waiting=2)
    program = world["program"]
    admin = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    _, second = world["waiters"][1]
    with pytest.raises(DomainError) as error:
        call_next_candidate(session, actor=admin, program_id=program.id, expected_application_id=second.id)
    assert error.value.code == "list_changed" and not call_mails(session)


def test_the_waiting_list_of_another_scope_is_not_found(session: Session, clock) -> None:
    world = build(session, capacity=1, offers=1, waiting=1)
    outsider = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=factories.centre(session).id)
    other_committee = factories.staff_actor(
        session, StaffRole.COMMITTEE_MEMBER, committee_id=factories.committee(session, world["program"].centre_id).id
    )
    session.commit()
    for actor in (outsider, other_committee):
        with pytest.raises(NotFound):
            waiting_list_overview(session, actor=actor, program_id=world["program"].id)
        assert programs_with_waiting_list(session, actor=actor) == []
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=world["program"].centre_id)
    assert programs_with_waiting_list(session, actor=manager) == [(world["program"].id, world["program"].label_fr, 1)]
