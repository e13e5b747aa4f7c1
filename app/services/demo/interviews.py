"""The demo campus's interviews (« entretiens »): Polytech's civil engineering programme publishes its slots, two
shortlisted candidates have booked — one had a slot already held and was marked absent — and the demo identity
« convoquée à un entretien » (c14) has yet to choose hers. Slots to come and the booking to come go through the real
services (audit, mails in the development mailbox); the slot already held is written as it stands, in the past,
where no service may create one."""

from datetime import timedelta

from sqlmodel import Session, col, select

from app import clock
from app.models import (
    Account,
    Application,
    Attendance,
    Candidate,
    InterviewSlot,
    Program,
    SlotBooking,
    StaffMember,
    StaffRole,
    StaffRoleAssignment,
)
from app.services.demo.data import DOSSIER_NUMBERS
from app.services.demo.scenarios import PRESELECTION_PLACE
from app.services.interviews.booking import book_slot
from app.services.interviews.slots import SlotInput, create_slot
from app.services.interviews.timetable import mark_attendance
from app.services.platform.actors import Actor

PROGRAM = "ING-GC"
MANAGER = "tbouvier"
VIDEO_LINK = "https://visio.univ-orleans.example/polytech-gc-entretiens"


def _paris(days: int, hour: int, minute: int = 0):  # type: ignore[no-untyped-def]
    day = clock.today_paris() + timedelta(days=days)
    return clock.paris_datetime(day.year, day.month, day.day, hour, minute)


def _application(session: Session, key: str, program_id: int) -> tuple[Application, Actor]:
    application, account_id = session.exec(
        select(Application, Account.id)
        .join(Candidate, col(Candidate.id) == Application.candidate_id)
        .join(Account, col(Account.id) == Candidate.account_id)
        .where(Account.dossier_number == DOSSIER_NUMBERS[key], Application.program_id == program_id)
    ).one()
    return application, Actor("candidate", account_id=account_id)


def seed_demo_interviews(session: Session) -> int:
    """Publish the slots and make the bookings; the number of slots."""
    program = session.exec(select(Program).where(Program.code == PROGRAM)).one()
    staff_id, assignment_id = session.exec(
        select(StaffMember.id, StaffRoleAssignment.id)
        .join(StaffRoleAssignment, col(StaffRoleAssignment.staff_id) == StaffMember.id)
        .where(StaffMember.login == MANAGER, StaffRoleAssignment.role == StaffRole.CENTRE_MANAGER)
    ).one()
    manager = Actor("staff", staff_id=staff_id, role_assignment_id=assignment_id)
    held = InterviewSlot(
        program_id=program.id or 0,
        committee_id=program.committee_id,
        starts_at=_paris(-2, 10),
        ends_at=_paris(-2, 10, 30),
        place=PRESELECTION_PLACE,
        capacity=1,
        booking_closes_at=_paris(-3, 10),
        is_published=True,
        created_by_staff_id=staff_id,
        created_at=_paris(-5, 11),
    )
    session.add(held)
    session.flush()
    absent, _actor = _application(session, "c10", program.id or 0)
    booking = SlotBooking(slot_id=held.id or 0, application_id=absent.id or 0, booked_at=_paris(-4, 18, 12))
    session.add(booking)
    session.flush()
    mark_attendance(
        session, actor=manager, booking_id=booking.id or 0, version=booking.version, attendance=Attendance.ABSENT
    )
    half_hours = [_paris(6, 14) + timedelta(minutes=30 * n) for n in range(3)]
    to_come = [SlotInput(at, at + timedelta(minutes=30), PRESELECTION_PLACE, "", 1) for at in half_hours]
    to_come.append(SlotInput(_paris(7, 10), _paris(7, 11), "", VIDEO_LINK, 2))
    slots = [create_slot(session, actor=manager, program_id=program.id or 0, data=d, publish=True) for d in to_come]
    booked, candidate = _application(session, "c08", program.id or 0)
    book_slot(session, actor=candidate, application_id=booked.id or 0, slot_id=slots[0].id or 0)
    return len(slots) + 1
