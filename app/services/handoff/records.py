"""What the enrolment hand-off carries: each candidate once, their identity, the programmes they hold.

Read by the Pégase files (``handoff_pegase``), the adapter push (``handoff_apogee``) and the API; the rows it reads
are kept in line with the answers by ``handoff`` (see its docstring for the #117 design).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.models import (
    Account,
    Address,
    AnswerKind,
    Application,
    ApplicationCentre,
    Campaign,
    Candidate,
    CandidateAnswer,
    Committee,
    Decision,
    DecisionKind,
    DiplomaType,
    EnrolmentHandoff,
    HandoffStatus,
    Program,
)
from app.services.applications.application_rows import with_program_and_candidate
from app.services.dossier.referentials import ascii_upper

QUEUED = (HandoffStatus.PENDING, HandoffStatus.FAILED)  # still to deliver: new, failed, or a cancellation


@dataclass(frozen=True)
class HandoffWish:
    """One programme of a candidate's hand-off (a « vœu »): a live confirmation, or a withdrawn one to forget."""

    handoff_id: int
    application_id: int
    cancelled: bool  # True: a confirmation withdrawn after delivery, which the system must cancel
    status: HandoffStatus
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    cancelled_at: datetime | None
    campaign_code: str
    centre_code: str
    committee_code: str
    program_id: int
    program_code: str
    program_label_fr: str
    program_label_en: str
    diploma_type_code: str
    decision_published_at: datetime | None  # the favourable decision the candidate confirmed
    called_from_waiting_list: bool
    confirmed_at: datetime | None
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class CandidateHandoff:
    """One candidate as the student information system receives them: identity once, then their programmes."""

    candidate_id: int
    dossier_number: str
    email: str
    ine: str | None
    student_number: str | None
    civility: str
    birth_name: str
    usage_name: str
    first_names: str
    birth_date: date | None
    birth_country: str
    birth_department: str | None
    birth_commune_insee: str | None
    birth_place: str
    nationality: str
    phone: str
    mobile: str
    address_line1: str = ""
    address_line2: str = ""
    address_line3: str = ""
    address_postcode: str = ""
    address_commune_insee: str | None = None
    address_city: str = ""
    address_country: str = ""
    wishes: list[HandoffWish] = field(default_factory=list)  # the programmes held (live confirmations)
    withdrawals: list[HandoffWish] = field(default_factory=list)  # delivered confirmations since withdrawn

    @property
    def handoff_ids(self) -> list[int]:
        return [w.handoff_id for w in (*self.wishes, *self.withdrawals)]


def _answer_moments(session: Session, application_ids: list[int]) -> dict[int, dict[AnswerKind, datetime]]:
    """The latest moment of each answer kind per application (from the answer history)."""
    moments: dict[int, dict[AnswerKind, datetime]] = {}
    if not application_ids:
        return moments
    rows = session.exec(
        select(CandidateAnswer.application_id, CandidateAnswer.kind, sa.func.max(CandidateAnswer.at))
        .where(col(CandidateAnswer.application_id).in_(application_ids))
        .group_by(col(CandidateAnswer.application_id), col(CandidateAnswer.kind))
    ).all()
    for application_id, kind, at in rows:
        moments.setdefault(application_id, {})[AnswerKind(kind)] = at
    return moments


def _offers(session: Session, application_ids: list[int]) -> dict[int, Decision]:
    """The latest published favourable decision of each application (what the candidate confirmed)."""
    offers: dict[int, Decision] = {}
    if not application_ids:
        return offers
    rows = session.exec(
        select(Decision)
        .where(
            col(Decision.application_id).in_(application_ids),
            Decision.kind == DecisionKind.FAVORABLE,
            col(Decision.published_at).is_not(None),
        )
        .order_by(col(Decision.published_at), col(Decision.id))
    ).all()
    for decision in rows:
        offers[decision.application_id] = decision  # ascending: the last one wins
    return offers


def _conditions(*, campaign_id: int | None, queued_only: bool) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if campaign_id is not None:
        conditions.append(Application.campaign_id == campaign_id)
    if queued_only:
        conditions.append(col(EnrolmentHandoff.status).in_(QUEUED))
    else:
        conditions.append(col(EnrolmentHandoff.cancelled_at).is_(None))
    return conditions


def count_candidates(session: Session, *, campaign_id: int | None = None, queued_only: bool = False) -> int:
    """How many candidates :func:`load_handoffs` returns with the same arguments (for pagination)."""
    return int(
        session.exec(
            select(sa.func.count(sa.distinct(Application.candidate_id)))
            .join(EnrolmentHandoff, col(EnrolmentHandoff.application_id) == Application.id)
            .where(*_conditions(campaign_id=campaign_id, queued_only=queued_only))
        ).one()
        or 0
    )


