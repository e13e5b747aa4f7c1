"""The candidate's pieces ("pièces justificatives"): files added, removed, reordered, merged; « Non concerné ».

Each upload goes through the sandbox (``pdf_sandbox.normalise``) and only the normalised PDF is stored: the
original bytes are not kept, so a polyglot or a script hidden in a file never reaches the file store or a
manager's screen (the client's name is kept for display). The files of a piece are merged into one PDF, in the
candidate's order, after every change; the merge runs in-process with pypdf because it only reads normalised
files our own worker wrote (pages copied without inflating their streams, page counts already bounded).

Shared pieces (``RequiredDocument.is_shared``) are references: a change to one application's piece is carried
to the same piece of the candidate's other live applications that are still open (dossier En attente, before
their return date, piece not validated) *and* held the same files — the very same ``StoredFile`` rows, never a
copy of the bytes. An application already transmitted keeps its links (eCandidat's issue #37), and bytes are
deleted only when no row references them anymore, after the commit.
"""

import io
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import sqlalchemy as sa
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
    SubmittedDocumentFile,
)
from app.services.applications.actions import own_application, own_candidate
from app.services.applications.application_rows import ApplicationRows, piece_rows
from app.services.applications.dossier_status import EDITABLE_DOSSIER, effective_return_by
from app.services.documents import pdf_sandbox
from app.services.documents.piece_status import move_piece
from app.services.platform import file_store, parameters, read_only
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.file_names import ascii_filename
from app.services.platform.labels import in_language, label_in
from app.services.platform.lifecycle import By
from app.services.platform.notifications import notify_candidate

MB = pdf_sandbox.MB

PIECE_VALIDATED = N_("Cette pièce a été validée : elle ne peut plus être modifiée.")
PIECES_CLOSED = N_(
    "Les pièces ne peuvent plus être modifiées : la date de retour est passée ou le dossier a été transmis."
)
PAPER_PROCEDURE = N_("Cette formation demande un dossier papier : les pièces sont à envoyer par courrier.")
PIECE_TOO_LARGE = N_("Cette pièce dépasserait {max} Mo : retirez un fichier ou réduisez-les.")
PIECE_TOO_MANY_PAGES = N_("Cette pièce dépasserait {max} pages ({pages}) : retirez un fichier ou allégez-le.")
NOT_CONDITIONAL = N_("Cette pièce est obligatoire : la réponse « Non concerné » n'est pas possible.")
HAS_FILES = N_("Retirez d'abord les fichiers déposés pour cette pièce.")
STALE_ORDER = N_("La liste des fichiers a changé entre-temps : rechargez la page et recommencez.")


# --- What the widget shows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PieceFile:
    stored_file_id: int
    name: str
    pages: int
    size: int


@dataclass(frozen=True)
class Piece:
    submitted_document_id: int
    application_id: int
    label: str
    help: str
    status: DocumentStatus
    comment: str
    is_conditional: bool
    is_shared: bool
    editable: bool  # files may be added, removed, reordered now
    files: list[PieceFile] = field(default_factory=list)
    merged_file_id: int | None = None
    merged_pages: int = 0
    merged_size: int = 0
    required_document_id: int = 0
    has_template: bool = False  # a blank form to download (admin_pieces.read_template)
    awaiting_transmission: bool = False  # the application is not (or no longer) with the committee: « Déposée »


def get_piece(session: Session, *, actor: Actor, submitted_document_id: int, lang: str = "fr") -> Piece:
    """One piece of the actor's own application, with its files in order and the merged PDF's pages and size."""
    document, application, program, required = _load(session, actor, submitted_document_id)
    merged = session.get(StoredFile, document.merged_file_id) if document.merged_file_id else None
    return _piece(actor, document, application, program, required, merged, _files(session, document), lang)


