"""What is published: an application's latest published decision, as a row or as a correlated column.

Read by the waiting list, the answers, the letters, the jobs and the statistics; imports no other decision module.
"""

from typing import Any

from sqlmodel import Session, col, select

from app.models import Application, Decision


def latest_published(session: Session, application_id: int) -> Decision | None:
    return session.exec(
        select(Decision)
        .where(Decision.application_id == application_id, col(Decision.published_at).is_not(None))
        .order_by(col(Decision.published_at).desc(), col(Decision.id).desc())
        .limit(1)
    ).first()


def latest_published_column(column: Any) -> Any:
    """A correlated scalar subquery: ``column`` of the application's latest published decision."""
    return (
        select(column)
        .where(Decision.application_id == Application.id, col(Decision.published_at).is_not(None))
        .order_by(col(Decision.published_at).desc(), col(Decision.id).desc())
        .limit(1)
        .correlate(Application)
        .scalar_subquery()
    )
