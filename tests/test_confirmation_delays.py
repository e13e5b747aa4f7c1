"""The confirmation delay shortens as the campaign's end approaches: the programme's delay, then at most 3 days,
then at most 1 day; a fixed date or a per-candidate date stays; every publication and call uses it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from app import clock as app_clock
from app.models import DecisionKind, StaffRole
from app.services.admin import portal_parameters
from app.services.decisions.answers import withdraw
from app.services.decisions.confirmation_delays import delay_deadline, shortened_delay
from app.services.decisions.staff_decisions import enter_decision, publish_decision
from app.services.platform.actors import Actor
from app.services.platform.form_checks import DossierInvalid
from tests import factories

END = date(2026, 7, 31)


@pytest.mark.parametrize(
    ("published_on", "delay", "expected"),
    [
        (date(2026, 6, 30), 10, 10),  # 31 days before the end: the programme's delay
        (date(2026, 7, 1), 10, 3),  # 30 days before: at most 3 days
        (date(2026, 7, 1), 2, 2),  # … never longer than the programme's own
        (date(2026, 7, 23), 10, 3),  # 8 days before
        (date(2026, 7, 24), 10, 1),  # 7 days before: at most 1 day
        (date(2026, 7, 31), 10, 1),  # the last day
        (date(2026, 8, 3), 10, 1),  # after the end
        (date(2026, 7, 24), 0, 0),  # a same-day delay stays a same-day delay
    ],
)
def test_the_delay_shortens_near_the_end(published_on: date, delay: int, expected: int) -> None:
    assert shortened_delay(delay, published_on=published_on, ends_on=END, short_from=30, last_from=7) == expected


def test_without_a_campaign_end_the_delay_stands() -> None:
    assert shortened_delay(10, published_on=END, ends_on=None, short_from=30, last_from=7) == 10


def test_the_delay_counts_paris_days_and_ends_at_the_last_one_s_end() -> None:
    # 22:30 UTC on 23 July is already 24 July in Paris: 7 days before the end, 1 day.
    assert delay_deadline(
        datetime(2026, 7, 23, 22, 30, tzinfo=UTC), 10, ends_on=END, short_from=30, last_from=7
    ) == app_clock.paris_datetime(2026, 7, 25, 23, 59, 59)
    # 21:30 UTC is still 23 July in Paris: 8 days before the end, 3 days.
    assert delay_deadline(
        datetime(2026, 7, 23, 21, 30, tzinfo=UTC), 10, ends_on=END, short_from=30, last_from=7
    ) == app_clock.paris_datetime(2026, 7, 26, 23, 59, 59)


def _offer_world(session: Session, *, ends_on: date, **program: object) -> dict:
    campaign = factories.campaign(session, ends_on=ends_on, starts_on=ends_on - timedelta(days=300))
    call_type = factories.decision_type(session, DecisionKind.FAVORABLE)
    prog = factories.program(
        session, campaign_id=campaign.id, capacity=1, waiting_list_call_decision_type_id=call_type.id, **program
    )
    holder = factories.complete_candidate(session)
    held = factories.application(session, candidate_id=holder.id, program=prog)
    waiting = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=prog)
    factories.published_decision(session, application=waiting, kind=DecisionKind.WAITING_LIST, rank=1)
    staff = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=prog.centre_id)
    session.commit()
    return {"program": prog, "holder": holder, "held": held, "waiting": waiting, "staff": staff, "type": call_type}


def _publish(session: Session, world: dict) -> datetime | None:
    staff: Actor = world["staff"]
    entered = enter_decision(session, actor=staff, application_id=world["held"].id, decision_type_id=world["type"].id)
    decision = publish_decision(session, actor=staff, decision_id=entered.id or 0)
    session.commit()
    return decision.confirmation_deadline


def test_a_publication_and_a_call_near_the_end_get_the_short_delays(session: Session, clock) -> None:
    clock.set(app_clock.paris_datetime(2026, 7, 10, 10))  # 21 days before the end
    world = _offer_world(session, ends_on=END, confirmation_delay_days=10, waiting_list_confirmation_delay_days=5)
    assert _publish(session, world) == app_clock.paris_datetime(2026, 7, 13, 23, 59, 59)  # 3 days, not 10
    clock.set(app_clock.paris_datetime(2026, 7, 27, 10))  # 4 days before the end: the call has 1 day, not 5
    withdraw(session, actor=factories.candidate_actor(session, world["holder"]), application_id=world["held"].id)
    session.commit()
    session.refresh(world["waiting"])
    assert world["waiting"].confirmation_deadline == app_clock.paris_datetime(2026, 7, 28, 23, 59, 59)


def test_far_from_the_end_the_programme_delay_stands(session: Session, clock) -> None:
    clock.set(app_clock.paris_datetime(2026, 5, 4, 10))
    world = _offer_world(session, ends_on=END, confirmation_delay_days=10)
    assert _publish(session, world) == app_clock.paris_datetime(2026, 5, 14, 23, 59, 59)


def test_a_fixed_date_is_never_shortened(session: Session, clock) -> None:
    clock.set(app_clock.paris_datetime(2026, 7, 28, 10))
    fixed = app_clock.paris_datetime(2026, 8, 15, 12)
    world = _offer_world(session, ends_on=END, confirmation_by=fixed)
    assert _publish(session, world) == fixed


def test_the_thresholds_are_parameters_that_stay_ordered(session: Session, clock) -> None:
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    admin = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
    session.commit()
    with pytest.raises(DossierInvalid) as refused:
        portal_parameters.save_parameter(
            session, actor=admin, name="confirmation_last_delay_from_days", value=30, expected_version=0
        )
    assert refused.value.params_of == {"confirmation_last_delay_from_days": {"short": 30}}
    portal_parameters.save_parameter(
        session, actor=admin, name="confirmation_short_delay_from_days", value=90, expected_version=0
    )
    session.commit()
    world = _offer_world(session, ends_on=END, confirmation_delay_days=10)  # 60 days before the end
    assert _publish(session, world) == app_clock.paris_datetime(2026, 6, 4, 23, 59, 59)


def test_the_campaign_end_is_read_once_a_transaction_and_again_in_the_next(session: Session, clock) -> None:
    """A publication of a thousand offers asks each deadline: the campaign is read once (each read flushed the
    batch's pending rows), and a campaign end moved in between is seen by the next transaction."""
    from sqlalchemy import event

    from app.db import get_engine, transaction
    from app.models import Campaign
    from app.services.decisions.confirmation_delays import confirmation_deadline

    clock.set(app_clock.paris_datetime(2026, 7, 10, 10))  # 21 days before END: 3 days
    world = _offer_world(session, ends_on=END, confirmation_delay_days=10)
    program, application = world["program"], world["held"]
    reads: list[str] = []

    def count(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        reads.extend([statement] if "FROM campaign" in statement else [])

    event.listen(get_engine(), "before_cursor_execute", count)
    try:
        session.expunge_all()  # nothing held: every deadline would read the campaign again
        deadlines = {confirmation_deadline(session, application, program, clock.now()) for _ in range(5)}
        assert deadlines == {app_clock.paris_datetime(2026, 7, 13, 23, 59, 59)} and len(reads) == 1
        session.commit()
        with transaction() as other:  # the campaign now ends in three months: the full 10 days
            other.get(Campaign, program.campaign_id).ends_on = END + timedelta(days=90)
        assert confirmation_deadline(session, application, program, clock.now()) == app_clock.paris_datetime(
            2026, 7, 20, 23, 59, 59
        )
    finally:
        event.remove(get_engine(), "before_cursor_execute", count)
