"""Interview slots (#22 item 3): staff publish slots, shortlisted candidates book, move and cancel them, never beyond
a slot's capacity; staff read the timetable and mark attendance; the reminder goes once, the day before."""

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from app import clock as app_clock
from app.db import transaction
from app.models import (
    Application,
    Attendance,
    AuditEvent,
    DecisionKind,
    InterviewSlot,
    OutboxMail,
    SlotBooking,
    StaffRole,
)
from app.services.interviews import (
    SlotInput,
    book_slot,
    cancel_booking,
    create_slot,
    interview_timetable,
    interview_view,
    mark_attendance,
    planning_context,
    programs_with_interviews,
    remove_slot,
    render_planning,
    set_slot_published,
    update_slot,
)
from app.services.interviews.reminders import REMINDER_JOB, send_interview_reminders
from app.services.platform import jobs
from app.services.platform.errors import DomainError
from tests import factories

NOW = app_clock.paris_datetime(2026, 5, 4, 9, 0)
MONDAY_10 = app_clock.paris_datetime(2026, 5, 11, 10, 0)


def slot_input(starts_at=MONDAY_10, **kw) -> SlotInput:
    values = dict(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        place="Bâtiment IIIA, salle E08",
        video_link="",
        capacity=2,
    )
    return SlotInput(**(values | kw))


def world(session: Session, shortlisted: int = 2) -> dict:
    app_clock.set_now(NOW)
    program = factories.program(session)
    candidates, applications = [], []
    for _ in range(shortlisted):
        candidate = factories.complete_candidate(session)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        factories.published_decision(
            session, application=application, kind=DecisionKind.PRESELECTION, preselection_at=MONDAY_10
        )
        candidates.append(candidate)
        applications.append(application)
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=program.centre_id)
    session.commit()
    return {"program": program, "candidates": candidates, "applications": applications, "manager": manager}


def new_slot(actor, program_id: int, starts_at=MONDAY_10, publish: bool = True, **kw) -> int:
    with transaction() as tx:
        return create_slot(tx, actor=actor, program_id=program_id, data=slot_input(starts_at, **kw), publish=publish).id


def book(session: Session, candidate, application_id: int, slot_id: int) -> None:
    with transaction() as tx:
        book_slot(
            tx, actor=factories.candidate_actor(session, candidate), application_id=application_id, slot_id=slot_id
        )


def mails(session: Session, code: str) -> list[OutboxMail]:
    return list(session.exec(select(OutboxMail).where(OutboxMail.code == code).order_by(col(OutboxMail.id))).all())


def live(session: Session, slot_id: int) -> list[SlotBooking]:
    session.expire_all()
    return list(
        session.exec(
            select(SlotBooking).where(SlotBooking.slot_id == slot_id, col(SlotBooking.cancelled_at).is_(None))
        ).all()
    )


# --- Staff: slots ----------------------------------------------------------------------------------------------------


def test_a_slot_gets_its_committee_and_default_closing_24_hours_before(session: Session, clock) -> None:
    w = world(session)
    slot_id = new_slot(w["manager"], w["program"].id)
    slot = session.get(InterviewSlot, slot_id)
    assert slot.committee_id == w["program"].committee_id
    assert slot.booking_closes_at == MONDAY_10 - timedelta(hours=24)
    assert slot.is_published


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": MONDAY_10}, "ends_at"),
        ({"starts_at": NOW - timedelta(hours=1), "ends_at": NOW}, "starts_at"),
        ({"place": "  "}, "place"),
        ({"video_link": "http://visio.example.org/x"}, "video_link"),
        ({"video_link": "https://"}, "video_link"),
        ({"capacity": 0}, "capacity"),
        ({"booking_closes_at": MONDAY_10 + timedelta(minutes=1)}, "booking_closes_at"),
    ],
)
def test_a_bad_slot_is_refused_next_to_its_field(session: Session, clock, changes: dict, field: str) -> None:
    w = world(session, shortlisted=0)
    with pytest.raises(DomainError) as refused, transaction() as tx:
        create_slot(tx, actor=w["manager"], program_id=w["program"].id, data=slot_input(**changes), publish=True)
    assert refused.value.field == field
    assert session.exec(select(InterviewSlot)).all() == []


def test_a_video_link_alone_in_https_is_enough(session: Session, clock) -> None:
    w = world(session, shortlisted=0)
    slot_id = new_slot(w["manager"], w["program"].id, place="", video_link="https://visio.example.org/eea")
    assert session.get(InterviewSlot, slot_id).video_link == "https://visio.example.org/eea"


