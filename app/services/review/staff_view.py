"""An application as staff see it, and the review actions on it (pieces, dossier status, notes, tags, dates).

Every function takes the actor and checks it with ``require_application_in_scope`` (an application outside the
role's scope is "not found", even with a forged id). Reading is open to every staff role of the scope and is
written to the audit trail (« application.viewed »: the one-year access log); review actions belong to centre
managers, the central office and administrators (not committee members, not read-only roles); notes to any role
that may write. A change also refuses while someone else (the candidate or another manager) holds the
candidate's editing lease, and the version columns refuse a change made on a stale page: nothing is overwritten.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, or_, select

from app import clock
from app.config import get_settings
from app.i18n import N_, gettext
from app.models import (
    Account,
    ActorKind,
    Application,
    ApplicationCentre,
    ApplicationTag,
    AuditEvent,
    Candidate,
    Committee,
    Decision,
    DecisionKind,
    DecisionType,
    DocumentStatus,
    DossierStatus,
    EditLease,
    Note,
    Procedure,
    ProcessingType,
    Program,
    Question,
    QuestionAnswer,
    QuestionKind,
    RefusalReason,
    RequiredDocument,
    StaffMember,
    StaffRole,
    StoredFile,
    SubmittedDocument,
    Tag,
)
from app.services.accounts.staff_roles import RoleView, require_role
from app.services.applications.actions import (
    CANDIDATE_APPLICATION_PATH,
    MISSING_STATUSES,
    account_mail_context,
    applicable_documents,
    applicable_questions,
    effective_return_by,
    label_in,
    program_mail_context,
)
from app.services.documents.piece_status import move_piece
from app.services.dossier import tabs as dossier_service
from app.services.mail import outbox as mail
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.lifecycle import By
from app.services.platform.notifications import notify_candidate
from app.services.platform.text_rules import check_text, column_limit
from app.services.review import leases
from app.services.review.dossier_status import PIECE_STATUS_LABELS, STATUS_MAILS, allowed_transitions, move_dossier
from app.services.review.staff_scope import require_application_in_scope

REVIEW_ROLES = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE, StaffRole.CENTRE_MANAGER)
STALE = N_("Ce dossier a été modifié par quelqu'un d'autre entre-temps : rechargez la page.")
READ_ONLY_ROLE = N_("Votre rôle permet de consulter ce dossier, pas de le modifier.")
CANCELLED = N_("Cette candidature a été annulée : elle ne peut plus être modifiée.")
COMMENT_REQUIRED = N_("Indiquez pourquoi la pièce est refusée : le candidat lira ce commentaire.")
NO_FILE = N_("Aucun fichier n'a été déposé pour cette pièce : elle ne peut pas être validée.")
BAD_PIECE_STATUS = N_("Ce statut de pièce n'est pas une décision de gestionnaire.")
NOTE_EMPTY = N_("Le post-it est vide.")
NOT_YOUR_NOTE = N_("Vous ne pouvez supprimer que vos propres post-it.")
UNKNOWN_TAG = N_("Cette étiquette n'existe pas pour cette composante.")
NAIVE_DATE = N_("Date invalide.")
STALE_LEASE_AGE = timedelta(hours=24)  # eCandidat lists locks older than a day for manual removal

# The comment of a decision entered because of direct admission (data, shown to staff as typed).
ADMITTED_BY_RIGHT = "Admission de droit (type de traitement : accès direct)"


# --- What the staff screen receives -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffPiece:
    submitted_document_id: int
    label: str
    status: DocumentStatus
    status_at: datetime
    comment: str
    reviewed_by: str
    version: int
    is_conditional: bool
    merged_file_id: int | None
    merged_pages: int
    file_names: list[str]


@dataclass(frozen=True)
class StaffAnswer:
    label: str
    value: str | None  # None: not answered; "yes"/"no" for yes/no questions


@dataclass(frozen=True)
class StaffNote:
    id: int
    author: str
    body: str
    created_at: datetime
    own: bool


@dataclass(frozen=True)
class StaffTag:
    id: int
    label: str
    colour: str
    selected: bool


@dataclass(frozen=True)
class StaffDecision:
    label: str
    comment: str
    reason: str
    rank: int | None
    entered_by: str
    entered_at: datetime
    published_by: str
    published_at: datetime | None


@dataclass(frozen=True)
class StaffAuditLine:
    """One event of the « Historique », its references resolved: tag ids, file ids and decision type codes are
    replaced by their labels and names (None where the row is gone), ``subject`` names the piece or question."""

    at: datetime
    actor_kind: ActorKind
    actor_name: str  # the staff member's name when staff acted ("" otherwise, or for a deleted member)
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    subject: str = ""  # the piece or the question the event is about, in the reader's language


@dataclass(frozen=True)
class StaffApplicationView:
    application: Application
    role: RoleView
    can_review: bool  # the role may validate pieces, change the status, tags, dates, processing type
    can_write: bool  # the role may write at all (notes)
    candidate_id: int
    candidate_name: str
    dossier_number: str
    program_label: str
    centre_label: str
    committee_label: str
    return_by: datetime | None
    confirmation_by: datetime | None
    dossier: dossier_service.Dossier
    transitions: tuple[DossierStatus, ...]
    pieces: list[StaffPiece]
    answers: list[StaffAnswer]
    notes: list[StaffNote]
    tags: list[StaffTag]
    decisions: list[StaffDecision]
    history: list[StaffAuditLine]
    lease: EditLease | None  # who holds the candidate's editing lease now (None: free)


# --- Reading -------------------------------------------------------------------------------------------------------


def open_application_for_staff(
    session: Session, *, actor: Actor, application_id: int, lang: str = "fr", record_view: bool = True
) -> StaffApplicationView:
    """Everything the staff screen shows of one application; the view itself is audited (access log).

    ``record_view=False`` when the page redraws after one of its own actions (that action is audited already)."""
    application, role = require_application_in_scope(session, actor=actor, application_id=application_id)
    program = session.get(Program, application.program_id)
    centre = session.get(ApplicationCentre, application.centre_id)
    committee = session.get(Committee, application.committee_id)
    candidate = session.get(Candidate, application.candidate_id)
    assert program and centre and committee and candidate and candidate.id is not None
    opened = dossier_service.open_dossier(session, actor=actor, candidate_id=candidate.id)
    names = _staff_names(session)
    if record_view:
        audit(
            session,
            actor=actor,
            action="application.viewed",
            entity_type="application",
            entity_id=application.id,
            candidate_id=candidate.id,
            application_id=application.id,
        )
        session.flush()
    return StaffApplicationView(
        application=application,
        role=role,
        can_review=role.role in REVIEW_ROLES and not role.read_only,
        can_write=not role.read_only,
        candidate_id=candidate.id,
        candidate_name=f"{opened.account.last_name} {opened.account.first_name}",
        dossier_number=opened.account.dossier_number,
        program_label=label_in(program, lang),
        centre_label=label_in(centre, lang),
        committee_label=label_in(committee, lang),
        return_by=effective_return_by(application, program),
        confirmation_by=application.confirmation_by_override or program.confirmation_by,
        dossier=opened,
        transitions=allowed_transitions(application.dossier_status),
        pieces=_pieces(session, application, names, lang),
        answers=_answers(session, application, lang),
        notes=_notes(session, application, names, actor),
        tags=_tags(session, application),
        decisions=_decisions(session, application, names, lang),
        history=_history(session, application, candidate.id, names, lang),
        lease=leases.who_holds(session, resource=leases.candidate_resource(candidate.id)),
    )


def _staff_names(session: Session) -> dict[int, str]:
    return {row.id or 0: row.display_name for row in session.exec(select(StaffMember)).all()}


def _pieces(session: Session, application: Application, names: dict[int, str], lang: str) -> list[StaffPiece]:
    rows = session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application.id)).all()
    required = {
        row.id: row
        for row in session.exec(
            select(RequiredDocument).where(col(RequiredDocument.id).in_([r.required_document_id for r in rows]))
        ).all()
    }
    merged = {
        f.id: f
        for f in session.exec(
            select(StoredFile).where(col(StoredFile.id).in_([r.merged_file_id for r in rows if r.merged_file_id]))
        ).all()
    }
    pieces = []
    for row in sorted(rows, key=lambda r: (required[r.required_document_id].display_order, r.id or 0)):
        piece = required[row.required_document_id]
        files = dossier_files(session, row.id or 0)
        stored = merged.get(row.merged_file_id)
        pieces.append(
            StaffPiece(
                submitted_document_id=row.id or 0,
                label=label_in(piece, lang),
                status=row.status,
                status_at=row.status_at,
                comment=row.comment,
                reviewed_by=names.get(row.reviewed_by_staff_id or 0, ""),
                version=row.version,
                is_conditional=piece.is_conditional,
                merged_file_id=row.merged_file_id,
                merged_pages=(stored.page_count or 0) if stored else 0,
                file_names=files,
            )
        )
    return pieces


def dossier_files(session: Session, submitted_document_id: int) -> list[str]:
    from app.models import SubmittedDocumentFile

    rows = session.exec(
        select(StoredFile.original_name)
        .join(SubmittedDocumentFile, col(SubmittedDocumentFile.stored_file_id) == StoredFile.id)
        .where(SubmittedDocumentFile.submitted_document_id == submitted_document_id)
        .order_by(col(SubmittedDocumentFile.position))
    ).all()
    return list(rows)


def _answers(session: Session, application: Application, lang: str) -> list[StaffAnswer]:
    given = {
        a.question_id: a
        for a in session.exec(select(QuestionAnswer).where(QuestionAnswer.application_id == application.id)).all()
    }
    result = []
    asked = applicable_questions(session, centre_id=application.centre_id, program_id=application.program_id)
    # A question deactivated since keeps the answer the candidate gave readable (answered ones are never deleted).
    answered = session.exec(select(Question).where(col(Question.id).in_(list(given)))).all()
    retired = [q for q in answered if not q.is_active]
    for question in [*asked, *retired]:
        answer = given.get(question.id or 0)
        value: str | None = None
        if answer is not None:
            if question.kind == QuestionKind.YES_NO and answer.bool_value is not None:
                value = "yes" if answer.bool_value else "no"
            elif (answer.text_value or "").strip():
                value = answer.text_value
        result.append(StaffAnswer(label=label_in(question, lang), value=value))
    return result


def _notes(session: Session, application: Application, names: dict[int, str], actor: Actor) -> list[StaffNote]:
    rows = session.exec(
        select(Note).where(Note.application_id == application.id).order_by(col(Note.created_at).desc())
    ).all()
    return [
        StaffNote(
            n.id or 0, names.get(n.author_staff_id, ""), n.body, n.created_at, n.author_staff_id == actor.staff_id
        )
        for n in rows
    ]


def _available_tags(session: Session, application: Application) -> list[Tag]:
    return list(
        session.exec(
            select(Tag)
            .where(col(Tag.is_active), or_(col(Tag.centre_id).is_(None), Tag.centre_id == application.centre_id))
            .order_by(col(Tag.label))
        ).all()
    )


def _tag_ids(session: Session, application_id: int) -> set[int]:
    return set(session.exec(select(ApplicationTag.tag_id).where(ApplicationTag.application_id == application_id)).all())


def _tags(session: Session, application: Application) -> list[StaffTag]:
    chosen = _tag_ids(session, application.id or 0)
    return [StaffTag(t.id or 0, t.label, t.colour, t.id in chosen) for t in _available_tags(session, application)]


def _decisions(session: Session, application: Application, names: dict[int, str], lang: str) -> list[StaffDecision]:
    """Every decision, published or not, newest first (staff see the drafts too)."""
    rows = session.exec(
        select(Decision, DecisionType, RefusalReason)
        .join(DecisionType, col(DecisionType.id) == Decision.decision_type_id)
        .join(RefusalReason, col(RefusalReason.id) == Decision.refusal_reason_id, isouter=True)
        .where(Decision.application_id == application.id)
        .order_by(col(Decision.entered_at).desc(), col(Decision.id).desc())
    ).all()
    return [
        StaffDecision(
            label=label_in(dtype, lang),
            comment=d.comment,
            reason=label_in(reason, lang) if reason else "",
            rank=d.waiting_list_rank,
            entered_by=names.get(d.entered_by_staff_id or 0, ""),
            entered_at=d.entered_at,
            published_by=names.get(d.published_by_staff_id or 0, ""),
            published_at=d.published_at,
        )
        for d, dtype, reason in rows
    ]


def _history(
    session: Session, application: Application, candidate_id: int, names: dict[int, str], lang: str
) -> list[StaffAuditLine]:
    """This application's events and the candidate's dossier events, newest first (the last 200)."""
    rows = session.exec(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.application_id == application.id,
                (col(AuditEvent.candidate_id) == candidate_id) & col(AuditEvent.application_id).is_(None),
            )
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(200)
    ).all()
    refs = _HistoryRefs.read(session, rows, lang)
    return [
        StaffAuditLine(
            e.at,
            e.actor_kind,
            names.get(e.actor_staff_id or 0, "") if e.actor_kind == ActorKind.STAFF else "",
            e.action,
            refs.resolve(e.before),
            refs.resolve(e.after),
            refs.subject(e),
        )
        for e in rows
    ]


_PIECE_ENTITIES = ("submitteddocument", "submitted_document")  # both spellings are in the trail


@dataclass
class _HistoryRefs:
    """The labels and names the history's events refer to by id or code, read in one query per kind."""

    pieces: dict[int, str]
    questions: dict[int, str]
    tags: dict[int, str]
    types: dict[str, str]
    files: dict[int, str]

    @classmethod
    def read(cls, session: Session, rows: Any, lang: str) -> "_HistoryRefs":
        values = [values for e in rows for values in (e.before, e.after)]
        piece_ids = {e.entity_id for e in rows if e.entity_type in _PIECE_ENTITIES and e.entity_id is not None}
        question_ids = {e.entity_id for e in rows if e.entity_type == "question" and e.entity_id is not None}
        tag_ids = {i for v in values if isinstance(v.get("tags"), list) for i in v["tags"] if isinstance(i, int)}
        file_ids = {i for v in values if isinstance(v.get("files"), list) for i in v["files"] if isinstance(i, int)}
        codes = {v["type"] for v in values if isinstance(v.get("type"), str)}
        refs = cls({}, {}, {}, {}, {})
        if piece_ids:
            for piece_id, required in session.exec(
                select(SubmittedDocument.id, RequiredDocument)
                .join(RequiredDocument, col(RequiredDocument.id) == SubmittedDocument.required_document_id)
                .where(col(SubmittedDocument.id).in_(piece_ids))
            ).all():
                refs.pieces[piece_id or 0] = label_in(required, lang)
        if question_ids:
            for question in session.exec(select(Question).where(col(Question.id).in_(question_ids))).all():
                refs.questions[question.id or 0] = label_in(question, lang)
        if tag_ids:
            refs.tags = {t.id or 0: t.label for t in session.exec(select(Tag).where(col(Tag.id).in_(tag_ids))).all()}
        if codes:
            for dtype in session.exec(select(DecisionType).where(col(DecisionType.code).in_(codes))).all():
                refs.types[dtype.code] = label_in(dtype, lang)
        if file_ids:
            stored = select(StoredFile.id, StoredFile.original_name).where(col(StoredFile.id).in_(file_ids))
            refs.files = {file_id or 0: name for file_id, name in session.exec(stored).all()}
        return refs

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        resolved = dict(values)
        if isinstance(values.get("tags"), list):
            resolved["tags"] = [self.tags.get(i) for i in values["tags"]]
        if isinstance(values.get("files"), list):
            resolved["files"] = [self.files.get(i) for i in values["files"]]
        if isinstance(values.get("type"), str):
            resolved["type"] = self.types.get(values["type"], values["type"])
        return resolved

    def subject(self, event: AuditEvent) -> str:
        if event.entity_type in _PIECE_ENTITIES:
            return self.pieces.get(event.entity_id or 0, "")
        if event.entity_type == "question":
            return self.questions.get(event.entity_id or 0, "")
        return ""


