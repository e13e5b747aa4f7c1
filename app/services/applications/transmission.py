"""« Transmettre »: the candidate hands a complete online application to the committee.

``transmission_readiness`` says what still blocks it (for the page: dossier sections to complete, missing pieces,
unanswered questions, the return date); ``transmit_application`` re-checks everything on the server and then, in
the caller's ONE transaction, sets the dossier Réceptionné with its dates, enqueues the receipt mail
(``dossier_received``, with the list of pieces) and the committee alert (``committee_transmission`` when the
committee asks for it), writes the audit event. A crash anywhere before the commit leaves none of it; the outbox
guarantees no mail is sent for a transmission that rolled back.

A second « Transmettre » (double click, two tabs) is refused with a clear message rather than repeated: the
application row is locked (``FOR UPDATE`` on PostgreSQL) and re-read, and its version column makes a concurrent
update that read it before the first commit fail instead of transmitting twice.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app import clock
from app.config import get_settings
from app.i18n import N_, gettext
from app.models import (
    Account,
    Application,
    ApplicationCentre,
    Candidate,
    Committee,
    DocumentStatus,
    DossierStatus,
    Procedure,
    Program,
    QuestionAnswer,
    SubmittedDocument,
)
from app.services.applications.actions import (
    CANDIDATE_APPLICATION_PATH,
    MISSING_STATUSES,
    STAFF_APPLICATION_PATH,
    account_mail_context,
    applicable_documents,
    applicable_questions,
    effective_return_by,
    label_in,
    own_application,
    program_mail_context,
)
from app.services.dossier.completeness import SECTION_LABELS, dossier_completeness
from app.services.mail import outbox as mail
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError
from app.services.platform.lifecycle import By
from app.services.platform.notifications import notify_candidate
from app.services.review.dossier_status import dossier_editable, move_dossier

ALREADY_TRANSMITTED = N_("Cette candidature a déjà été transmise.")
PAPER = N_("Cette formation demande un dossier papier : envoyez-le par courrier, il n'y a rien à transmettre en ligne.")
RETURN_DATE_PASSED = N_("La date limite de retour est passée : la candidature ne peut plus être transmise.")
DOSSIER_INCOMPLETE = N_("Complétez votre dossier avant de transmettre (à compléter : {sections}).")
PIECES_MISSING = N_("Déposez toutes les pièces avant de transmettre (manquantes : {pieces}).")
QUESTIONS_UNANSWERED = N_(
    "Répondez à toutes les questions obligatoires avant de transmettre (sans réponse : {questions})."
)


# The refusals that the candidate lifts by doing what is left (the page lists it all beside the disabled button).
LEFT_TO_DO = ("dossier_incomplete", "pieces_missing", "questions_unanswered")


@dataclass(frozen=True)
class PieceLeft:
    """A piece still missing: its row (None when the piece was added to the programme after the application, no
    row yet) and whether « Non concerné » may answer it."""

    submitted_document_id: int | None
    label: str
    is_conditional: bool


@dataclass(frozen=True)
class Readiness:
    """What « Transmettre » would say now; ``ready`` when nothing blocks it."""

    return_by: datetime | None
    missing_pieces: list[str] = field(default_factory=list)
    unanswered_questions: list[str] = field(default_factory=list)
    refusal: DomainError | None = None  # the first rule that refuses, None when ready
    pieces_left: list[PieceLeft] = field(default_factory=list)  # ``missing_pieces`` with their rows
    incomplete_sections: list[str] = field(default_factory=list)  # ``completeness`` section keys

    @property
    def ready(self) -> bool:
        return self.refusal is None

    @property
    def left_to_do(self) -> bool:
        """Blocked only by what the candidate can still do (not by a passed date or a paper procedure)."""
        return self.refusal is not None and self.refusal.code in LEFT_TO_DO


def transmission_readiness(session: Session, *, actor: Actor, application_id: int, lang: str = "fr") -> Readiness:
    """The checks of ``transmit_application``, without changing anything (labels in ``lang``)."""
    _candidate, application = own_application(session, actor, application_id)
    return _readiness(session, application, lang)


def transmit_application(session: Session, *, actor: Actor, application_id: int) -> Application:
    """« Transmettre »: re-check every rule, then receive the dossier, mail the receipt, alert the committee."""
    candidate, application = own_application(session, actor, application_id, write=True, lock=True)
    session.refresh(application)  # the row as it is now (another tab may have transmitted it)
    account = session.get(Account, candidate.account_id)
    assert account is not None
    readiness = _readiness(session, application, account.language)
    if readiness.refusal is not None:
        raise readiness.refusal
    now = clock.now()
    before = move_dossier(application, DossierStatus.RECEIVED, by=By.CANDIDATE, now=now)
    session.add(application)
    try:
        session.flush()  # UPDATE … WHERE version = n: a concurrent transmission that committed first wins
    except StaleDataError as exc:
        raise DomainError("already_transmitted", ALREADY_TRANSMITTED) from exc
    _enqueue_mails(session, application, candidate, account)
    audit(
        session,
        actor=actor,
        action="application.transmitted",
        entity_type="application",
        entity_id=application.id,
        candidate_id=candidate.id,
        application_id=application.id,
        before={"dossier_status": before.value},
        after={"dossier_status": application.dossier_status.value, "transmitted_at": now.isoformat()},
    )
    notify_candidate(session, candidate.id or 0)
    return application


def _readiness(session: Session, application: Application, lang: str) -> Readiness:
    program = session.get(Program, application.program_id)
    assert program is not None
    return_by = effective_return_by(application, program)
    pieces_left = _pieces_left(session, application, lang)
    missing = [piece.label for piece in pieces_left]
    unanswered = _unanswered_questions(session, application, lang)
    incomplete = list(dossier_completeness(session, candidate_id=application.candidate_id).reasons)
    refusal: DomainError | None = None
    if not dossier_editable(application.dossier_status):
        refusal = DomainError("already_transmitted", ALREADY_TRANSMITTED)
    elif program.procedure != Procedure.ONLINE:
        refusal = DomainError("paper_procedure", PAPER)
    elif return_by is not None and clock.now() > return_by:
        refusal = DomainError("return_date_passed", RETURN_DATE_PASSED)
    elif incomplete:
        sections = ", ".join(gettext(SECTION_LABELS[section], lang) for section in incomplete)
        refusal = DomainError("dossier_incomplete", DOSSIER_INCOMPLETE, sections=sections)
    elif missing:
        refusal = DomainError("pieces_missing", PIECES_MISSING, pieces=", ".join(missing))
    elif unanswered:
        refusal = DomainError("questions_unanswered", QUESTIONS_UNANSWERED, questions=", ".join(unanswered))
    return Readiness(
        return_by=return_by,
        missing_pieces=missing,
        unanswered_questions=unanswered,
        refusal=refusal,
        pieces_left=pieces_left,
        incomplete_sections=incomplete,
    )


def _pieces(session: Session, application: Application) -> list[tuple[Any, SubmittedDocument | None]]:
    """Every active piece the application calls for (also one added after it was created), with its row."""
    rows = {
        document.required_document_id: document
        for document in session.exec(
            select(SubmittedDocument).where(SubmittedDocument.application_id == application.id)
        ).all()
    }
    required = applicable_documents(session, centre_id=application.centre_id, program_id=application.program_id)
    return [(piece, rows.get(piece.id or 0)) for piece in required]


def _pieces_left(session: Session, application: Application, lang: str) -> list[PieceLeft]:
    return [
        PieceLeft(document.id if document else None, label_in(piece, lang), piece.is_conditional)
        for piece, document in _pieces(session, application)
        if document is None or document.status in MISSING_STATUSES
    ]


def _unanswered_questions(session: Session, application: Application, lang: str) -> list[str]:
    questions = [
        question
        for question in applicable_questions(
            session, centre_id=application.centre_id, program_id=application.program_id
        )
        if question.is_mandatory
    ]
    if not questions:
        return []
    answered = {
        answer.question_id
        for answer in session.exec(
            select(QuestionAnswer).where(
                QuestionAnswer.application_id == application.id,
                col(QuestionAnswer.question_id).in_([q.id for q in questions]),
            )
        ).all()
        if answer.bool_value is not None or (answer.text_value or "").strip()
    }
    return [label_in(question, lang) for question in questions if question.id not in answered]


_STATUS_LABELS = {
    DocumentStatus.SUBMITTED: N_("Transmise"),
    DocumentStatus.VALIDATED: N_("Validée"),
    DocumentStatus.NOT_APPLICABLE: N_("Non concerné"),
}


def _enqueue_mails(session: Session, application: Application, candidate: Candidate, account: Account) -> None:
    program = session.get(Program, application.program_id)
    centre = session.get(ApplicationCentre, application.centre_id)
    committee = session.get(Committee, application.committee_id)
    assert program is not None and centre is not None and committee is not None
    lang = account.language
    base_url = get_settings().base_url
    documents = [
        {
            "title": label_in(piece, lang),
            "status": gettext(_STATUS_LABELS[document.status], lang)
            if document and document.status in _STATUS_LABELS
            else "",
        }
        for piece, document in _pieces(session, application)
    ]
    mail.enqueue_mail(
        session,
        code="dossier_received",
        to=account.email,
        context={
            "account": account_mail_context(account),
            "program": program_mail_context(application, program, centre, lang),
            "link": base_url + CANDIDATE_APPLICATION_PATH.format(id=application.id),
            "documents": documents,
        },
        language=lang,
        account_id=account.id,
        application_id=application.id,
    )
    if committee.alert_on_transmission and committee.is_active and committee.contact_email:
        mail.enqueue_mail(
            session,
            code="committee_transmission",
            to=committee.contact_email,
            context={
                "committee": {"name": committee.label_fr},
                "account": account_mail_context(account),
                "program": program_mail_context(application, program, centre, "fr"),
                "link": base_url + STAFF_APPLICATION_PATH.format(id=application.id),
            },
            language="fr",
            application_id=application.id,
        )
