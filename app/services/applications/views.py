"""What the candidate sees of their applications: the « Candidatures » list and an opened application.

Read-only. Each function loads with a constant number of queries (one for the applications, then grouped loads of
pieces, published decisions and staff actions). Unpublished decisions are never read here.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app import clock
from app.models import (
    AnswerKind,
    Application,
    CandidateAnswer,
    Committee,
    DecisionKind,
    DocumentStatus,
    DossierStatus,
    Procedure,
    QuestionKind,
    RequiredDocument,
    SubmittedDocument,
)
from app.services.applications.actions import (
    MISSING_STATUSES,
    answers_open,
    applications_acted_on,
    applies_to,
    days_left,
    display_order_key,
    own_candidate,
    remember_own_application,
    scoped_to,
)
from app.services.applications.application_rows import (
    MY_APPLICATION,
    MY_APPLICATIONS,
    PUBLISHED_DECISIONS,
    ApplicationRows,
    LiveRow,
    piece_rows,
    question_rows,
)
from app.services.applications.dossier_status import dossier_editable, effective_return_by
from app.services.platform.actors import Actor
from app.services.platform.errors import NotFound
from app.services.platform.labels import in_language, label_in
from app.services.platform.transaction_memo import LATEST_PUBLISHED, view_memo

# --- What the screens receive ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PieceView:
    id: int  # the SubmittedDocument
    required_document_id: int
    label: str
    help: str
    status: DocumentStatus
    comment: str  # the manager's reason when refused
    is_conditional: bool

    @property
    def is_missing(self) -> bool:
        """The guide's « pièces manquantes »: En attente or Refusée (Non concerné is not missing)."""
        return self.status in MISSING_STATUSES


@dataclass(frozen=True)
class DecisionView:
    """A published decision; unpublished ones never leave this module. Its waiting-list rank is not here: the
    candidate is shown one rank, ``answers.answer_view``'s (see ``waiting_list.displayed_rank``)."""

    kind: DecisionKind
    label: str
    comment: str
    reason: str
    preselection_at: datetime | None
    preselection_place: str | None
    confirmation_deadline: datetime | None
    published_at: datetime


@dataclass(frozen=True)
class ApplicationSummary:
    id: int
    candidate_id: int
    program_id: int
    program_code: str
    program_label: str
    centre_label: str
    procedure: Procedure
    dossier_status: DossierStatus
    dossier_status_at: datetime
    created_at: datetime
    transmitted_at: datetime | None
    missing: list[PieceView]
    decision: DecisionView | None
    return_by: datetime | None
    return_days_left: int | None  # Paris calendar days (0 = today); None when no date or passed
    confirmation_deadline: datetime | None
    confirmation_days_left: int | None
    can_cancel: bool
    archived: bool = False  # its campaign is archived: readable, no longer changeable
    campaign_label: str = ""  # its campaign's, in the reader's language (« Campagnes précédentes » groups by it)
    answer: AnswerKind | None = None  # the candidate's answer to the offer, and when
    answer_at: datetime | None = None
    withdrawn_automatically: bool = False  # by the deadline job, not by the candidate

    @property
    def awaiting_transmission(self) -> bool:
        """The dossier is in the candidate's hands (not yet received, or incomplete): ``EDITABLE_DOSSIER``."""
        return dossier_editable(self.dossier_status)

    @property
    def editable(self) -> bool:
        """The candidate may still change the application's pieces and transmit it."""
        return self.awaiting_transmission and not self.archived

    @property
    def return_date_applies(self) -> bool:
        """The return date is shown while the dossier is still awaited (not yet received, or incomplete) and the
        date has not passed: once received or complete, or past, it no longer asks anything of the candidate."""
        return self.awaiting_transmission and self.return_days_left is not None

    @property
    def confirmation_applies(self) -> bool:
        """« Confirmer avant le … » is shown while the offer waits for a definitive answer (none yet, or a provisional
        acceptance) and the deadline has not passed; an answer replaces it."""
        open_answer = self.answer in (None, AnswerKind.PROVISIONAL)
        return open_answer and self.confirmation_days_left is not None


@dataclass(frozen=True)
class QuestionView:
    id: int
    label: str
    kind: QuestionKind
    is_mandatory: bool
    max_length: int
    text_value: str | None
    bool_value: bool | None

    @property
    def answered(self) -> bool:
        return self.bool_value is not None if self.kind == QuestionKind.YES_NO else bool(self.text_value)