def read_piece_pdf(session: Session, *, actor: Actor, submitted_document_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of a piece's merged PDF for a staff member whose role reaches the application."""
    document = session.get(SubmittedDocument, submitted_document_id)
    if document is None:
        raise NotFound("piece")
    application, _role = require_application_in_scope(session, actor=actor, application_id=document.application_id)
    stored = session.get(StoredFile, document.merged_file_id) if document.merged_file_id else None
    required = session.get(RequiredDocument, document.required_document_id)
    if stored is None or required is None:
        raise NotFound("merged file")
    audit(
        session,
        actor=actor,
        action="piece.viewed",
        entity_type="submitteddocument",
        entity_id=document.id,
        candidate_id=application.candidate_id,
        application_id=application.id,
    )
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in required.code) or "piece"
    return f"{safe}.pdf", file_store.read(stored.storage_key)


def dossier_pdf_context_for_staff(session: Session, *, actor: Actor, application_id: int) -> dict[str, Any]:
    """The dossier PDF's data for a staff download (rendered by the caller off the event loop); audited."""
    from app.services.documents.dossier_pdf import dossier_pdf_context

    application, _role = require_application_in_scope(session, actor=actor, application_id=application_id)
    audit(
        session,
        actor=actor,
        action="application.dossier_downloaded",
        entity_type="application",
        entity_id=application.id,
        candidate_id=application.candidate_id,
        application_id=application.id,
    )
    return dossier_pdf_context(session, actor=actor, application_id=application_id)