def load_handoffs(
    session: Session,
    *,
    campaign_id: int | None = None,
    queued_only: bool = False,
    candidate_ids: Iterable[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[CandidateHandoff]:
    """The hand-off grouped by candidate, ordered by dossier number.

    Default: the live set (every programme each candidate holds) — what the files carry. ``queued_only``: what is
    still to deliver (PENDING or FAILED: new or retried confirmations, and cancellations to deliver); ``limit``
    and ``offset`` count candidates. Call :func:`reconcile` first (the callers in this package do).
    """
    conditions = _conditions(campaign_id=campaign_id, queued_only=queued_only)
    if candidate_ids is not None:
        conditions.append(col(Application.candidate_id).in_(list(candidate_ids)))
    if limit is not None:
        conditions.append(col(Application.candidate_id).in_(_candidate_page(conditions, limit, offset)))
    rows = _handoff_rows(session, conditions)
    refs = _WishRefs.read(session, rows)
    result: dict[int, CandidateHandoff] = {}
    for handoff, application, program, candidate, account, campaign, centre in rows:
        entry = result.get(candidate.id or 0)
        if entry is None:
            entry = result[candidate.id or 0] = _candidate_entry(
                candidate, account, refs.addresses.get(candidate.id or 0)
            )
        wish = refs.wish(handoff, application, program, campaign, centre)
        (entry.withdrawals if wish.cancelled else entry.wishes).append(wish)
    return list(result.values())


HandoffRow = tuple[EnrolmentHandoff, Application, Program, Candidate, Account, Campaign, ApplicationCentre]


def _candidate_page(conditions: list[Any], limit: int, offset: int) -> Any:
    """The ids of one page of candidates, by dossier number (``limit`` and ``offset`` count candidates)."""
    return (
        select(Application.candidate_id)
        .join(EnrolmentHandoff, col(EnrolmentHandoff.application_id) == Application.id)
        .join(Candidate, col(Candidate.id) == Application.candidate_id)
        .join(Account, col(Account.id) == Candidate.account_id)
        .where(*conditions)
        .group_by(col(Application.candidate_id), col(Account.dossier_number))
        .order_by(col(Account.dossier_number))
        .offset(offset)
        .limit(limit)
    ).scalar_subquery()


def _handoff_rows(session: Session, conditions: list[Any]) -> list[HandoffRow]:
    return list(
        session.exec(
            with_program_and_candidate(
                select(EnrolmentHandoff, Application, Program, Candidate, Account, Campaign, ApplicationCentre).join(
                    Application, col(Application.id) == EnrolmentHandoff.application_id
                )
            )
            .join(Campaign, col(Campaign.id) == Application.campaign_id)
            .join(ApplicationCentre, col(ApplicationCentre.id) == Application.centre_id)
            .where(*conditions)
            .order_by(col(Account.dossier_number), col(Program.code), col(EnrolmentHandoff.id))
        ).all()
    )


def _candidate_entry(candidate: Candidate, account: Account, address: Address | None) -> CandidateHandoff:
    return CandidateHandoff(
        candidate_id=candidate.id or 0,
        dossier_number=account.dossier_number,
        email=account.email,
        ine=candidate.ine,
        student_number=candidate.student_number or account.student_number,
        civility=candidate.civility.value,
        # Names are stored as typed (« Éloïse »): the system takes them in capitals without accents.
        birth_name=ascii_upper(candidate.birth_name),
        usage_name=ascii_upper(candidate.usage_name),
        first_names=ascii_upper(candidate.first_names),
        birth_date=candidate.birth_date,
        birth_country=candidate.birth_country,
        birth_department=candidate.birth_department,
        birth_commune_insee=candidate.birth_commune_insee,
        birth_place=candidate.birth_place,
        nationality=candidate.nationality,
        phone=candidate.phone,
        mobile=candidate.mobile,
        address_line1=address.line1 if address else "",
        address_line2=address.line2 if address else "",
        address_line3=address.line3 if address else "",
        address_postcode=address.postcode if address else "",
        address_commune_insee=address.commune_insee if address else None,
        address_city=address.city if address else "",
        address_country=address.country if address else "",
    )


@dataclass(frozen=True)
class _WishRefs:
    """What the wishes of a page of hand-off rows refer to, read in one query per kind."""

    moments: dict[int, dict[AnswerKind, datetime]]
    offers: dict[int, Decision]
    committees: dict[int | None, str]
    types: dict[int | None, str]
    addresses: dict[int, Address]

    @classmethod
    def read(cls, session: Session, rows: list[HandoffRow]) -> "_WishRefs":
        application_ids = [application.id or 0 for _h, application, *_rest in rows]
        candidate_ids = sorted({candidate.id or 0 for _h, _a, _p, candidate, *_rest in rows})
        return cls(
            moments=_answer_moments(session, application_ids),
            offers=_offers(session, application_ids),
            committees={c.id: c.code for c in session.exec(select(Committee)).all()},
            types={t.id: t.code for t in session.exec(select(DiplomaType)).all()},
            addresses={
                a.candidate_id: a
                for a in session.exec(select(Address).where(col(Address.candidate_id).in_(candidate_ids))).all()
            },
        )

    def wish(
        self,
        handoff: EnrolmentHandoff,
        application: Application,
        program: Program,
        campaign: Campaign,
        centre: ApplicationCentre,
    ) -> HandoffWish:
        offer = self.offers.get(application.id or 0)
        answered = self.moments.get(application.id or 0, {})
        return HandoffWish(
            handoff_id=handoff.id or 0,
            application_id=application.id or 0,
            cancelled=handoff.cancelled_at is not None,
            status=handoff.status,
            attempts=handoff.attempts,
            last_error=handoff.last_error,
            created_at=handoff.created_at,
            sent_at=handoff.sent_at,
            cancelled_at=handoff.cancelled_at,
            campaign_code=campaign.code,
            centre_code=centre.code,
            committee_code=self.committees.get(application.committee_id, ""),
            program_id=program.id or 0,
            program_code=program.code,
            program_label_fr=program.label_fr,
            program_label_en=program.label_en,
            diploma_type_code=self.types.get(program.diploma_type_id, ""),
            decision_published_at=offer.published_at if offer else None,
            called_from_waiting_list=bool(offer and offer.is_waiting_list_call),
            confirmed_at=answered.get(AnswerKind.CONFIRMED),
            withdrawn_at=answered.get(AnswerKind.WITHDRAWN),
        )
