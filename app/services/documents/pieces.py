"""The candidate's pieces ("pièces justificatives"): files added, removed, reordered, merged; « Non concerné ».

Each upload goes through the sandbox (``pdf_sandbox.normalise``) and only the normalised PDF is stored: the
original bytes are not kept, so a polyglot or a script hidden in a file never reaches the file store or a
manager's screen (the client's name is kept for display). The files of a piece are merged into one PDF, in the
candidate's order, after every change. Files added together (``add_piece_files``, a selection) go through one
sandbox child, which also writes the merged piece; after any other change (or when that merge no longer fits:
the piece changed meanwhile, a file went over the piece's limits) the merge runs in-process with pypdf, which is
safe because it only reads normalised files our own worker wrote (pages copied without inflating their streams,
page counts already bounded).

The files' links, the merge and what a shared piece carries to the candidate's other applications are
``piece_files``'s; this module holds what the candidate sees of a piece and may do to it, and when.
"""

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import (
    Application,
    DocumentStatus,
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
from app.services.applications.dossier_status import EDITABLE_DOSSIER
from app.services.applications.piece_links import files_of
from app.services.applications.piece_status import move_piece
from app.services.documents import pdf_sandbox, piece_files
from app.services.platform import file_store, parameters, read_only
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.file_names import ascii_filename
from app.services.platform.labels import in_language, label_in
from app.services.platform.lifecycle import By
from app.services.platform.notifications import notify_candidate

MB = pdf_sandbox.MB
Normalised = pdf_sandbox.NormalisedFile | DomainError

PIECE_VALIDATED = N_("Cette pièce a été validée : elle ne peut plus être modifiée.")
PIECES_CLOSED = N_(
    "Les pièces ne peuvent plus être modifiées : la date de retour est passée ou le dossier a été transmis."
)
PAPER_PROCEDURE = N_("Cette formation demande un dossier papier : les pièces sont à envoyer par courrier.")
PIECE_TOO_LARGE = N_("Cette pièce dépasserait {max} Mo : retirez un fichier ou réduisez-les.")
PIECE_TOO_MANY_PAGES = piece_files.PIECE_TOO_MANY_PAGES
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
    return _piece(actor, document, application, program, required, merged, files_of(session, document), lang)


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
    """Add one uploaded file at the end of the piece (``add_piece_files`` with one file): its refusal is raised."""
    [refusal] = add_piece_files(
        session, actor=actor, submitted_document_id=submitted_document_id, files=[(filename, data)]
    )
    if refusal is not None:
        raise refusal
    document = session.get(SubmittedDocument, submitted_document_id)
    assert document is not None
    return document


def add_piece_files(
    session: Session, *, actor: Actor, submitted_document_id: int, files: list[tuple[str, bytes]]
) -> list[DomainError | None]:
    """Add the files of one upload batch (name, bytes; in the order chosen) at the end of the piece: each checked and
    normalised in the sandbox, stored, and the piece merged once. Per file: None (added) or why it was refused; a
    refusal of the piece itself (closed, validated) is raised.

    The sandbox (seconds) runs before the piece is locked, so that batches sent at once are normalised side by
    side; its one child also merges the new files after the piece's as they were (``normalise_batch``). The
    piece, its files and the limits are read again under the lock: the files land after the ones that took the
    lock before them (none is lost to a concurrent change), and if the piece changed meanwhile or a file is refused
    for the piece's limits, the clean files are merged again here.
    """
    read_only.require_portal_writable()  # before the sandbox's work and the stored bytes
    document, application, program, _required = _load(session, actor, submitted_document_id, write=True, lock=False)
    _require_editable(document, application, program)
    before = files_of(session, document)
    earlier = [f.id or 0 for f in before]
    previous = piece_files.merged_bytes(session, document, before)  # appended to: the earlier files not needed
    batch = pdf_sandbox.normalise_batch(
        [data for _name, data in files],
        earlier=[] if previous else [file_store.read(f.storage_key) for f in before],
        previous=previous,
    )
    document, application, program, required = _load(session, actor, submitted_document_id, write=True)
    _require_editable(document, application, program)
    current = files_of(session, document)
    names = [name for name, _data in files]
    outcomes, added = _store_batch(session, application, current, list(zip(names, batch.files, strict=True)))
    if added:
        old_ids = [f.id or 0 for f in current]
        # The child's merge holds the piece's files as they were and every file it accepted: usable if both stand.
        accepted = sum(isinstance(f, pdf_sandbox.NormalisedFile) for f in batch.files)
        merged = batch.merged if old_ids == earlier and len(added) == accepted else None
        piece_files.change_files(
            session,
            actor,
            document,
            application,
            required,
            old_ids,
            [*old_ids, *added],
            "piece.file_added" if len(added) == 1 else "piece.files_added",
            merged_pdf=merged,
        )
    return outcomes


def _store_batch(
    session: Session, application: Application, current: list[StoredFile], batch: list[tuple[str, Normalised]]
) -> tuple[list[DomainError | None], list[int]]:
    """Store the batch's clean files (name, normalised or refused) that fit in the piece after ``current``, in
    order: (per file None or its refusal, the ids stored)."""
    settings = parameters.effective_settings()
    pages = sum(stored.page_count or 0 for stored in current)
    size = sum(stored.size for stored in current)
    outcomes: list[DomainError | None] = []
    added: list[int] = []
    for filename, clean in batch:
        if isinstance(clean, DomainError):
            outcomes.append(clean)
        elif pages + clean.page_count > settings.max_piece_pages:
            pages_then = pages + clean.page_count
            outcomes.append(
                DomainError(
                    "piece_too_many_pages", PIECE_TOO_MANY_PAGES, pages=pages_then, max=settings.max_piece_pages
                )
            )
        elif size + len(clean.pdf) > settings.max_piece_mb * MB:
            outcomes.append(DomainError("piece_too_large", PIECE_TOO_LARGE, max=settings.max_piece_mb))
        else:
            key, digest = file_store.put_in_transaction(session, clean.pdf, suffix=".pdf")
            stored = StoredFile(
                storage_key=key,
                sha256=digest,
                size=len(clean.pdf),
                media_type=pdf_sandbox.PDF,
                original_name=piece_files.display_name(filename),
                page_count=clean.page_count,
                kind=FileKind.UPLOAD,
                owner_candidate_id=application.candidate_id,
            )
            session.add(stored)
            session.flush()
            assert stored.id is not None
            added.append(stored.id)
            pages, size = pages + clean.page_count, size + len(clean.pdf)
            outcomes.append(None)
    return outcomes, added


def remove_piece_file(
    session: Session, *, actor: Actor, submitted_document_id: int, stored_file_id: int
) -> SubmittedDocument:
    """Take one file out of the piece (its bytes stay while another application's piece still references it)."""
    document, application, program, required = _load(session, actor, submitted_document_id, write=True)
    _require_editable(document, application, program)
    old_ids = [f.id or 0 for f in files_of(session, document)]
    if stored_file_id not in old_ids:
        raise NotFound("piece file")
    new_ids = [i for i in old_ids if i != stored_file_id]
    piece_files.change_files(session, actor, document, application, required, old_ids, new_ids, "piece.file_removed")
    return document


def reorder_piece_files(
    session: Session, *, actor: Actor, submitted_document_id: int, order: list[int]
) -> SubmittedDocument:
    """Set the order of the piece's files: ``order`` lists every one of its ``StoredFile`` ids, first to last."""
    document, application, program, required = _load(session, actor, submitted_document_id, write=True)
    _require_editable(document, application, program)
    old_ids = [f.id or 0 for f in files_of(session, document)]
    if sorted(order) != sorted(old_ids) or len(set(order)) != len(order):
        raise DomainError("stale_order", STALE_ORDER)
    if order != old_ids:
        piece_files.change_files(
            session, actor, document, application, required, old_ids, list(order), "piece.files_reordered"
        )
    return document


def mark_not_applicable(
    session: Session, *, actor: Actor, submitted_document_id: int, not_applicable: bool = True
) -> SubmittedDocument:
    """« Non concerné » on a conditional piece (``not_applicable=False`` takes it back: the piece is missing again)."""
    document, application, program, required = _load(session, actor, submitted_document_id, write=True)
    _require_editable(document, application, program)
    if not required.is_conditional:
        raise DomainError("not_conditional", NOT_CONDITIONAL)
    if not_applicable and files_of(session, document):
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
        audit_application(
            session,
            actor,
            application,
            "piece.not_applicable" if not_applicable else "piece.applicable",
            before={"status": before.value},
            after={"status": document.status.value},
            entity=("submitted_document", document.id),
        )
        notify_candidate(session, application.candidate_id)
    return document


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


def _refusal(document: SubmittedDocument, application: Application, program: Program) -> DomainError | None:
    if program.procedure != Procedure.ONLINE:
        return DomainError("paper_procedure", PAPER_PROCEDURE)
    if document.status == DocumentStatus.VALIDATED:
        return DomainError("piece_validated", PIECE_VALIDATED)
    if not piece_files.application_open(application, program):
        return DomainError("pieces_closed", PIECES_CLOSED)
    return None


def _require_editable(document: SubmittedDocument, application: Application, program: Program) -> None:
    refusal = _refusal(document, application, program)
    if refusal is not None:
        raise refusal
