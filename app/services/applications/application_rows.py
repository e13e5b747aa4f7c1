"""The rows of one application that its page reads once: the candidate's page shows the application, its pieces'
cards and what « Transmettre » still waits for, three views of the same rows (``views.read_my_application`` reads
them; ``documents.pieces.list_pieces`` and ``transmission.transmission_readiness`` take them instead of reading
them again)."""

from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.models import (
    Account,
    Application,
    ApplicationCentre,
    Campaign,
    Candidate,
    Committee,
    Decision,
    DecisionType,
    Program,
    Question,
    QuestionAnswer,
    RefusalReason,
    RequiredDocument,
    SubmittedDocument,
)
from app.services.applications.actions import applicable_questions, display_order_key

Q = TypeVar("Q", bound=Any)


def with_program_and_candidate(query: Q) -> Q:
    """``query`` over applications with each one's programme, candidate and candidate's account joined."""
    return (
        query.join(Program, col(Program.id) == Application.program_id)
        .join(Candidate, col(Candidate.id) == Application.candidate_id)
        .join(Account, col(Account.id) == Candidate.account_id)
    )


# A live application as the candidate's views read it: with its programme, centre and campaign.
LiveRow = tuple[Application, Program, ApplicationCentre, Campaign]


def live_rows_statement(*conditions: Any) -> Any:
    """Live applications with their programme, centre and campaign (one round trip for all four), oldest first."""
    return (
        select(Application, Program, ApplicationCentre, Campaign)
        .join(Program, col(Program.id) == Application.program_id)
        .join(ApplicationCentre, col(ApplicationCentre.id) == Application.centre_id)
        .join(Campaign, col(Campaign.id) == Application.campaign_id)
        .where(col(Application.cancelled_at).is_(None), *conditions)
        .order_by(col(Application.created_at), col(Application.id))
    )


# Built once with parameters, as the ones below: every view of an application reads these (actions._SCOPED).
PUBLISHED_DECISIONS = (
    select(Decision, DecisionType, RefusalReason)
    .join(DecisionType, DecisionType.id == Decision.decision_type_id)
    .outerjoin(RefusalReason, RefusalReason.id == Decision.refusal_reason_id)
    .where(
        col(Decision.application_id).in_(sa.bindparam("ids", expanding=True)), col(Decision.published_at).is_not(None)
    )
    .order_by(col(Decision.published_at), col(Decision.id))
)
MY_APPLICATIONS = live_rows_statement(Application.candidate_id == sa.bindparam("candidate_id"))
MY_APPLICATION = (
    live_rows_statement(
        Application.id == sa.bindparam("application_id"), Application.candidate_id == sa.bindparam("owner")
    )
    .add_columns(Committee)
    .join(Committee, Committee.id == Application.committee_id)
)


@dataclass(frozen=True)
class ApplicationRows:
    application: Application
    program: Program
    documents: list[tuple[SubmittedDocument, RequiredDocument]]  # its piece rows, in display order
    questions: list[Question]  # the questions it asks, in display order
    answers: dict[int, QuestionAnswer]  # by question id

    def is_for(self, application: Application) -> bool:
        """Read for this very row (an owner's check already passed, in this session)."""
        return self.application is application


# Built once with parameters: every view of an application reads these (see actions._SCOPED).
_PIECE_ROWS = (
    select(SubmittedDocument, RequiredDocument)
    .join(RequiredDocument, col(RequiredDocument.id) == SubmittedDocument.required_document_id)
    .where(col(SubmittedDocument.application_id).in_(sa.bindparam("ids", expanding=True)))
)
_ANSWERS = select(QuestionAnswer).where(QuestionAnswer.application_id == sa.bindparam("application_id"))


def piece_rows(session: Session, application_ids: list[int]) -> list[tuple[SubmittedDocument, RequiredDocument]]:
    """The piece rows of these applications with their required pieces, in display order; one query."""
    rows = session.exec(_PIECE_ROWS, params={"ids": application_ids}).all()
    return sorted(rows, key=lambda r: display_order_key(r[1]))


def question_rows(session: Session, application: Application) -> tuple[list[Question], dict[int, QuestionAnswer]]:
    """The questions the application asks and its answers; two queries."""
    questions = applicable_questions(session, centre_id=application.centre_id, program_id=application.program_id)
    answers = {
        answer.question_id: answer for answer in session.exec(_ANSWERS, params={"application_id": application.id}).all()
    }
    return questions, answers