def test_scope_matrix_who_may_manage_a_programmes_slots(session: Session, clock) -> None:
    w = world(session, shortlisted=0)
    program = w["program"]
    allowed = [
        w["manager"],
        factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=program.committee_id),
        factories.staff_actor(session, StaffRole.CENTRAL_OFFICE),
        factories.staff_actor(session, StaffRole.ADMINISTRATOR),
    ]
    other = factories.program(session, campaign_id=program.campaign_id)
    refused = [
        factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=other.centre_id),
        factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=other.committee_id),
        factories.staff_actor(session, StaffRole.ACCOUNT_DESK),
    ]
    session.commit()
    for actor in allowed:
        new_slot(actor, program.id)
        with transaction() as tx:
            assert interview_timetable(tx, actor=actor, program_id=program.id).program_id == program.id
    for actor in refused:
        with pytest.raises(DomainError) as error, transaction() as tx:
            create_slot(tx, actor=actor, program_id=program.id, data=slot_input(), publish=True)
        assert error.value.code == "not_found"  # out of scope: its existence is not told
        with pytest.raises(DomainError), transaction() as tx:
            interview_timetable(tx, actor=actor, program_id=program.id)
    with transaction() as tx:
        assert [row[0] for row in programs_with_interviews(tx, actor=w["manager"])] == [program.id]
        assert programs_with_interviews(tx, actor=refused[0]) == []


def test_a_stale_edit_of_a_slot_is_refused(session: Session, clock) -> None:
    w = world(session, shortlisted=0)
    slot_id = new_slot(w["manager"], w["program"].id)
    with transaction() as tx:
        update_slot(tx, actor=w["manager"], slot_id=slot_id, version=1, data=slot_input(capacity=3))
    with pytest.raises(DomainError) as stale, transaction() as tx:
        set_slot_published(tx, actor=w["manager"], slot_id=slot_id, version=1, published=False)
    assert stale.value.code == "stale_edit"
    session.expire_all()
    assert session.get(InterviewSlot, slot_id).capacity == 3


def test_a_booked_slot_keeps_its_time_and_cannot_shrink_below_its_bookings(session: Session, clock) -> None:
    w = world(session)
    slot_id = new_slot(w["manager"], w["program"].id)
    for candidate, application in zip(w["candidates"], w["applications"], strict=True):
        book(session, candidate, application.id, slot_id)
    version = session.get(InterviewSlot, slot_id).version
    with pytest.raises(DomainError) as moved, transaction() as tx:
        update_slot(
            tx, actor=w["manager"], slot_id=slot_id, version=version, data=slot_input(MONDAY_10 + timedelta(hours=1))
        )
    assert moved.value.code == "slot_booked_fixed"
    with pytest.raises(DomainError) as shrunk, transaction() as tx:
        update_slot(tx, actor=w["manager"], slot_id=slot_id, version=version, data=slot_input(capacity=1))
    assert shrunk.value.code == "slot_below_booked"


def test_removing_a_slot_deletes_it_unbooked_or_cancels_it_with_a_mail_to_each_booked(session: Session, clock) -> None:
    w = world(session)
    empty = new_slot(w["manager"], w["program"].id)
    booked = new_slot(w["manager"], w["program"].id, MONDAY_10 + timedelta(hours=1))
    for candidate, application in zip(w["candidates"], w["applications"], strict=True):
        book(session, candidate, application.id, booked)
    with transaction() as tx:
        assert remove_slot(tx, actor=w["manager"], slot_id=empty, version=1) == 0
    version = session.get(InterviewSlot, booked).version
    with transaction() as tx:
        assert remove_slot(tx, actor=w["manager"], slot_id=booked, version=version) == 2
    session.expire_all()
    assert session.get(InterviewSlot, empty) is None
    cancelled = session.get(InterviewSlot, booked)
    assert cancelled.cancelled_at is not None and not cancelled.is_published
    assert live(session, booked) == []
    assert len(mails(session, "interview_slot_cancelled")) == 2
    events = session.exec(select(AuditEvent.action).where(AuditEvent.action == "interview.slot_cancelled")).all()
    assert len(events) == 2
    # The candidates may book again: the cancelled slot is no longer offered.
    with transaction() as tx:
        view = interview_view(
            tx, actor=factories.candidate_actor(session, w["candidates"][0]), application_id=w["applications"][0].id
        )
    assert view.booked is None and view.offered == []


