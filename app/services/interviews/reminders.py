"""The reminder the day before an interview: one mail per live booking of a slot starting the next Paris day.

The job's shape is ``(session, now) -> (processed, message)`` (``platform/jobs``). ``reminded_at`` marks a booking
reminded, so a second run the same day — or another instance — sends nothing again; the rows are claimed with
``FOR UPDATE SKIP LOCKED`` (PostgreSQL). A booking moved to another slot is a new booking: reminded of its new slot.
"""

from datetime import datetime, time, timedelta

from sqlmodel import Session, col, select

from app.clock import PARIS
from app.i18n import N_
from app.models import Account, Application, Candidate, InterviewSlot, SlotBooking
from app.services.interviews import mails
from app.services.interviews.rules import booked_counts, live_bookings, slot_view
from app.services.platform.jobs import register_job

REMINDER_JOB = "interview_reminders"


def next_paris_day(now: datetime) -> tuple[datetime, datetime]:
    """The start and end (aware) of the Paris calendar day after ``now``'s."""
    tomorrow = now.astimezone(PARIS).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0, 0), tzinfo=PARIS)
    end = datetime.combine(tomorrow + timedelta(days=1), time(0, 0), tzinfo=PARIS)
    return start, end


def send_interview_reminders(session: Session, now: datetime) -> tuple[int, str]:
    start, end = next_paris_day(now)
    rows = session.exec(
        select(SlotBooking, InterviewSlot, Application)
        .join(InterviewSlot, col(InterviewSlot.id) == SlotBooking.slot_id)
        .join(Application, col(Application.id) == SlotBooking.application_id)
        .join(Candidate, col(Candidate.id) == Application.candidate_id)
        .join(Account, col(Account.id) == Candidate.account_id)
        .where(
            *live_bookings(),
            col(SlotBooking.reminded_at).is_(None),
            col(InterviewSlot.cancelled_at).is_(None),
            InterviewSlot.starts_at >= start,
            InterviewSlot.starts_at < end,
            col(Application.cancelled_at).is_(None),
            col(Account.deleted_at).is_(None),
        )
        .order_by(col(SlotBooking.id))
        .with_for_update(of=SlotBooking, skip_locked=True)  # PostgreSQL: two instances never share a row
    ).all()
    counts = booked_counts(session, sorted({slot.id or 0 for _booking, slot, _application in rows}))
    for booking, slot, application in rows:
        mails.mail_interview(session, application, mails.REMINDER, slot_view(slot, counts.get(slot.id or 0, 0)))
        booking.reminded_at = now
        session.add(booking)
    session.flush()
    return len(rows), f"interview reminders: {len(rows)}"


register_job(
    REMINDER_JOB,
    send_interview_reminders,
    daily_at=time(10, 0),
    label=N_("Rappel la veille d'un entretien de présélection"),
)