def list_pieces(
    session: Session, *, actor: Actor, application_id: int, lang: str = "fr", rows: ApplicationRows | None = None
) -> dict[int, Piece]:
    """Every piece of the actor's own application, by submitted document id, as ``get_piece`` draws each: a few
    queries for the whole application instead of several per piece (the application's page loads them all, and
    hands over the ``rows`` it has read already: then only the files are read)."""
    _candidate, application = own_application(session, actor, application_id)
    if rows is not None and rows.is_for(application):
        program: Program | None = rows.program
        pairs = rows.documents
    else:
        program = session.get(Program, application.program_id)
        pairs = piece_rows(session, [application_id])
    assert program is not None
    if not pairs:
        return {}
    documents = [document for document, _required in pairs]
    merged_ids = {d.merged_file_id for d in documents if d.merged_file_id}
    stored = (
        {f.id: f for f in session.exec(select(StoredFile).where(col(StoredFile.id).in_(merged_ids)))}
        if merged_ids
        else {}
    )
    files: dict[int, list[StoredFile]] = {d.id or 0: [] for d in documents}
    for link, file in session.exec(
        select(SubmittedDocumentFile, StoredFile)
        .join(StoredFile, col(SubmittedDocumentFile.stored_file_id) == StoredFile.id)
        .where(col(SubmittedDocumentFile.submitted_document_id).in_(list(files)))
        .order_by(col(SubmittedDocumentFile.position), col(StoredFile.id))
    ):
        files[link.submitted_document_id].append(file)
    pieces: dict[int, Piece] = {}
    for document, required in pairs:
        merged = stored.get(document.merged_file_id) if document.merged_file_id else None
        pieces[document.id or 0] = _piece(
            actor, document, application, program, required, merged, files[document.id or 0], lang
        )
    return pieces


def _piece(
    actor: Actor,
    document: SubmittedDocument,
    application: Application,
    program: Program,
    required: RequiredDocument,
    merged: StoredFile | None,
    files: list[StoredFile],
    lang: str,
) -> Piece:
    help_text = in_language(required.help_fr, required.help_en, lang)
    return Piece(
        submitted_document_id=document.id or 0,
        application_id=application.id or 0,
        label=label_in(required, lang),
        help=help_text,
        status=document.status,
        comment=document.comment,
        is_conditional=required.is_conditional,
        is_shared=required.is_shared,
        editable=not actor.read_only and _refusal(document, application, program) is None,
        files=[
            PieceFile(stored.id or 0, stored.original_name, stored.page_count or 0, stored.size) for stored in files
        ],
        merged_file_id=document.merged_file_id,
        merged_pages=(merged.page_count or 0) if merged else 0,
        merged_size=merged.size if merged else 0,
        required_document_id=required.id or 0,
        has_template=required.template_file_id is not None,
        awaiting_transmission=application.dossier_status in EDITABLE_DOSSIER,
    )