# --- The candidate: book, move, cancel -------------------------------------------------------------------------------


def test_a_shortlisted_candidate_books_and_a_double_click_books_once(session: Session, clock) -> None:
    w = world(session)
    slot_id = new_slot(w["manager"], w["program"].id)
    candidate, application = w["candidates"][0], w["applications"][0]
    book(session, candidate, application.id, slot_id)
    book(session, candidate, application.id, slot_id)
    assert len(live(session, slot_id)) == 1
    [mail] = mails(session, "interview_booked")
    assert mail.application_id == application.id
    with transaction() as tx:
        view = interview_view(tx, actor=factories.candidate_actor(session, candidate), application_id=application.id)
    assert view.booked.id == slot_id and view.booked.places_left == 1 and view.can_change
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "interview.booked")).first() is not None


def test_who_may_not_book_is_told_why(session: Session, clock) -> None:
    w = world(session, shortlisted=1)
    program = w["program"]
    slot_id = new_slot(w["manager"], program.id, capacity=1)
    hidden = new_slot(w["manager"], program.id, MONDAY_10 + timedelta(hours=1), publish=False)
    favourable = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
    factories.published_decision(session, application=favourable, kind=DecisionKind.FAVORABLE)
    second = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
    factories.published_decision(session, application=second, kind=DecisionKind.PRESELECTION)
    other = factories.program(session, campaign_id=program.campaign_id)
    elsewhere = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=other)
    factories.published_decision(session, application=elsewhere, kind=DecisionKind.PRESELECTION)
    session.commit()
    cases = [
        (favourable, slot_id, "not_shortlisted"),
        (elsewhere, slot_id, "slot_unavailable"),
        (second, hidden, "slot_unavailable"),
    ]
    for application, target, code in cases:
        candidate = session.get(Application, application.id)
        with pytest.raises(DomainError) as refused:
            book(session, factories_candidate(session, candidate), application.id, target)
        assert refused.value.code == code
    book(session, w["candidates"][0], w["applications"][0].id, slot_id)
    with pytest.raises(DomainError) as full:
        book(session, factories_candidate(session, second), second.id, slot_id)
    assert full.value.code == "slot_full" and "complet" in full.value.message
    app_clock.set_now(MONDAY_10 - timedelta(hours=24))
    with pytest.raises(DomainError) as closed, transaction() as tx:
        cancel_booking(
            tx, actor=factories.candidate_actor(session, w["candidates"][0]), application_id=w["applications"][0].id
        )
    assert closed.value.code == "slot_closed" and closed.value.params["closes_at"] == "10/05/2026 10:00"


def factories_candidate(session: Session, application: Application):
    from app.models import Candidate

    return session.get(Candidate, application.candidate_id)


def test_moving_is_one_step_and_cancelling_frees_the_place(session: Session, clock) -> None:
    w = world(session, shortlisted=1)
    first = new_slot(w["manager"], w["program"].id, capacity=1)
    second = new_slot(w["manager"], w["program"].id, MONDAY_10 + timedelta(hours=2), capacity=1)
    candidate, application = w["candidates"][0], w["applications"][0]
    book(session, candidate, application.id, first)
    book(session, candidate, application.id, second)
    assert live(session, first) == [] and len(live(session, second)) == 1
    [moved] = mails(session, "interview_moved")
    assert moved.application_id == application.id
    with transaction() as tx:
        cancel_booking(tx, actor=factories.candidate_actor(session, candidate), application_id=application.id)
    assert live(session, second) == []
    assert len(mails(session, "interview_cancelled")) == 1
    with pytest.raises(DomainError) as nothing, transaction() as tx:
        cancel_booking(tx, actor=factories.candidate_actor(session, candidate), application_id=application.id)
    assert nothing.value.code == "no_booking"


def test_another_candidate_cannot_book_for_an_application_not_theirs(session: Session, clock) -> None:
    w = world(session)
    slot_id = new_slot(w["manager"], w["program"].id)
    with pytest.raises(DomainError) as refused:
        book(session, w["candidates"][1], w["applications"][0].id, slot_id)
    assert refused.value.code == "not_found"
    assert live(session, slot_id) == []


