"""What staff download of an application: a piece's merged PDF and the dossier PDF's data, each download audited."""

from typing import Any

from sqlmodel import Session

from app.models import RequiredDocument, StoredFile, SubmittedDocument
from app.services.applications.staff_scope import require_application_in_scope, require_row_in_scope
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import NotFound


def read_piece_pdf(session: Session, *, actor: Actor, submitted_document_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of a piece's merged PDF for a staff member whose role reaches the application."""
    document, application = require_row_in_scope(
        session, actor=actor, model=SubmittedDocument, row_id=submitted_document_id, missing="piece"
    )
    stored = session.get(StoredFile, document.merged_file_id) if document.merged_file_id else None
    required = session.get(RequiredDocument, document.required_document_id)
    if stored is None or required is None:
        raise NotFound("merged file")
    audit_application(
        session,
        actor,
        application,
        "piece.viewed",
        entity=("submitteddocument", document.id),
    )
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in required.code) or "piece"
    return f"{safe}.pdf", file_store.read(stored.storage_key)


def dossier_pdf_context_for_staff(session: Session, *, actor: Actor, application_id: int) -> dict[str, Any]:
    """The dossier PDF's data for a staff download (rendered by the caller off the event loop); audited."""
    from app.services.documents.dossier_pdf import dossier_pdf_context

    application, _role = require_application_in_scope(session, actor=actor, application_id=application_id)
    audit_application(session, actor, application, "application.dossier_downloaded")
    return dossier_pdf_context(session, actor=actor, application_id=application_id)