def read_merged_pdf(session: Session, *, actor: Actor, submitted_document_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of the piece's merged PDF, for the candidate to check what the committee will see."""
    document, _application, _program, required = _load(session, actor, submitted_document_id)
    merged = session.get(StoredFile, document.merged_file_id) if document.merged_file_id else None
    if merged is None:
        raise NotFound("merged file")
    return ascii_filename(required.code), file_store.read(merged.storage_key)


# --- The candidate's actions --------------------------------------------------------------------------------------


def add_piece_file(
    session: Session, *, actor: Actor, submitted_document_id: int, filename: str, data: bytes
) -> SubmittedDocument:
    """Add one uploaded file at the end of the piece: checked, normalised in the sandbox, stored, merged.

    The sandbox (seconds) runs before the piece is locked, so that several files sent at once are normalised side
    by side; the piece, its files and the limits are read again under the lock, and each file lands after the
    ones that took the lock before it (none is lost to a concurrent change).
    """
    read_only.require_portal_writable()  # before the sandbox's work and the stored bytes
    document, application, program, _required = _load(session, actor, submitted_document_id, write=True, lock=False)
    _require_editable(document, application, program)
    # Cheap checks first: the sandbox is the expensive part and runs before anything is written.
    pdf_sandbox.check_size(data)
    normalised = pdf_sandbox.normalise(data)
    document, application, program, required = _load(session, actor, submitted_document_id, write=True)
    _require_editable(document, application, program)
    settings = parameters.effective_settings()
    current = _files(session, document)
    pages = sum(stored.page_count or 0 for stored in current) + normalised.page_count
    if pages > settings.max_piece_pages:
        raise DomainError("piece_too_many_pages", PIECE_TOO_MANY_PAGES, pages=pages, max=settings.max_piece_pages)
    if sum(stored.size for stored in current) + len(normalised.pdf) > settings.max_piece_mb * MB:
        raise DomainError("piece_too_large", PIECE_TOO_LARGE, max=settings.max_piece_mb)
    key, digest = file_store.put_in_transaction(session, normalised.pdf, suffix=".pdf")
    stored = StoredFile(
        storage_key=key,
        sha256=digest,
        size=len(normalised.pdf),
        media_type=pdf_sandbox.PDF,
        original_name=_display_name(filename),
        page_count=normalised.page_count,
        kind=FileKind.UPLOAD,
        owner_candidate_id=application.candidate_id,
    )
    session.add(stored)
    session.flush()
    assert stored.id is not None
    old_ids = [f.id or 0 for f in current]
    _change_files(session, actor, document, application, required, old_ids, [*old_ids, stored.id], "piece.file_added")
    return document


def remove_piece_file(
    session: Session, *, actor: Actor, submitted_document_id: int, stored_file_id: int
) -> SubmittedDocument:
    """Take one file out of the piece (its bytes stay while another application's piece still references it)."""
    document, application, program, required = _load(session, actor, submitted_document_id, write=True)
    _require_editable(document, application, program)
    old_ids = [f.id or 0 for f in _files(session, document)]
    if stored_file_id not in old_ids:
        raise NotFound("piece file")
    new_ids = [i for i in old_ids if i != stored_file_id]
    _change_files(session, actor, document, application, required, old_ids, new_ids, "piece.file_removed")
    return document


def reorder_piece_files(
    session: Session, *, actor: Actor, submitted_document_id: int, order: list[int]
) -> SubmittedDocument:
    """Set the order of the piece's files: ``order`` lists every one of its ``StoredFile`` ids, first to last."""
    document, application, program, required = _load(session, actor, submitted_document_id, write=True)
    _require_editable(document, application, program)
    old_ids = [f.id or 0 for f in _files(session, document)]
    if sorted(order) != sorted(old_ids) or len(set(order)) != len(order):
        raise DomainError("stale_order", STALE_ORDER)
    if order != old_ids:
        _change_files(session, actor, document, application, required, old_ids, list(order), "piece.files_reordered")
    return document


def mark_not_applicable(
    session: Session, *, actor: Actor, submitted_document_id: int, not_applicable: bool = True
) -> SubmittedDocument:
    """« Non concerné » on a conditional piece (``not_applicable=False`` takes it back: the piece is missing again)."""
    document, application, program, required = _load(session, actor, submitted_document_id, write=True)
    _require_editable(document, application, program)
    if not required.is_conditional:
        raise DomainError("not_conditional", NOT_CONDITIONAL)
    if not_applicable and _files(session, document):
        raise DomainError("piece_has_files", HAS_FILES)
    before = document.status
    if not_applicable:
        target = DocumentStatus.NOT_APPLICABLE
    else:
        target = DocumentStatus.PENDING if before == DocumentStatus.NOT_APPLICABLE else before
    if target != before:
        move_piece(document, target, by=By.CANDIDATE, now=clock.now())
        document.comment = ""
        session.add(document)
        session.flush()
        audit(
            session,
            actor=actor,
            action="piece.not_applicable" if not_applicable else "piece.applicable",
            entity_type="submitted_document",
            entity_id=document.id,
            candidate_id=application.candidate_id,
            application_id=application.id,
            before={"status": before.value},
            after={"status": document.status.value},
        )
        notify_candidate(session, application.candidate_id)
    return document


# --- Hooks for the applications service ---------------------------------------------------------------------------


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
            _set_links(session, document, [f.id or 0 for f in _files(session, source)], source.merged_file_id, by=by)


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


# --- Internals ----------------------------------------------------------------------------------------------------


def _load(
    session: Session, actor: Actor, submitted_document_id: int, *, write: bool = False, lock: bool | None = None
) -> tuple[SubmittedDocument, Application, Program, RequiredDocument]:
    """The piece and what decides whether it may change; ``lock`` (default: ``write``) serialises the changes."""
    lock = write if lock is None else lock
    document = session.get(SubmittedDocument, submitted_document_id)
    if document is None:
        raise NotFound("piece")
    if lock:
        # One candidate's piece changes one at a time, shared pieces of their other applications included; on
        # SQLite, which ignores FOR UPDATE, this takes the writer lock (two uploads to one piece would otherwise
        # both read its version and the second be refused with a StaleDataError). Candidate, then application:
        # the order ``answers.confirm_offer`` locks them in.
        own_candidate(session, actor, write=True, lock=True)
    # Another candidate's piece is "not found" (no existence leak); the application row is locked for writes.
    _candidate, application = own_application(session, actor, document.application_id, write=write, lock=lock)
    if lock:
        session.refresh(application)  # the row as it is now (it may have been read before the lock)
    session.refresh(document)  # what the row says now, after the lock
    program = session.get(Program, application.program_id)
    required = session.get(RequiredDocument, document.required_document_id)
    assert program is not None and required is not None
    return document, application, program, required


def _application_open(application: Application, program: Program) -> bool:
    return_by = effective_return_by(application, program)
    return (
        application.cancelled_at is None
        and application.dossier_status in EDITABLE_DOSSIER
        and (return_by is None or clock.now() <= return_by)
    )


def _refusal(document: SubmittedDocument, application: Application, program: Program) -> DomainError | None:
    if program.procedure != Procedure.ONLINE:
        return DomainError("paper_procedure", PAPER_PROCEDURE)
    if document.status == DocumentStatus.VALIDATED:
        return DomainError("piece_validated", PIECE_VALIDATED)
    if not _application_open(application, program):
        return DomainError("pieces_closed", PIECES_CLOSED)
    return None


def _require_editable(document: SubmittedDocument, application: Application, program: Program) -> None:
    refusal = _refusal(document, application, program)
    if refusal is not None:
        raise refusal


def _files(session: Session, document: SubmittedDocument) -> list[StoredFile]:
    rows = session.exec(
        select(StoredFile)
        .join(SubmittedDocumentFile, col(SubmittedDocumentFile.stored_file_id) == StoredFile.id)
        .where(SubmittedDocumentFile.submitted_document_id == document.id)
        .order_by(col(SubmittedDocumentFile.position), col(StoredFile.id))
    ).all()
    return list(rows)


def _merge(session: Session, file_ids: list[int], label: str, candidate_id: int) -> StoredFile | None:
    if not file_ids:
        return None
    writer = PdfWriter()
    for file_id in file_ids:
        stored = session.get(StoredFile, file_id)
        assert stored is not None
        for page in PdfReader(io.BytesIO(file_store.read(stored.storage_key))).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    key, digest = file_store.put_in_transaction(session, data, suffix=".pdf")
    merged = StoredFile(
        storage_key=key,
        sha256=digest,
        size=len(data),
        media_type=pdf_sandbox.PDF,
        original_name=_display_name(f"{label}.pdf"),
        page_count=len(writer.pages),
        kind=FileKind.MERGED,
        owner_candidate_id=candidate_id,
    )
    session.add(merged)
    session.flush()
    return merged


def _set_links(
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


def _siblings(session: Session, document: SubmittedDocument, application: Application, old_ids: list[int]):
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
        if program.procedure != Procedure.ONLINE or not _application_open(sibling_application, program):
            continue
        if [f.id for f in _files(session, sibling)] == old_ids:
            yield sibling, sibling_application


def _change_files(
    session: Session,
    actor: Actor,
    document: SubmittedDocument,
    application: Application,
    required: RequiredDocument,
    old_ids: list[int],
    new_ids: list[int],
    action: str,
) -> None:
    settings = parameters.effective_settings()
    total_pages = sum(stored.page_count or 0 for i in new_ids if (stored := session.get(StoredFile, i)) is not None)
    if total_pages > settings.max_piece_pages:  # cannot happen by removing or reordering; kept as the invariant
        raise DomainError("piece_too_many_pages", PIECE_TOO_MANY_PAGES, pages=total_pages, max=settings.max_piece_pages)
    siblings = list(_siblings(session, document, application, old_ids)) if required.is_shared else []
    merged = _merge(session, new_ids, required.label_fr, application.candidate_id)
    merged_id = merged.id if merged else None
    released = {*old_ids}
    old_merged = _set_links(session, document, new_ids, merged_id)
    released.add(old_merged or 0)
    for sibling, sibling_application in siblings:
        released.add(_set_links(session, sibling, new_ids, merged_id) or 0)
        audit(
            session,
            actor=actor,
            action=f"{action}.shared",
            entity_type="submitted_document",
            entity_id=sibling.id,
            candidate_id=application.candidate_id,
            application_id=sibling_application.id,
            after={"from_submitted_document_id": document.id, "files": new_ids},
        )
    release_files(session, released - {0})
    audit(
        session,
        actor=actor,
        action=action,
        entity_type="submitted_document",
        entity_id=document.id,
        candidate_id=application.candidate_id,
        application_id=application.id,
        before={"files": old_ids},
        after={"files": new_ids, "pages": merged.page_count if merged else 0, "shared_with": len(siblings)},
    )
    notify_candidate(session, application.candidate_id)


_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


def _display_name(name: str) -> str:
    """The client's name, for display only: no folders, no control characters, bounded."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    return _UNSAFE.sub("", base).strip()[:255] or "document"
