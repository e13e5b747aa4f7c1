"""Administration of the required pieces ("pièces justificatives"): the institution's, a centre's, a programme's.

Which pieces an application asks for is computed from the *active* pieces of its three scopes
(``applications.applicable_documents``): transmission, the staff's lists of missing pieces and the mails read it.
The candidate's screens read the application's ``SubmittedDocument`` rows; so that both agree, changing a piece
here also updates the rows of the applications not yet transmitted (live, dossier En attente):

- a new or reactivated piece gets an En attente row in each of them (a shared piece is filled at once from the
  candidate's other applications, as when applying);
- a deactivated piece loses its rows there that hold nothing (En attente, no file): it is no longer asked for.
  What a candidate already uploaded stays, and transmitted applications keep every row and file, readable;
- a conditional piece made mandatory gets its « Non concerné » answers back to En attente there.

A piece is never deleted once an application holds something for it: it is deactivated. The template file a
candidate downloads is an uploaded PDF, normalised by the same sandbox as the candidates' uploads.
"""

from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import BaseModel, BeforeValidator, field_validator
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import (
    Application,
    DocumentStatus,
    DossierStatus,
    FileKind,
    RequiredDocument,
    StoredFile,
    SubmittedDocument,
    SubmittedDocumentFile,
)
from app.services.admin.common import save_entity
from app.services.admin.scoped import (
    TOO_LONG,
    Target,
    checked,
    clean_code,
    clean_label,
    load_item,
    move,
    placed_snapshot,
    require_target,
    save_item,
    set_item_active,
    siblings,
    target_of,
)
from app.services.applications import piece_slots
from app.services.documents import pdf_sandbox, piece_files
from app.services.documents.file_sniffing import PDF, sniff
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.form_checks import DossierInvalid

FIELDS = ("code", "label_fr", "label_en", "help_fr", "help_en", "is_conditional", "is_shared")

PIECE_IN_USE = N_(
    "Des candidats ont déjà fourni cette pièce (candidatures : {count}) ; elle ne peut pas être supprimée. "
    "Désactivez-la : elle ne sera plus demandée, et les fichiers déjà transmis restent consultables."
)
TEMPLATE_NOT_PDF = N_("Le modèle doit être un fichier PDF.")
NO_TEMPLATE = N_("Cette pièce n'a pas de modèle à télécharger.")
NOT_TRANSLATED = N_("Indiquez aussi le texte en anglais.")

Label = Annotated[str, BeforeValidator(partial(clean_label, size=300))]


class PieceValues(BaseModel):
    """The editable fields of a piece, normalised; errors are French msgids, field by field."""

    code: Annotated[str, BeforeValidator(partial(clean_code, size=30))]
    label_fr: Label
    label_en: Label
    help_fr: str = ""
    help_en: str = ""
    is_conditional: bool = False
    is_shared: bool = False

    @field_validator("help_fr", "help_en", mode="before")
    @classmethod
    def _help(cls, value: Any) -> str:
        text = str(value or "").strip()
        if len(text) > 2000:
            raise ValueError(TOO_LONG)
        return text


def check_values(values: dict[str, Any]) -> dict[str, Any]:
    """The values, validated and normalised, or a DossierInvalid naming each field in error."""
    clean = checked(PieceValues, FIELDS, values, {"code": {"max": 30}})
    if clean["help_fr"] and not clean["help_en"]:
        raise DossierInvalid({"help_en": NOT_TRANSLATED})
    return clean


# --- Reading ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PieceRow:
    """One piece as the list shows it."""

    piece: RequiredDocument
    used_by: int  # applications holding something for it (then it can be deactivated, not deleted)
    template_name: str


def list_pieces(session: Session, *, actor: Actor, target: Target) -> list[PieceRow]:
    """The pieces of ``target`` in display order, active or not, with their use."""
    require_target(session, actor=actor, target=target, write=False)
    pieces = siblings(session, RequiredDocument, target)
    usage = _usage(session, [p.id for p in pieces if p.id is not None])
    names = {
        row.id: row.original_name
        for row in session.exec(
            select(StoredFile).where(col(StoredFile.id).in_([p.template_file_id for p in pieces if p.template_file_id]))
        ).all()
    }
    return [PieceRow(p, usage.get(p.id or 0, 0), names.get(p.template_file_id, "")) for p in pieces]


