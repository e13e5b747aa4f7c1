"""The candidate's « Messages »: what staff wrote to them from the staff list, newest first, read-only."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.models import StaffMessage, StaffMessageRecipient
from app.services.applications.actions import own_candidate_id
from app.services.platform.actors import Actor


@dataclass(frozen=True)
class ReceivedMessage:
    sent_at: datetime
    subject: str
    content: str  # HTML already through the mail allow-list when it was sent
    language: str


def list_my_messages(session: Session, *, actor: Actor) -> list[ReceivedMessage]:
    """The signed-in candidate's messages, newest first (another candidate's never: the candidate is the actor)."""
    candidate_id = own_candidate_id(session, actor=actor)
    if candidate_id is None:
        return []
    rows = session.exec(
        select(StaffMessage.sent_at, StaffMessageRecipient)
        .join(StaffMessage, col(StaffMessage.id) == StaffMessageRecipient.message_id)
        .where(StaffMessageRecipient.candidate_id == candidate_id)
        .order_by(col(StaffMessage.sent_at).desc(), col(StaffMessage.id).desc())
    ).all()
    return [ReceivedMessage(sent_at, row.subject, row.content_html, row.language) for sent_at, row in rows]