# --- Acting ---------------------------------------------------------------------------------------------------------


def _for_change(
    session: Session, actor: Actor, application_id: int, *, roles: tuple[StaffRole, ...] = REVIEW_ROLES
) -> Application:
    """The application, locked, if the actor may change it now (scope, role, lease); refusals say why."""
    _application, role = require_application_in_scope(session, actor=actor, application_id=application_id)
    if role.role not in roles or role.read_only:
        raise DomainError("read_only_role", READ_ONLY_ROLE)
    application, _role = require_application_in_scope(
        session, actor=actor, application_id=application_id, write=True, roles=roles, lock=True
    )
    session.refresh(application)  # the row as it is now, after the lock
    if application.cancelled_at is not None:
        raise DomainError("cancelled", CANCELLED)
    assert actor.staff_id is not None
    leases.require_free_for(
        session,
        resource=leases.candidate_resource(application.candidate_id),
        kind=ActorKind.STAFF,
        holder_id=actor.staff_id,
    )
    return application


def _check_version(row: Application | SubmittedDocument, expected_version: int | None) -> None:
    if expected_version is not None and row.version != expected_version:
        raise DomainError("stale", STALE)


def _flush(session: Session) -> None:
    try:
        session.flush()  # UPDATE … WHERE version = n: a concurrent change that committed first wins
    except StaleDataError as exc:
        raise DomainError("stale", STALE) from exc


