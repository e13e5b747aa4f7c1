"""What is published: an application's latest published decision, as a row or as a correlated column.

Read by the waiting list, the answers, the letters, the jobs and the statistics; imports no other decision module.
"""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.models import Application, Decision
from app.services.platform.transaction_memo import LATEST_PUBLISHED, view_memo

CHUNK = 500  # ids per IN (...) clause: well under SQLite's and PostgreSQL's parameter limits


_LATEST_PUBLISHED = (
    select(Decision)
    .where(Decision.application_id == sa.bindparam("application_id"), col(Decision.published_at).is_not(None))
    .order_by(col(Decision.published_at).desc(), col(Decision.id).desc())
    .limit(1)
)


def latest_published(session: Session, application_id: int) -> Decision | None:
    """The application's latest published decision; read once in a page's load (``transaction_memo.only_reads``)."""
    kept = view_memo(session, LATEST_PUBLISHED)
    if kept is not None and application_id in kept:
        return kept[application_id]
    decision = session.exec(_LATEST_PUBLISHED, params={"application_id": application_id}).first()
    if kept is not None:
        kept[application_id] = decision
    return decision


def latest_published_by_application(session: Session, application_ids: list[int]) -> dict[int, Decision]:
    """``latest_published`` of many applications (those without one are absent)."""
    return latest_by_application(
        session, application_ids, Decision.published_at, col(Decision.published_at).is_not(None)
    )


def latest_by_application(
    session: Session, application_ids: list[int], moment: Any, *where: Any, reread: bool = False
) -> dict[int, Decision]:
    """The latest decision by ``moment`` (then id) of each application meeting ``where``, one query each CHUNK ids
    (those without one are absent); ``reread`` refreshes rows already in the session."""
    latest: dict[int, Decision] = {}
    for start in range(0, len(application_ids), CHUNK):
        query = (
            select(Decision)
            .where(col(Decision.application_id).in_(application_ids[start : start + CHUNK]), *where)
            .order_by(col(Decision.application_id), col(moment).desc(), col(Decision.id).desc())
        )
        if reread:
            query = query.execution_options(populate_existing=True)
        for decision in session.exec(query).all():
            latest.setdefault(decision.application_id, decision)  # the first row of an application is its latest
    return latest


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
