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

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_, gettext
from app.models import (
    Account,
    Application,
    Candidate,
    DocumentStatus,
    DossierStatus,
    Procedure,
    Program,
    QuestionAnswer,
)
from app.services.applications.actions import (
    MISSING_STATUSES,
    applicable_documents,
    applicable_questions,
    own_application,
    pieces_with_rows,
)
from app.services.applications.application_rows import ApplicationRows
from app.services.applications.dossier_status import dossier_editable, effective_return_by, move_dossier
from app.services.applications.mails import alert_committees, candidate_link, mail_candidate, mail_parties, staff_link
from app.services.dossier.completeness import SECTION_LABELS, dossier_completeness
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError
from app.services.platform.labels import label_in
from app.services.platform.lifecycle import By
from app.services.platform.notifications import notify_candidate
from app.services.platform.versions import flush_versioned

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


def transmission_readiness(
    session: Session, *, actor: Actor, application_id: int, lang: str = "fr", rows: ApplicationRows | None = None
) -> Readiness:
    """The checks of ``transmit_application``, without changing anything (labels in ``lang``); ``rows``: what the
    page read of the application already (``views.read_my_application``), not read again."""
    _candidate, application = own_application(session, actor, application_id)
    return _readiness(session, application, lang, rows if rows is not None and rows.is_for(application) else None)


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
    # UPDATE … WHERE version = n: a concurrent transmission that committed first wins
    flush_versioned(session, DomainError("already_transmitted", ALREADY_TRANSMITTED))
    _enqueue_mails(session, application, candidate, account)
    audit_application(
        session,
        actor,
        application,
        "application.transmitted",
        before={"dossier_status": before.value},
        after={"dossier_status": application.dossier_status.value, "transmitted_at": now.isoformat()},
    )
    notify_candidate(session, candidate.id or 0)
    return application


def _readiness(session: Session, application: Application, lang: str, rows: ApplicationRows | None = None) -> Readiness:
    program = rows.program if rows is not None else session.get(Program, application.program_id)
    assert program is not None
    return_by = effective_return_by(application, program)
    pieces_left = _pieces_left(session, application, lang, rows)
    missing = [piece.label for piece in pieces_left]
    unanswered = _unanswered_questions(session, application, lang, rows)
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


def _pieces_left(
    session: Session, application: Application, lang: str, rows: ApplicationRows | None
) -> list[PieceLeft]:
    if rows is None:
        pieces = pieces_with_rows(session, application)
    else:  # the rows read already, beside every piece the application calls for (one added after it, too)
        by_piece = {document.required_document_id: document for document, _required in rows.documents}
        required = applicable_documents(session, centre_id=application.centre_id, program_id=application.program_id)
        pieces = [(piece, by_piece.get(piece.id or 0)) for piece in required]
    return [
        PieceLeft(document.id if document else None, label_in(piece, lang), piece.is_conditional)
        for piece, document in pieces
        if document is None or document.status in MISSING_STATUSES
    ]


def _unanswered_questions(
    session: Session, application: Application, lang: str, rows: ApplicationRows | None
) -> list[str]:
    if rows is None:
        questions = applicable_questions(session, centre_id=application.centre_id, program_id=application.program_id)
    else:
        questions = rows.questions
    mandatory = [question for question in questions if question.is_mandatory]
    if not mandatory:
        return []
    if rows is None:
        answers = session.exec(
            select(QuestionAnswer).where(
                QuestionAnswer.application_id == application.id,
                col(QuestionAnswer.question_id).in_([q.id for q in mandatory]),
            )
        ).all()
    else:
        answers = [rows.answers[q.id] for q in mandatory if q.id in rows.answers]
    answered = {
        answer.question_id for answer in answers if answer.bool_value is not None or (answer.text_value or "").strip()
    }
    return [label_in(question, lang) for question in mandatory if question.id not in answered]


_STATUS_LABELS = {
    DocumentStatus.SUBMITTED: N_("Transmise"),
    DocumentStatus.VALIDATED: N_("Validée"),
    DocumentStatus.NOT_APPLICABLE: N_("Non concerné"),
}


def _enqueue_mails(session: Session, application: Application, candidate: Candidate, account: Account) -> None:
    parties = mail_parties(session, application, account)
    lang = account.language
    documents = [
        {
            "title": label_in(piece, lang),
            "status": gettext(_STATUS_LABELS[document.status], lang)
            if document and document.status in _STATUS_LABELS
            else "",
        }
        for piece, document in pieces_with_rows(session, application)
    ]
    mail_candidate(session, parties, "dossier_received", {"link": candidate_link(application), "documents": documents})
    link = {"link": staff_link(application)}
    alert_committees(session, parties, "alert_on_transmission", "committee_transmission", link)
