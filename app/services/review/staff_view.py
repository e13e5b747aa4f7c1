"""An application as staff see it: everything the staff screen reads of it, its « Historique » aside.

Every function takes the actor and checks it with ``require_application_in_scope`` (an application outside the
role's scope is "not found", even with a forged id). Reading is open to every staff role of the scope and is
written to the audit trail (« application.viewed »: the one-year access log). The review actions are in
``staff_actions`` (pieces, dossier status, processing type, dates), ``staff_notes`` (post-its, tags) and
``staff_leases``, the downloads in ``staff_downloads``; this module re-exports them, the one name the staff pages
know.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.models import (
    Application,
    ApplicationCentre,
    Candidate,
    Committee,
    Decision,
    DecisionType,
    DocumentStatus,
    DossierStatus,
    EditLease,
    Note,
    Program,
    Question,
    QuestionAnswer,
    QuestionKind,
    RefusalReason,
    RequiredDocument,
    StaffMember,
    StoredFile,
    SubmittedDocument,
)
from app.services.accounts.staff_roles import RoleView
from app.services.applications.actions import applicable_questions
from app.services.applications.dossier_status import allowed_transitions, effective_return_by
from app.services.applications.staff_scope import require_application_in_scope
from app.services.dossier.sections import Dossier
from app.services.platform import leases
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.labels import label_in
from app.services.review import staff_dossier
from app.services.review.staff_actions import (
    ADMITTED_BY_RIGHT,
    COMMENT_REQUIRED,
    missing_documents,
    review_piece,
    set_candidate_dates,
    set_dossier_status,
    set_processing_type,
)
from app.services.review.staff_downloads import dossier_pdf_context_for_staff, read_piece_pdf
from app.services.review.staff_history import StaffAuditLine, application_history
from app.services.review.staff_leases import LeaseLine, hold_lease, list_leases, list_stale_leases, release_lease
from app.services.review.staff_notes import add_note, available_tags, chosen_tag_ids, delete_note, set_tags
from app.services.review.staff_rights import REVIEW_ROLES

# The staff pages call this one module (``staff_view.review_piece``…): the actions it re-exports live beside it.
__all__ = [
    "ADMITTED_BY_RIGHT",
    "COMMENT_REQUIRED",
    "LeaseLine",
    "StaffAnswer",
    "StaffApplicationView",
    "StaffAuditLine",
    "StaffDecision",
    "StaffNote",
    "StaffPiece",
    "StaffTag",
    "add_note",
    "delete_note",
    "dossier_files",
    "dossier_pdf_context_for_staff",
    "hold_lease",
    "list_leases",
    "list_stale_leases",
    "missing_documents",
    "open_application_for_staff",
    "read_piece_pdf",
    "release_lease",
    "review_piece",
    "set_candidate_dates",
    "set_dossier_status",
    "set_processing_type",
    "set_tags",
]


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
    dossier: Dossier
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
    opened = staff_dossier.open_dossier(session, actor=actor, candidate_id=candidate.id)
    names = _staff_names(session)
    if record_view:
        audit_application(session, actor, application, "application.viewed")
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
        history=application_history(session, application, candidate.id, names, lang),
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


def _tags(session: Session, application: Application) -> list[StaffTag]:
    chosen = chosen_tag_ids(session, application.id or 0)
    return [StaffTag(t.id or 0, t.label, t.colour, t.id in chosen) for t in available_tags(session, application)]


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
