"""The files a piece row holds (``SubmittedDocumentFile``, ``SubmittedDocument.merged_file_id``), as the
application's lifecycle needs them: a new application adopts the shared pieces the candidate gave elsewhere, a
cancelled one releases its files, and a piece's links are set through the piece-status machine.

Shared pieces (``RequiredDocument.is_shared``) are references: the very same ``StoredFile`` rows, never a copy of
the bytes; bytes are deleted only when no row references them anymore, after the commit. The candidate's changes
to a piece's files, their merge and what a change carries to the candidate's other applications are
``documents/piece_files``'s, which builds on this module.
"""

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.models import (
    Application,
    DocumentStatus,
    FileKind,
    RequiredDocument,
    StoredFile,
    SubmittedDocument,
    SubmittedDocumentFile,
)
from app.services.applications.piece_status import move_piece
from app.services.platform import file_store
from app.services.platform.lifecycle import By


def files_of(session: Session, document: SubmittedDocument) -> list[StoredFile]:
    rows = session.exec(
        select(StoredFile)
        .join(SubmittedDocumentFile, col(SubmittedDocumentFile.stored_file_id) == StoredFile.id)
        .where(SubmittedDocumentFile.submitted_document_id == document.id)
        .order_by(col(SubmittedDocumentFile.position), col(StoredFile.id))
    ).all()
    return list(rows)


def set_links(
    session: Session, document: SubmittedDocument, file_ids: list[int], merged_id: int | None, *, by: By = By.CANDIDATE
) -> int | None:
    """Make ``document`` hold exactly ``file_ids`` in that order and the merged file; returns the old merged id."""
    session.execute(
        sa.delete(SubmittedDocumentFile).where(col(SubmittedDocumentFile.submitted_document_id) == document.id)
    )
    for position, file_id in enumerate(file_ids):
        session.add(
            SubmittedDocumentFile(submitted_document_id=document.id or 0, stored_file_id=file_id, position=position)
        )
    old_merged = document.merged_file_id
    document.merged_file_id = merged_id
    move_piece(document, DocumentStatus.SUBMITTED if file_ids else DocumentStatus.PENDING, by=by, now=clock.now())
    document.comment = "" if file_ids else document.comment
    session.add(document)  # the version bump: a concurrent change of the same piece is refused, not merged
    session.flush()
    return old_merged


def adopt_shared_pieces(session: Session, *, application: Application, by: By = By.CANDIDATE) -> None:
    """Fill a new application's shared pieces from the candidate's latest live application that has them (``by``:
    the candidate applying, or the system when the administration adds a shared piece)."""
    documents = session.exec(
        select(SubmittedDocument, RequiredDocument)
        .join(RequiredDocument, col(RequiredDocument.id) == SubmittedDocument.required_document_id)
        .where(SubmittedDocument.application_id == application.id, col(RequiredDocument.is_shared))
    ).all()
    for document, _required in documents:
        if document.status != DocumentStatus.PENDING:
            continue
        source = session.exec(
            select(SubmittedDocument)
            .join(Application, col(Application.id) == SubmittedDocument.application_id)
            .where(
                Application.candidate_id == application.candidate_id,
                col(Application.cancelled_at).is_(None),
                Application.id != application.id,
                SubmittedDocument.required_document_id == document.required_document_id,
                col(SubmittedDocument.merged_file_id).is_not(None),
            )
            .order_by(col(SubmittedDocument.status_at).desc())
        ).first()
        if source is not None:
            set_links(session, document, [f.id or 0 for f in files_of(session, source)], source.merged_file_id, by=by)


def release_piece_files(session: Session, documents: list[SubmittedDocument]) -> None:
    """Before deleting ``documents`` (a cancelled application): drop their links, then the files nobody uses."""
    ids = [d.id for d in documents if d.id is not None]
    if not ids:
        return
    links = session.exec(
        select(SubmittedDocumentFile).where(col(SubmittedDocumentFile.submitted_document_id).in_(ids))
    ).all()
    file_ids = {link.stored_file_id for link in links} | {d.merged_file_id for d in documents if d.merged_file_id}
    for link in links:
        session.delete(link)
    for document in documents:
        document.merged_file_id = None
        session.add(document)
    session.flush()
    release_files(session, file_ids)


def release_files(session: Session, file_ids: set[int] | list[int]) -> None:
    """Delete the upload and merged ``StoredFile`` rows no piece references anymore; their bytes after commit."""
    session.flush()
    for file_id in set(file_ids):
        stored = session.get(StoredFile, file_id)
        if stored is None or stored.kind not in (FileKind.UPLOAD, FileKind.MERGED):
            continue
        linked = session.exec(
            select(SubmittedDocumentFile.submitted_document_id).where(SubmittedDocumentFile.stored_file_id == file_id)
        ).first()
        merged_into = session.exec(
            select(SubmittedDocument.id).where(SubmittedDocument.merged_file_id == file_id)
        ).first()
        if linked is None and merged_into is None:
            file_store.delete_after_commit(session, stored.storage_key)
            session.delete(stored)
    session.flush()
