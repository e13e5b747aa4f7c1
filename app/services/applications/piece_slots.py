"""The rows ("slots") a required piece has in the applications not yet transmitted (live, dossier En attente).

Which pieces an application asks for is computed from the *active* pieces of its three scopes
(``actions.applicable_documents``): transmission, the staff's lists of missing pieces and the mails read it;
the candidate's screens read the application's ``SubmittedDocument`` rows. When the administration adds,
reactivates, deactivates or changes a piece, these functions keep the rows of the open applications in step, so
that both agree. Transmitted applications are never touched: what they hold stays readable.
"""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.models import (
    Application,
    Campaign,
    DocumentStatus,
    DossierStatus,
    Procedure,
    Program,
    RequiredDocument,
    Scope,
    SubmittedDocument,
    SubmittedDocumentFile,
)
from app.services.applications.piece_links import adopt_shared_pieces
from app.services.applications.piece_status import move_piece
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.lifecycle import By
from app.services.platform.notifications import notify_candidate


def _open_applications(session: Session, piece: RequiredDocument) -> list[tuple[Application, Program]]:
    """Live applications of the active campaign, not yet transmitted, that ``piece`` applies to."""
    statement = (
        select(Application, Program)
        .join(Program, col(Program.id) == Application.program_id)
        .join(Campaign, col(Campaign.id) == Application.campaign_id)
        .where(
            col(Campaign.is_active),
            col(Application.cancelled_at).is_(None),
            col(Application.transmitted_at).is_(None),
            Application.dossier_status == DossierStatus.PENDING,
        )
    )
    if piece.scope == Scope.CENTRE:
        statement = statement.where(Application.centre_id == piece.centre_id)
    elif piece.scope == Scope.PROGRAM:
        statement = statement.where(Application.program_id == piece.program_id)
    return list(session.exec(statement.order_by(col(Application.id))).all())


def _rows(
    session: Session, piece: RequiredDocument, applications: dict[int | None, Any], *where: Any
) -> list[SubmittedDocument]:
    """The rows of ``piece`` in these open applications that match ``where``."""
    found = session.exec(select(SubmittedDocument).where(SubmittedDocument.required_document_id == piece.id, *where))
    return [row for row in found.all() if row.application_id in applications]


def _audit_count(session: Session, actor: Actor, piece: RequiredDocument, action: str, count: int) -> None:
    """How many open applications a change of ``piece`` reached, when it reached any."""
    if count:
        audit_row(session, actor, action, piece, after={"applications": count})


def open_slots(session: Session, actor: Actor, piece: RequiredDocument) -> None:
    """Give each open application a row for ``piece`` (En attente, or the shared file the candidate gave)."""
    applications = _open_applications(session, piece)
    if not applications:
        return
    # Every row of this piece, open application or not: no list of ids in the query (SQLite caps bound variables,
    # and an institution's piece concerns every open application).
    held = set(
        session.exec(
            select(SubmittedDocument.application_id).where(SubmittedDocument.required_document_id == piece.id)
        ).all()
    )
    added = 0
    for application, _program in applications:
        if application.id not in held:
            session.add(SubmittedDocument(application_id=application.id or 0, required_document_id=piece.id or 0))
            added += 1
    session.flush()
    if piece.is_shared:
        for application, program in applications:
            if program.procedure == Procedure.ONLINE:
                adopt_shared_pieces(session, application=application, by=By.SYSTEM)
    for candidate_id in {a.candidate_id for a, _ in applications}:
        notify_candidate(session, candidate_id)
    _audit_count(session, actor, piece, "required_document.slots_opened", added)


def close_empty_slots(session: Session, actor: Actor, piece: RequiredDocument) -> None:
    """Drop the rows of ``piece`` that hold nothing in the open applications: it is no longer asked for there."""
    applications = {a.id: a for a, _ in _open_applications(session, piece)}
    if not applications:
        return
    has_file = sa.exists().where(SubmittedDocumentFile.submitted_document_id == SubmittedDocument.id)
    empty = _rows(
        session,
        piece,
        applications,
        SubmittedDocument.status == DocumentStatus.PENDING,
        col(SubmittedDocument.merged_file_id).is_(None),
        ~has_file,
    )
    for row in empty:
        notify_candidate(session, applications[row.application_id].candidate_id)
        session.delete(row)
    session.flush()
    _audit_count(session, actor, piece, "required_document.slots_closed", len(empty))


def undo_not_applicable(session: Session, actor: Actor, piece: RequiredDocument) -> None:
    """A piece made mandatory: « Non concerné » no longer answers it in the open applications."""
    applications = {a.id: a for a, _ in _open_applications(session, piece)}
    if not applications:
        return
    rows = _rows(session, piece, applications, SubmittedDocument.status == DocumentStatus.NOT_APPLICABLE)
    for row in rows:
        move_piece(row, DocumentStatus.PENDING, by=By.SYSTEM, now=clock.now())
        session.add(row)
        notify_candidate(session, applications[row.application_id].candidate_id)
    session.flush()
    _audit_count(session, actor, piece, "required_document.not_applicable_reset", len(rows))