def test_many_candidates_at_once_on_one_slot_never_overbook(session: Session, clock) -> None:
    capacity, crowd = 3, 10
    w = world(session, shortlisted=crowd)
    slot_id = new_slot(w["manager"], w["program"].id, capacity=capacity)
    barrier = threading.Barrier(crowd)
    outcomes: list[str] = []

    def attempt(candidate, application_id: int) -> None:
        actor = factories.candidate_actor(session, candidate)
        barrier.wait(timeout=30)
        try:
            with transaction() as tx:
                book_slot(tx, actor=actor, application_id=application_id, slot_id=slot_id)
            outcomes.append("booked")
        except DomainError as error:
            outcomes.append(error.code)

    threads = [
        threading.Thread(target=attempt, args=(candidate, application.id))
        for candidate, application in zip(w["candidates"], w["applications"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["booked"] * capacity + ["slot_full"] * (crowd - capacity)
    assert len(live(session, slot_id)) == capacity
    assert len(mails(session, "interview_booked")) == capacity


# --- Staff: timetable, attendance, planning --------------------------------------------------------------------------


def test_the_timetable_lists_slots_in_order_with_the_booked_dossiers(session: Session, clock) -> None:
    w = world(session)
    late = new_slot(w["manager"], w["program"].id, MONDAY_10 + timedelta(hours=3))
    early = new_slot(w["manager"], w["program"].id)
    book(session, w["candidates"][0], w["applications"][0].id, early)
    with transaction() as tx:
        view = interview_timetable(tx, actor=w["manager"], program_id=w["program"].id)
    assert [row.slot.id for row in view.slots] == [early, late]
    [booked] = view.slots[0].candidates
    assert booked.application_id == w["applications"][0].id and booked.dossier_number.startswith("T")
    assert (view.shortlisted, view.unbooked) == (2, 1)
    with transaction() as tx:
        context = planning_context(tx, actor=w["manager"], program_id=w["program"].id, lang="fr")
    pdf = render_planning(context)
    assert pdf.startswith(b"%PDF") and len(context["slots"]) == 2


def test_attendance_is_marked_once_started_version_checked_and_in_the_history(session: Session, clock) -> None:
    w = world(session)
    slot_id = new_slot(w["manager"], w["program"].id)
    book(session, w["candidates"][0], w["applications"][0].id, slot_id)
    [booking] = live(session, slot_id)
    with pytest.raises(DomainError) as early, transaction() as tx:
        mark_attendance(
            tx, actor=w["manager"], booking_id=booking.id, version=booking.version, attendance=Attendance.ABSENT
        )
    assert early.value.code == "interview_not_started"
    app_clock.set_now(MONDAY_10 + timedelta(minutes=45))
    with transaction() as tx:
        mark_attendance(
            tx, actor=w["manager"], booking_id=booking.id, version=booking.version, attendance=Attendance.ABSENT
        )
    with pytest.raises(DomainError) as stale, transaction() as tx:
        mark_attendance(
            tx, actor=w["manager"], booking_id=booking.id, version=booking.version, attendance=Attendance.PRESENT
        )
    assert stale.value.code == "stale_edit"
    session.expire_all()
    assert session.get(SlotBooking, booking.id).attendance == Attendance.ABSENT
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "interview.attendance_marked")).one()
    assert event.application_id == w["applications"][0].id and event.after["attendance"] == "absent"
    outsider = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=factories.centre(session).id)
    session.commit()
    with pytest.raises(DomainError) as hidden, transaction() as tx:
        mark_attendance(
            tx, actor=outsider, booking_id=booking.id, version=booking.version + 1, attendance=Attendance.PRESENT
        )
    assert hidden.value.code == "not_found"


# --- The reminder the day before -------------------------------------------------------------------------------------


def test_the_reminder_goes_the_day_before_once_per_booking(session: Session, clock) -> None:
    w = world(session)
    tomorrow = new_slot(w["manager"], w["program"].id)
    later = new_slot(w["manager"], w["program"].id, MONDAY_10 + timedelta(days=1))
    book(session, w["candidates"][0], w["applications"][0].id, tomorrow)
    book(session, w["candidates"][1], w["applications"][1].id, later)
    app_clock.set_now(app_clock.paris_datetime(2026, 5, 9, 10, 0))  # Saturday: Monday is not tomorrow
    with transaction() as tx:
        assert send_interview_reminders(tx, app_clock.now())[0] == 0
    app_clock.set_now(app_clock.paris_datetime(2026, 5, 10, 10, 0))  # Sunday
    for _run in range(2):
        with transaction() as tx:
            send_interview_reminders(tx, app_clock.now())
    [mail] = mails(session, "interview_reminder")
    assert mail.application_id == w["applications"][0].id
    assert REMINDER_JOB in jobs.registered_jobs()