def review_piece(
    session: Session,
    *,
    actor: Actor,
    submitted_document_id: int,
    status: DocumentStatus,
    comment: str = "",
    expected_version: int | None = None,
) -> SubmittedDocument:
    """Valider / Refuser (with a comment the candidate reads) / Non concerné."""
    document = session.get(SubmittedDocument, submitted_document_id)
    if document is None:
        raise NotFound("piece")
    application = _for_change(session, actor, document.application_id)
    session.refresh(document)
    _check_version(document, expected_version)
    comment = check_text(comment.strip(), field="comment", max_length=column_limit(SubmittedDocument, "comment"))
    if status not in (DocumentStatus.VALIDATED, DocumentStatus.REFUSED, DocumentStatus.NOT_APPLICABLE):
        raise DomainError("bad_piece_status", BAD_PIECE_STATUS)
    if status == DocumentStatus.REFUSED and not comment:
        raise DomainError("comment_required", COMMENT_REQUIRED, field="comment")
    program = session.get(Program, application.program_id)
    assert program is not None
    if status == DocumentStatus.VALIDATED and document.merged_file_id is None and program.procedure == Procedure.ONLINE:
        raise DomainError("no_file", NO_FILE)
    before = {"status": document.status.value, "comment": document.comment}
    move_piece(document, status, by=By.STAFF, now=clock.now())
    document.comment = comment
    document.reviewed_by_staff_id = actor.staff_id
    session.add(document)
    _flush(session)
    audit(
        session,
        actor=actor,
        action="piece.reviewed",
        entity_type="submitteddocument",
        entity_id=document.id,
        candidate_id=application.candidate_id,
        application_id=application.id,
        before=before,
        after={"status": status.value, "comment": comment},
    )
    notify_candidate(session, application.candidate_id)
    return document