@dataclass(frozen=True)
class ApplicationDetail:
    summary: ApplicationSummary
    pieces: list[PieceView]
    questions: list[QuestionView]
    window_closes_at: datetime
    jury_on: datetime | None
    publication_on: datetime | None
    info_url: str | None
    committee_name: str
    committee_email: str
    committee_address: list[str]  # where a paper dossier is posted
    can_answer: bool


@dataclass(frozen=True)
class PieceInfo:
    """A required piece as the offer lists it."""

    label: str
    is_conditional: bool


def pieces_by_program(session: Session, *, programs: dict[int, int], lang: str = "fr") -> dict[int, list[PieceInfo]]:
    """The pieces each programme asks for, ``programs`` mapping programme id → centre id; one query."""
    rows = sorted(
        session.exec(select(RequiredDocument).where(scoped_to(RequiredDocument, programs.values(), programs))).all(),
        key=display_order_key,
    )
    return {
        program_id: [
            PieceInfo(label_in(row, lang), row.is_conditional) for row in rows if applies_to(row, centre_id, program_id)
        ]
        for program_id, centre_id in programs.items()
    }


def live_program_ids(session: Session, *, actor: Actor) -> set[int]:
    """Programmes the actor has a live application to (the offer shows « Candidature déposée »)."""
    if actor.kind != "candidate":
        return set()
    candidate = own_candidate(session, actor)
    if candidate is None:
        return set()
    return set(
        session.exec(
            select(Application.program_id).where(
                Application.candidate_id == candidate.id, col(Application.cancelled_at).is_(None)
            )
        ).all()
    )


# --- Following ----------------------------------------------------------------------------------------------------


def _piece_views(rows: list[tuple[SubmittedDocument, RequiredDocument]], lang: str) -> dict[int, list[PieceView]]:
    grouped: dict[int, list[PieceView]] = defaultdict(list)
    for submitted, required in rows:  # in display order
        assert submitted.id is not None and required.id is not None
        grouped[submitted.application_id].append(
            PieceView(
                id=submitted.id,
                required_document_id=required.id,
                label=label_in(required, lang),
                help=in_language(required.help_fr, required.help_en, lang),
                status=submitted.status,
                comment=submitted.comment,
                is_conditional=required.is_conditional,
            )
        )
    return grouped


def _published_decisions(session: Session, application_ids: list[int], lang: str) -> dict[int, DecisionView]:
    """The latest published decision of each application; unpublished decisions are never read here."""
    rows = session.exec(PUBLISHED_DECISIONS, params={"ids": application_ids}).all()
    latest: dict[int, DecisionView] = {}
    kept = view_memo(session, LATEST_PUBLISHED)  # a page's load: its answer and letter ask for the same rows
    if kept is not None:
        kept.update(dict.fromkeys(application_ids) | {decision.application_id: decision for decision, *_ in rows})
    for decision, decision_type, reason in rows:  # ascending: the last one wins
        assert decision.published_at is not None
        latest[decision.application_id] = DecisionView(
            kind=decision.kind,
            label=label_in(decision_type, lang),
            comment=decision.comment,
            reason=label_in(reason, lang) if reason else "",
            preselection_at=decision.preselection_at,
            preselection_place=decision.preselection_place,
            confirmation_deadline=decision.confirmation_deadline,
            published_at=decision.published_at,
        )
    return latest


def _summaries(
    session: Session,
    rows: list[LiveRow],
    lang: str,
    pieces: dict[int, list[PieceView]] | None = None,  # already read, by application id
) -> tuple[list[ApplicationSummary], dict[int, list[PieceView]]]:
    ids = [application.id for application, *_ in rows if application.id is not None]
    if pieces is None:
        pieces = _piece_views(piece_rows(session, ids), lang) if ids else {}
    decisions = _published_decisions(session, ids, lang) if ids else {}
    automatic = _withdrawn_automatically(session, [a for a, *_ in rows if a.answer == AnswerKind.WITHDRAWN])
    acted = applications_acted_on(session, [application for application, *_ in rows])
    campaigns = {campaign.id: campaign for *_, campaign in rows}  # read with the rows
    archived = {campaign_id for campaign_id, c in campaigns.items() if c.archived_at is not None}
    now = clock.now()
    summaries = []
    for application, program, centre, _campaign in rows:
        assert application.id is not None
        decision = decisions.get(application.id)
        confirmation = None
        if decision is not None and decision.kind == DecisionKind.FAVORABLE:
            confirmation = (
                application.confirmation_by_override
                or decision.confirmation_deadline
                or application.confirmation_deadline
                or program.confirmation_by
            )
        return_by = effective_return_by(application, program)
        summaries.append(
            ApplicationSummary(
                id=application.id,
                candidate_id=application.candidate_id,
                program_id=application.program_id,
                program_code=program.code,
                program_label=label_in(program, lang),
                centre_label=label_in(centre, lang),
                procedure=program.procedure,
                dossier_status=application.dossier_status,
                dossier_status_at=application.dossier_status_at,
                created_at=application.created_at,
                transmitted_at=application.transmitted_at,
                missing=[piece for piece in pieces.get(application.id, []) if piece.is_missing],
                decision=decision,
                return_by=return_by,
                return_days_left=days_left(return_by, now),
                confirmation_deadline=confirmation,
                confirmation_days_left=days_left(confirmation, now),
                can_cancel=application.id not in acted and application.campaign_id not in archived,
                archived=application.campaign_id in archived,
                campaign_label=label_in(campaigns[application.campaign_id], lang),
                answer=application.answer,
                answer_at=application.answer_at,
                withdrawn_automatically=application.id in automatic,
            )
        )
    return summaries, pieces


