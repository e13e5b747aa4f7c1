"""The files of a piece (« pièce justificative ») as the candidate changes them: the merged PDF, what a change
carries to the candidate's other applications, the client's file name shown back.

Shared pieces (``RequiredDocument.is_shared``) are references: a change to one application's piece is carried
to the same piece of the candidate's other live applications that are still open (dossier En attente, before
their return date, piece not validated) *and* held the same files — the very same ``StoredFile`` rows, never a
copy of the bytes. An application already transmitted keeps its links (eCandidat's issue #37), and bytes are
deleted only when no row references them anymore, after the commit.

Below ``pieces`` (the candidate's actions and the rules about who may change a piece). A piece's links, set through
the piece-status machine, and the release of the files nobody references are ``applications/piece_links``'s: the
application's lifecycle uses them too (the shared pieces adopted on apply, the files released on cancel).
"""

import io
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from pypdf import PdfReader, PdfWriter
from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import (
    Application,
    DocumentStatus,
    DossierStatus,
    FileKind,
    Procedure,
    Program,
    RequiredDocument,
    StoredFile,
    SubmittedDocument,
)
from app.services.applications.dossier_status import EDITABLE_DOSSIER, effective_return_by
from app.services.applications.piece_links import files_of, release_files, set_links
from app.services.documents import pdf_sandbox
from app.services.platform import file_store, parameters
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError
from app.services.platform.notifications import notify_candidate

PIECE_TOO_MANY_PAGES = N_("Cette pièce dépasserait {max} pages ({pages}) : retirez un fichier ou allégez-le.")


# --- The merge, and a change carried to the same shared piece elsewhere -------------------------------------------


def application_open(application: Application, program: Program) -> bool:
    return_by = effective_return_by(application, program)
    return (
        application.cancelled_at is None
        and application.dossier_status in EDITABLE_DOSSIER
        and (return_by is None or clock.now() <= return_by)
    )


def merge_files(
    session: Session,
    file_ids: list[int],
    label: str,
    candidate_id: int,
    *,
    done: pdf_sandbox.NormalisedFile | None = None,
) -> StoredFile | None:
    """Store the merged PDF of ``file_ids`` (clean files, in that order): ``done`` when the sandbox's batch child
    wrote it already (``pdf_sandbox.normalise_batch``), else merged here with pypdf."""
    if not file_ids:
        return None
    stored_files = [session.get(StoredFile, file_id) for file_id in file_ids]
    if done is None or done.page_count != sum((f.page_count or 0) if f else 0 for f in stored_files):
        writer = PdfWriter()
        for stored in stored_files:
            assert stored is not None
            for page in PdfReader(io.BytesIO(file_store.read(stored.storage_key))).pages:
                writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        done = pdf_sandbox.NormalisedFile(buffer.getvalue(), len(writer.pages), pdf_sandbox.PDF)
    data = done.pdf
    key, digest = file_store.put_in_transaction(session, data, suffix=".pdf")
    merged = StoredFile(
        storage_key=key,
        sha256=digest,
        size=len(data),
        media_type=pdf_sandbox.PDF,
        original_name=display_name(f"{label}.pdf"),
        page_count=done.page_count,
        kind=FileKind.MERGED,
        owner_candidate_id=candidate_id,
    )
    session.add(merged)
    session.flush()
    return merged


def merged_bytes(session: Session, document: SubmittedDocument, files: list[StoredFile]) -> bytes | None:
    """The piece's merged PDF, if it holds ``files``' pages (what a batch appends its new pages to)."""
    merged = session.get(StoredFile, document.merged_file_id) if document.merged_file_id else None
    if merged is None or not files or merged.page_count != sum(f.page_count or 0 for f in files):
        return None
    return file_store.read(merged.storage_key)


def _siblings(
    session: Session, document: SubmittedDocument, application: Application, old_ids: list[int]
) -> Iterator[tuple[SubmittedDocument, Application]]:
    """The same shared piece in the candidate's other open applications that held the same files."""
    rows = session.exec(
        select(SubmittedDocument, Application, Program)
        .join(Application, col(Application.id) == SubmittedDocument.application_id)
        .join(Program, col(Program.id) == Application.program_id)
        .where(
            Application.candidate_id == application.candidate_id,
            Application.id != application.id,
            col(Application.cancelled_at).is_(None),
            Application.dossier_status == DossierStatus.PENDING,  # never an application already transmitted
            SubmittedDocument.required_document_id == document.required_document_id,
            col(SubmittedDocument.status).in_([DocumentStatus.PENDING, DocumentStatus.SUBMITTED]),
        )
    ).all()
    for sibling, sibling_application, program in rows:
        if program.procedure != Procedure.ONLINE or not application_open(sibling_application, program):
            continue
        if [f.id for f in files_of(session, sibling)] == old_ids:
            yield sibling, sibling_application


def change_files(
    session: Session,
    actor: Actor,
    document: SubmittedDocument,
    application: Application,
    required: RequiredDocument,
    old_ids: list[int],
    new_ids: list[int],
    action: str,
    *,
    merged_pdf: pdf_sandbox.NormalisedFile | None = None,
) -> None:
    """Make the piece (and the siblings sharing it) hold ``new_ids``, merged (``merged_pdf``: already merged by the
    sandbox), the files no longer used released; audited as ``action``."""
    settings = parameters.effective_settings()
    total_pages = sum(stored.page_count or 0 for i in new_ids if (stored := session.get(StoredFile, i)) is not None)
    if total_pages > settings.max_piece_pages:  # cannot happen by removing or reordering; kept as the invariant
        raise DomainError("piece_too_many_pages", PIECE_TOO_MANY_PAGES, pages=total_pages, max=settings.max_piece_pages)
    siblings = list(_siblings(session, document, application, old_ids)) if required.is_shared else []
    merged = merge_files(session, new_ids, required.label_fr, application.candidate_id, done=merged_pdf)
    merged_id = merged.id if merged else None
    released = {*old_ids}
    old_merged = set_links(session, document, new_ids, merged_id)
    released.add(old_merged or 0)
    for sibling, sibling_application in siblings:
        released.add(set_links(session, sibling, new_ids, merged_id) or 0)
        audit_application(
            session,
            actor,
            sibling_application,
            f"{action}.shared",
            after={"from_submitted_document_id": document.id, "files": new_ids},
            entity=("submitted_document", sibling.id),
        )
    release_files(session, released - {0})
    audit_application(
        session,
        actor,
        application,
        action,
        before={"files": old_ids},
        after={"files": new_ids, "pages": merged.page_count if merged else 0, "shared_with": len(siblings)},
        entity=("submitted_document", document.id),
    )
    notify_candidate(session, application.candidate_id)


_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


def display_name(name: str) -> str:
    """The client's name, for display only: no folders, no control characters, bounded."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    return _UNSAFE.sub("", base).strip()[:255] or "document"