def get_piece(session: Session, *, actor: Actor, piece_id: int) -> PieceRow:
    """One piece, for its edit screen (rights to see its target)."""
    piece = session.get(RequiredDocument, piece_id)
    if piece is None:
        raise NotFound("piece")
    require_target(session, actor=actor, target=target_of(piece), write=False)
    template = session.get(StoredFile, piece.template_file_id) if piece.template_file_id else None
    return PieceRow(piece, _usage(session, [piece_id]).get(piece_id, 0), template.original_name if template else "")


def new_piece(target: Target) -> RequiredDocument:
    """An unsaved piece of ``target``, for the creation form."""
    return RequiredDocument(code="", label_fr="", label_en="", **target.values())


def _usage(session: Session, piece_ids: list[int]) -> dict[int, int]:
    """Per piece, the applications holding something for it: a file, an answer, a review, or a transmission.

    An En attente row without file in an application not yet transmitted holds nothing: it is only the slot.
    """
    if not piece_ids:
        return {}
    has_file = sa.exists().where(SubmittedDocumentFile.submitted_document_id == SubmittedDocument.id)
    rows = session.exec(
        select(SubmittedDocument.required_document_id, sa.func.count())
        .join(Application, col(Application.id) == SubmittedDocument.application_id)
        .where(
            col(SubmittedDocument.required_document_id).in_(piece_ids),
            sa.or_(
                SubmittedDocument.status != DocumentStatus.PENDING,
                col(SubmittedDocument.merged_file_id).is_not(None),
                col(SubmittedDocument.reviewed_by_staff_id).is_not(None),
                col(Application.transmitted_at).is_not(None),
                Application.dossier_status != DossierStatus.PENDING,
                has_file,
            ),
        )
        .group_by(col(SubmittedDocument.required_document_id))
    ).all()
    return {piece_id: count for piece_id, count in rows}


# --- Changes ------------------------------------------------------------------------------------------------------


def save_piece(
    session: Session,
    *,
    actor: Actor,
    piece_id: int | None,
    expected_version: int | None,
    values: dict[str, Any],
    target: Target | None = None,
) -> RequiredDocument:
    """Create a piece of ``target`` (``piece_id`` None) or change one; its place never changes once created.

    Open applications follow: a new piece gets its slots, a piece made mandatory takes back its « Non concerné »,
    a piece made shared is filled from the file already given.
    """
    was: dict[str, bool] = {}  # the flags before a change; empty for a creation

    def note_flags(current: RequiredDocument, clean: dict[str, Any]) -> None:
        was.update(conditional=current.is_conditional, shared=current.is_shared)

    piece = save_item(
        session,
        actor=actor,
        model=RequiredDocument,
        item_id=piece_id,
        expected_version=expected_version,
        values=values,
        target=target,
        check=check_values,
        action="required_document",
        on_change=note_flags,
    )
    if not was:
        piece_slots.open_slots(session, actor, piece)
        return piece
    if was["conditional"] and not piece.is_conditional and piece.is_active:
        piece_slots.undo_not_applicable(session, actor, piece)
    if piece.is_shared and not was["shared"] and piece.is_active:
        piece_slots.open_slots(session, actor, piece)  # made shared: open applications take the file already given
    return piece


def set_piece_active(
    session: Session, *, actor: Actor, piece_id: int, expected_version: int | None, active: bool
) -> RequiredDocument:
    """Deactivate (no longer asked for; what was given stays) or reactivate a piece."""
    piece = set_item_active(
        session,
        actor=actor,
        model=RequiredDocument,
        item_id=piece_id,
        expected_version=expected_version,
        active=active,
        action="required_document",
    )
    if active:
        piece_slots.open_slots(session, actor, piece)
    else:
        piece_slots.close_empty_slots(session, actor, piece)
    return piece