def _withdrawn_automatically(session: Session, withdrawn: list[Application]) -> set[int]:
    """Which of these withdrawn applications the deadline job withdrew (one query, none without a withdrawal)."""
    if not withdrawn:
        return set()
    return set(
        session.exec(
            select(CandidateAnswer.application_id).where(
                col(CandidateAnswer.application_id).in_([a.id for a in withdrawn]),
                CandidateAnswer.kind == AnswerKind.WITHDRAWN,
                col(CandidateAnswer.automatic),
            )
        ).all()
    )


def list_my_applications(session: Session, *, actor: Actor, lang: str = "fr") -> list[ApplicationSummary]:
    """The actor's live applications, oldest first; a constant number of queries whatever their count."""
    candidate = own_candidate(session, actor)
    if candidate is None:
        return []
    rows = session.exec(MY_APPLICATIONS, params={"candidate_id": candidate.id}).all()
    return _summaries(session, [tuple(row) for row in rows], lang)[0]  # type: ignore[misc]


def get_my_application(session: Session, *, actor: Actor, application_id: int, lang: str = "fr") -> ApplicationDetail:
    """One of the actor's applications with its pieces, questions and published decision."""
    return read_my_application(session, actor=actor, application_id=application_id, lang=lang)[0]


def _postal_address(committee: Committee) -> list[str]:
    lines = (committee.address_line1, committee.address_line2, committee.address_line3)
    return [line for line in (*lines, f"{committee.postcode} {committee.city}".strip()) if line]


def read_my_application(
    session: Session, *, actor: Actor, application_id: int, lang: str = "fr"
) -> tuple[ApplicationDetail, ApplicationRows]:
    """``get_my_application`` and the rows it was drawn from, for the page's other views of the application (its
    pieces' cards, what « Transmettre » waits for) to read nothing again."""
    # The checks of own_application (the actor's candidate, a live application of theirs) as the rows' query's
    # conditions: the application is read once, with its programme, centre, campaign and committee.
    candidate = own_candidate(session, actor)
    owner = candidate.id if candidate is not None else -1
    found = session.exec(MY_APPLICATION, params={"application_id": application_id, "owner": owner}).first()
    if found is None:
        raise NotFound("application")
    application, program, centre, campaign, committee = found
    # The page's other services read it from there, and its committee and campaign from the identity map.
    remember_own_application(session, application, program, centre, campaign, committee)
    documents = piece_rows(session, [application_id])
    summaries, pieces = _summaries(
        session, [(application, program, centre, campaign)], lang, _piece_views(documents, lang)
    )
    questions, answers = question_rows(session, application)
    question_views = []
    for question in questions:
        assert question.id is not None
        answer = answers.get(question.id)
        question_views.append(
            QuestionView(
                id=question.id,
                label=label_in(question, lang),
                kind=question.kind,
                is_mandatory=question.is_mandatory,
                max_length=question.max_length,
                text_value=answer.text_value if answer else None,
                bool_value=answer.bool_value if answer else None,
            )
        )
    detail = ApplicationDetail(
        summary=summaries[0],
        pieces=pieces.get(application_id, []),
        questions=question_views,
        window_closes_at=program.window_closes_at,
        jury_on=program.jury_on,
        publication_on=program.publication_on,
        info_url=program.info_url,
        committee_name=label_in(committee, lang),
        committee_email=committee.contact_email,
        committee_address=_postal_address(committee),
        can_answer=answers_open(application, program, clock.now()),
    )
    return detail, ApplicationRows(application, program, documents, questions, answers)
