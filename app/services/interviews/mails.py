"""The interview mails to the candidate: booked, moved, cancelled by them, cancelled by staff, the day-before reminder.

Each is enqueued in the caller's transaction with the ``slot`` it is about (and the ``previous_slot`` of a move),
through the same ``mail_parties`` / ``mail_candidate`` as the other mails about an application.
"""

from typing import Any

from sqlmodel import Session

from app.models import Application
from app.services.applications.mails import candidate_link, mail_candidate, mail_parties
from app.services.interviews.rules import SlotView

BOOKED = "interview_booked"
MOVED = "interview_moved"
CANCELLED = "interview_cancelled"
SLOT_CANCELLED = "interview_slot_cancelled"
REMINDER = "interview_reminder"


def mail_interview(
    session: Session, application: Application, code: str, slot: SlotView, previous: SlotView | None = None
) -> None:
    context: dict[str, Any] = {"slot": slot.mail(), "link": candidate_link(application)}
    if previous is not None:
        context["previous_slot"] = previous.mail()
    mail_candidate(session, mail_parties(session, application), code, context)
