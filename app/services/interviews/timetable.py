"""Staff's timetable of a programme's interviews: its slots in order with the candidates booked, the programmes that
have interviews, and marking a candidate present or absent.

Reads and writes go through the scope rule: the programme with ``require_program_in_scope``, each booked
candidate's application with ``scope_filter`` (a role sees only the applications it covers) and, to mark
attendance, ``require_application_in_scope``. Attendance is version-checked (two staff on one booking: the second
is refused) and written in the application's history.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app import clock
from app.i18n import N_
from app.models import (
    Account,
    Application,
    ApplicationCentre,
    Attendance,
    Campaign,
    Candidate,
    DecisionKind,
    InterviewSlot,
    Program,
    SlotBooking,
)
from app.services.accounts.staff_roles import current_role
from app.services.applications.staff_scope import (
    program_scope,
    require_application_in_scope,
    require_program_in_scope,
    scope_filter,
)
from app.services.interviews.rules import SlotView, booked_counts, live_bookings, slot_view
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError, NotFound, StaleEdit
from app.services.platform.labels import label_in
from app.services.platform.versions import flush_versioned

NOT_STARTED = N_("L'entretien n'a pas encore commencé : vous noterez la présence à partir de son début.")


@dataclass(frozen=True)
class BookedCandidate:
    booking_id: int
    application_id: int
    dossier_number: str
    name: str
    attendance: Attendance
    version: int


@dataclass(frozen=True)
class TimetableSlot:
    slot: SlotView
    started: bool  # attendance may be marked
    candidates: list[BookedCandidate]


@dataclass(frozen=True)
class Timetable:
    program_id: int
    program: str
    centre: str
    slots: list[TimetableSlot]
    shortlisted: int  # applications of the scope whose latest published decision is a preselection
    unbooked: int  # …of which without a live booking
    can_edit: bool  # the role may change slots and attendance (not a read-only role)


def _shortlisted(program_id: int) -> list:
    return [
        Application.program_id == program_id,
        col(Application.cancelled_at).is_(None),
        col(Application.last_decision_published),
        Application.last_decision_kind == DecisionKind.PRESELECTION,
    ]


def interview_timetable(session: Session, *, actor: Actor, program_id: int, lang: str = "fr") -> Timetable:
    """The programme's slots (cancelled ones left out) in order, each with the candidates booked, by name."""
    program, role = require_program_in_scope(session, actor=actor, program_id=program_id)
    centre = session.get(ApplicationCentre, program.centre_id)
    slots = session.exec(
        select(InterviewSlot)
        .where(InterviewSlot.program_id == program_id, col(InterviewSlot.cancelled_at).is_(None))
        .order_by(col(InterviewSlot.starts_at), col(InterviewSlot.id))
    ).all()
    ids = [slot.id or 0 for slot in slots]
    counts = booked_counts(session, ids)
    people: dict[int, list[BookedCandidate]] = {}
    rows = session.exec(
        select(SlotBooking, Account.dossier_number, Candidate.birth_name, Candidate.first_names)
        .join(Application, col(Application.id) == SlotBooking.application_id)
        .join(Candidate, col(Candidate.id) == Application.candidate_id)
        .join(Account, col(Account.id) == Candidate.account_id)
        .where(col(SlotBooking.slot_id).in_(ids or [-1]), *live_bookings(), scope_filter(role))
        .order_by(col(Candidate.birth_name), col(Candidate.first_names), col(SlotBooking.id))
    ).all()
    for booking, number, birth_name, first_names in rows:
        people.setdefault(booking.slot_id, []).append(
            BookedCandidate(
                booking.id or 0,
                booking.application_id,
                number,
                f"{birth_name} {first_names}".strip(),
                booking.attendance,
                booking.version,
            )
        )
    now = clock.now()
    listed = [
        TimetableSlot(slot_view(slot, counts.get(slot.id or 0, 0)), slot.starts_at <= now, people.get(slot.id or 0, []))
        for slot in slots
    ]
    shortlisted = select(Application.id).where(*_shortlisted(program_id), scope_filter(role))
    booked = select(SlotBooking.application_id).where(*live_bookings())
    total = session.exec(select(func.count()).select_from(shortlisted.subquery())).one()
    unbooked = session.exec(
        select(func.count()).select_from(shortlisted.where(col(Application.id).not_in(booked)).subquery())
    ).one()
    label = label_in(program, lang)
    centre_label = label_in(centre, lang) if centre else ""
    editable = not (role.read_only or actor.read_only)
    return Timetable(program_id, label, centre_label, listed, total, unbooked, editable)


def programs_with_interviews(session: Session, *, actor: Actor, lang: str = "fr") -> list[tuple[int, str, int, int]]:
    """(id, label, slots, shortlisted) of the active campaign's programmes of the scope with slots or shortlisted
    candidates."""
    role = current_role(session, actor=actor)
    slots = (
        select(func.count())
        .where(InterviewSlot.program_id == Program.id, col(InterviewSlot.cancelled_at).is_(None))
        .scalar_subquery()
    )
    listed = (
        select(func.count())
        .select_from(Application)
        .where(*_shortlisted(Program.id), scope_filter(role))  # type: ignore[arg-type]
        .scalar_subquery()
    )
    rows = session.exec(
        select(Program, slots, listed)
        .join(Campaign, col(Campaign.id) == Program.campaign_id)
        .where(col(Campaign.is_active), program_scope(role), sa.or_(slots > 0, listed > 0))
        .order_by(col(Program.label_fr), col(Program.id))
    ).all()
    return [(program.id or 0, label_in(program, lang), slot_count, count) for program, slot_count, count in rows]


def mark_attendance(
    session: Session, *, actor: Actor, booking_id: int, version: int, attendance: Attendance
) -> SlotBooking:
    """« Présent » / « Absent » (or back to « Attendu ») once the interview has started."""
    booking = session.get(SlotBooking, booking_id)
    if booking is None or booking.cancelled_at is not None:
        raise NotFound("booking")
    application, _role = require_application_in_scope(
        session, actor=actor, application_id=booking.application_id, write=True
    )
    slot = session.get(InterviewSlot, booking.slot_id)
    assert slot is not None
    if slot.starts_at > clock.now():
        raise DomainError("interview_not_started", NOT_STARTED)
    if booking.version != version:
        raise StaleEdit()
    if booking.attendance == attendance:
        return booking  # a double click: once is enough
    before = booking.attendance
    booking.attendance, booking.attendance_by_staff_id = attendance, actor.staff_id
    session.add(booking)
    flush_versioned(session)  # a colleague marked it meanwhile: refused
    audit_application(
        session,
        actor,
        application,
        "interview.attendance_marked",
        {"attendance": before.value},
        {"attendance": attendance.value, "slot_id": slot.id},
        entity=("slotbooking", booking.id),
    )
    return booking