def delete_piece(session: Session, *, actor: Actor, piece_id: int, expected_version: int | None) -> None:
    """Delete a piece nobody has given anything for (its empty slots and its template go with it)."""
    piece = _load(session, actor, piece_id, expected_version)
    used_by = _usage(session, [piece_id]).get(piece_id, 0)
    if used_by:
        raise DomainError("piece_in_use", PIECE_IN_USE, count=used_by)
    slots = session.exec(select(SubmittedDocument).where(SubmittedDocument.required_document_id == piece_id)).all()
    for slot in slots:
        session.delete(slot)
    template_id = piece.template_file_id
    before = placed_snapshot(piece) | {"slots": len(slots)}
    session.delete(piece)
    session.flush()
    _release_template(session, template_id)
    audit_row(session, actor, "required_document.deleted", piece, before=before)


def move_piece(session: Session, *, actor: Actor, piece_id: int, offset: int) -> list[RequiredDocument]:
    """One place up (-1) or down (+1) in its list."""
    return move(session, actor=actor, model=RequiredDocument, item_id=piece_id, offset=offset)


# --- The template file --------------------------------------------------------------------------------------------


def set_template(
    session: Session, *, actor: Actor, piece_id: int, expected_version: int | None, filename: str, data: bytes
) -> RequiredDocument:
    """Attach a PDF the candidates download (replacing the previous one); the PDF is normalised in the sandbox."""
    current = _load(session, actor, piece_id, expected_version)
    pdf_sandbox.check_size(data)
    if sniff(data) != PDF:  # an image would be accepted by the sandbox: a template is a document to fill in
        raise DomainError("template_not_pdf", TEMPLATE_NOT_PDF, field="template")
    normalised = pdf_sandbox.normalise(data)
    key, digest = file_store.put_in_transaction(session, normalised.pdf, suffix=".pdf")
    stored = StoredFile(
        storage_key=key,
        sha256=digest,
        size=len(normalised.pdf),
        media_type=PDF,
        original_name=piece_files.display_name(filename),  # the one rule for a client's name shown back
        page_count=normalised.page_count,
        kind=FileKind.TEMPLATE,
    )
    session.add(stored)
    session.flush()
    return _replace_template(session, actor, current, expected_version, stored.id, "required_document.template_set")


def remove_template(session: Session, *, actor: Actor, piece_id: int, expected_version: int | None) -> RequiredDocument:
    current = _load(session, actor, piece_id, expected_version)
    if current.template_file_id is None:
        raise DomainError("no_template", NO_TEMPLATE)
    return _replace_template(session, actor, current, expected_version, None, "required_document.template_removed")


def read_template(session: Session, *, required_document_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of a piece's template: a blank form, public like the offer that lists the piece."""
    piece = session.get(RequiredDocument, required_document_id)
    stored = session.get(StoredFile, piece.template_file_id) if piece and piece.template_file_id else None
    if stored is None:
        raise DomainError("no_template", NO_TEMPLATE)
    name = stored.original_name if stored.original_name.lower().endswith(".pdf") else f"{stored.original_name}.pdf"
    return name, file_store.read(stored.storage_key)


def _replace_template(
    session: Session, actor: Actor, piece: RequiredDocument, expected_version: int | None, file_id: int | None,
    action: str,
) -> RequiredDocument:  # fmt: skip
    """Point the piece at another template file (or none) and let the previous file go if nothing else uses it."""
    old = piece.template_file_id
    saved = save_entity(
        session,
        actor=actor,
        model=RequiredDocument,
        entity_id=piece.id,
        expected_version=expected_version,
        values={"template_file_id": file_id},
        action=action,
    )
    _release_template(session, old)
    return saved


def _load(session: Session, actor: Actor, piece_id: int, expected_version: int | None) -> RequiredDocument:
    return load_item(session, actor=actor, model=RequiredDocument, item_id=piece_id, expected_version=expected_version)


def _release_template(session: Session, file_id: int | None) -> None:
    if file_id is None:
        return
    session.flush()
    if session.exec(select(RequiredDocument.id).where(RequiredDocument.template_file_id == file_id)).first():
        return
    stored = session.get(StoredFile, file_id)
    if stored is not None and stored.kind == FileKind.TEMPLATE:
        file_store.delete_after_commit(session, stored.storage_key)
        session.delete(stored)
        session.flush()