def missing_documents(session: Session, application: Application, lang: str) -> list[dict[str, str]]:
    """Pieces En attente or Refusée (or never created), with the manager's comment: what the candidate must fix."""
    rows = {
        d.required_document_id: d
        for d in session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application.id))
    }
    missing = []
    for piece in applicable_documents(session, centre_id=application.centre_id, program_id=application.program_id):
        row = rows.get(piece.id or 0)
        if row is None or row.status in MISSING_STATUSES:
            missing.append({"title": label_in(piece, lang), "comment": row.comment if row else ""})
    return missing


def set_dossier_status(
    session: Session, *, actor: Actor, application_id: int, status: DossierStatus, expected_version: int | None
) -> Application:
    """Move the dossier along the transition table, stamp its dates, mail the candidate."""
    application = _for_change(session, actor, application_id)
    _check_version(application, expected_version)
    current = move_dossier(application, status, by=By.STAFF, now=clock.now())
    session.add(application)
    _flush(session)
    code = STATUS_MAILS[status]
    extra: dict[str, Any] = {}
    account = _account(session, application)
    if status == DossierStatus.INCOMPLETE:
        extra["missing_documents"] = missing_documents(session, application, account.language)
    elif status == DossierStatus.RECEIVED:
        extra["documents"] = _document_statuses(session, application, account.language)
    if code is not None:
        _mail_candidate(session, application, account, code, extra)
    audit(
        session,
        actor=actor,
        action="application.dossier_status_changed",
        entity_type="application",
        entity_id=application.id,
        candidate_id=application.candidate_id,
        application_id=application.id,
        before={"dossier_status": current.value},
        after={"dossier_status": status.value}
        | ({"missing": extra["missing_documents"]} if "missing_documents" in extra else {}),
    )
    _admit_by_right(session, actor, application)
    notify_candidate(session, application.candidate_id)
    return application


