"""What a batch of bulk decisions reads once rather than once per decision.

The archived campaigns among the batch's, the live offers of each programme (counted once under its lock, then
followed as decisions are published), the rows the decision mails read.
"""

from typing import Any

from sqlmodel import Session, col, select

from app.models import (
    Account,
    Application,
    ApplicationCentre,
    Candidate,
    Committee,
    DecisionType,
    Program,
    RefusalReason,
)
from app.services.decisions.published import CHUNK
from app.services.decisions.waiting_list import live_offer_count
from app.services.offer.campaigns import require_open_campaign
from app.services.platform.errors import DomainError


def campaign_refusals(session: Session, applications: list[Application]) -> dict[int, DomainError]:
    """The archived campaigns among the applications' (read-only for all), each with its refusal."""
    refusals: dict[int, DomainError] = {}
    for campaign_id in {application.campaign_id for application in applications}:
        try:
            require_open_campaign(session, campaign_id)
        except DomainError as error:
            refusals[campaign_id] = error
    return refusals


class OfferCounts:
    """The live offers of each programme, counted once (under its lock), then set as decisions are published."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.counts: dict[int, int] = {}

    def count(self, program_id: int) -> int:
        if program_id not in self.counts:
            self.counts[program_id] = live_offer_count(self.session, program_id)
        return self.counts[program_id]

    def set(self, program_id: int, count: int) -> None:
        self.counts[program_id] = count


def load_mail_parties(session: Session, application_ids: list[int]) -> list[Any]:
    """The rows the decision mails read (candidate, account, programme, centre, committee), a query each CHUNK ids.

    ``mail_parties`` then finds them in the session's identity map instead of loading them one by one. That map
    holds rows weakly: the caller keeps the list returned for as long as it mails."""
    kept: list[Any] = []
    for start in range(0, len(application_ids), CHUNK):
        rows = session.exec(
            select(Candidate, Account, Program, ApplicationCentre, Committee)
            .join(Application, col(Application.candidate_id) == col(Candidate.id))
            .join(Account, col(Account.id) == col(Candidate.account_id))
            .join(Program, col(Program.id) == col(Application.program_id))
            .join(ApplicationCentre, col(ApplicationCentre.id) == col(Application.centre_id))
            .join(Committee, col(Committee.id) == col(Application.committee_id))
            .where(col(Application.id).in_(application_ids[start : start + CHUNK]))
        ).all()
        kept.extend(rows)
    kept.extend(session.exec(select(DecisionType)).all())  # a few rows: the labels every decision mail names
    kept.extend(session.exec(select(RefusalReason)).all())
    return kept