def _admit_by_right(session: Session, actor: Actor, application: Application) -> None:
    """Direct admission: once a manager has validated the dossier (Complet), the programme's favourable decision
    is entered for them, to be published with the others (capacity is checked then). Nothing is entered when a
    decision exists already or when the current role may not enter decisions."""
    from app.services.decisions import (
        staff_decisions as decisions,  # decisions imports the application services this module also uses
    )

    if application.processing_type != ProcessingType.DIRECT_ADMISSION:
        return
    if application.dossier_status != DossierStatus.COMPLETE or application.id is None:
        return
    if decisions.latest_entered(session, application.id) is not None:
        return
    program = session.get(Program, application.program_id)
    type_id = program.favorable_decision_type_id if program is not None else None
    if type_id is None:
        type_id = session.exec(
            select(DecisionType.id)
            .where(DecisionType.kind == DecisionKind.FAVORABLE, col(DecisionType.is_active))
            .order_by(DecisionType.code)
        ).first()
    if type_id is None:
        return
    try:
        decisions.enter_decision(
            session, actor=actor, application_id=application.id, decision_type_id=type_id, comment=ADMITTED_BY_RIGHT
        )
    except DomainError:
        return  # e.g. a committee member's role cannot enter decisions: the manager will


def _document_statuses(session: Session, application: Application, lang: str) -> list[dict[str, str]]:
    rows = {
        d.required_document_id: d
        for d in session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application.id))
    }
    result = []
    for piece in applicable_documents(session, centre_id=application.centre_id, program_id=application.program_id):
        row = rows.get(piece.id or 0)
        status = row.status if row else DocumentStatus.PENDING
        result.append({"title": label_in(piece, lang), "status": gettext(PIECE_STATUS_LABELS[status], lang)})
    return result


def _account(session: Session, application: Application) -> Account:
    candidate = session.get(Candidate, application.candidate_id)
    account = session.get(Account, candidate.account_id) if candidate else None
    assert account is not None
    return account


def _mail_candidate(
    session: Session, application: Application, account: Account, code: str, extra: dict[str, Any]
) -> None:
    program = session.get(Program, application.program_id)
    centre = session.get(ApplicationCentre, application.centre_id)
    assert program is not None and centre is not None
    mail.enqueue_mail(
        session,
        code=code,
        to=account.email,
        context={
            "account": account_mail_context(account),
            "program": program_mail_context(application, program, centre, account.language),
            "link": get_settings().base_url + CANDIDATE_APPLICATION_PATH.format(id=application.id),
        }
        | extra,
        language=account.language,
        account_id=account.id,
        application_id=application.id,
    )


def set_processing_type(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    processing_type: ProcessingType,
    expected_version: int | None,
) -> Application:
    """Committee / direct admission / undecided; the candidate is told by mail. Direct admission of a complete
    dossier enters the favourable decision (see :func:`_admit_by_right`)."""
    application = _for_change(session, actor, application_id)
    _check_version(application, expected_version)
    before = application.processing_type
    if before == processing_type:
        return application
    application.processing_type = processing_type
    session.add(application)
    _flush(session)
    account = _account(session, application)
    _mail_candidate(
        session, application, account, "processing_type_changed", {"processing_type": processing_type.value}
    )
    _admit_by_right(session, actor, application)
    _audit_application(
        session,
        actor,
        application,
        "application.processing_type_changed",
        {"processing_type": before.value},
        {"processing_type": processing_type.value},
    )
    notify_candidate(session, application.candidate_id)
    return application


def set_candidate_dates(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    return_by_override: datetime | None,
    confirmation_by_override: datetime | None,
    expected_version: int | None,
) -> Application:
    """Per-candidate return and confirmation dates (None: the programme's)."""
    for moment in (return_by_override, confirmation_by_override):
        if moment is not None and moment.tzinfo is None:
            raise DomainError("naive_date", NAIVE_DATE)
    application = _for_change(session, actor, application_id)
    _check_version(application, expected_version)
    before = {
        "return_by": _iso(application.return_by_override),
        "confirmation_by": _iso(application.confirmation_by_override),
    }
    application.return_by_override = return_by_override
    application.confirmation_by_override = confirmation_by_override
    session.add(application)
    _flush(session)
    after = {"return_by": _iso(return_by_override), "confirmation_by": _iso(confirmation_by_override)}
    _audit_application(session, actor, application, "application.dates_changed", before, after)
    notify_candidate(session, application.candidate_id)
    return application


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _audit_application(
    session: Session, actor: Actor, application: Application, action: str, before: dict, after: dict
) -> None:
    audit(
        session,
        actor=actor,
        action=action,
        entity_type="application",
        entity_id=application.id,
        candidate_id=application.candidate_id,
        application_id=application.id,
        before=before,
        after=after,
    )


_NOTE_ROLES = tuple(StaffRole)  # committee members write post-its too; read-only roles do not


def add_note(session: Session, *, actor: Actor, application_id: int, body: str) -> Note:
    body = check_text(body.strip(), field="body", max_length=column_limit(Note, "body"))
    if not body:
        raise DomainError("note_empty", NOTE_EMPTY, field="body")
    application, _role = require_application_in_scope(
        session, actor=actor, application_id=application_id, write=True, roles=_NOTE_ROLES
    )
    assert actor.staff_id is not None
    note = Note(application_id=application.id or 0, author_staff_id=actor.staff_id, body=body)
    session.add(note)
    session.flush()
    _audit_application(session, actor, application, "note.added", {}, {"note_id": note.id, "body": body})
    notify_candidate(session, application.candidate_id, staff_only=True)  # the staff pages open on it show it
    return note


def delete_note(session: Session, *, actor: Actor, note_id: int) -> None:
    note = session.get(Note, note_id)
    if note is None:
        raise NotFound("note")
    application, _role = require_application_in_scope(
        session, actor=actor, application_id=note.application_id, write=True, roles=_NOTE_ROLES
    )
    if note.author_staff_id != actor.staff_id:
        raise DomainError("not_your_note", NOT_YOUR_NOTE)
    _audit_application(session, actor, application, "note.deleted", {"note_id": note.id, "body": note.body}, {})
    session.delete(note)
    session.flush()
    notify_candidate(session, application.candidate_id, staff_only=True)


def set_tags(session: Session, *, actor: Actor, application_id: int, tag_ids: list[int]) -> list[int]:
    """Replace the application's tags with ``tag_ids`` (active tags of the institution or of its centre)."""
    application = _for_change(session, actor, application_id)
    allowed = {t.id for t in _available_tags(session, application)}
    wanted = set(tag_ids)
    if not wanted <= allowed:
        raise DomainError("unknown_tag", UNKNOWN_TAG)
    current = _tag_ids(session, application.id or 0)
    for row in session.exec(select(ApplicationTag).where(ApplicationTag.application_id == application.id)).all():
        if row.tag_id not in wanted:
            session.delete(row)
    for tag_id in wanted - current:
        session.add(ApplicationTag(application_id=application.id or 0, tag_id=tag_id))
    session.flush()
    if wanted != current:
        _audit_application(
            session, actor, application, "application.tags_changed", {"tags": sorted(current)}, {"tags": sorted(wanted)}
        )
        notify_candidate(session, application.candidate_id, staff_only=True)
    return sorted(wanted)


# --- Leases ---------------------------------------------------------------------------------------------------------


def hold_lease(session: Session, *, actor: Actor, application_id: int, client_id: str, label: str) -> leases.LeaseState:
    """The staff page takes the candidate's lease when its role may review; otherwise it only reads who holds it."""
    application, role = require_application_in_scope(session, actor=actor, application_id=application_id)
    resource = leases.candidate_resource(application.candidate_id)
    if role.role not in REVIEW_ROLES or role.read_only or actor.staff_id is None:
        return leases.LeaseState(held=False, lease=leases.who_holds(session, resource=resource))
    holder = leases.Holder(ActorKind.STAFF, actor.staff_id, label, client_id)
    return leases.acquire(session, resource=resource, holder=holder)


@dataclass(frozen=True)
class LeaseLine:
    id: int
    resource: str
    holder_kind: ActorKind
    holder_label: str
    acquired_at: datetime
    expires_at: datetime
    age: timedelta
    stale: bool  # expired, or held longer than a day


def list_leases(session: Session, *, actor: Actor) -> list[LeaseLine]:
    """Every lease, oldest first (administrators)."""
    _require_admin(session, actor)
    now = clock.now()
    return [
        LeaseLine(
            lease.id or 0,
            lease.resource,
            lease.holder_kind,
            lease.holder_label,
            lease.acquired_at,
            lease.expires_at,
            now - lease.acquired_at,
            lease.expires_at <= now or now - lease.acquired_at >= STALE_LEASE_AGE,
        )
        for lease in session.exec(select(EditLease).order_by(col(EditLease.acquired_at))).all()
    ]


def list_stale_leases(session: Session, *, actor: Actor) -> list[LeaseLine]:
    return [line for line in list_leases(session, actor=actor) if line.stale]


def release_lease(session: Session, *, actor: Actor, lease_id: int) -> None:
    """« Libérer »: an administrator ends a lease (its holder's next save is then checked again)."""
    _require_admin(session, actor)
    lease = session.get(EditLease, lease_id)
    if lease is None:
        raise NotFound("lease")
    audit(
        session,
        actor=actor,
        action="lease.released",
        entity_type="editlease",
        entity_id=lease.id,
        before={"resource": lease.resource, "holder": lease.holder_label, "holder_kind": lease.holder_kind.value},
    )
    session.delete(lease)
    session.flush()


def _require_admin(session: Session, actor: Actor) -> None:
    require_role(session, actor=actor, roles=[StaffRole.ADMINISTRATOR], write=True)
