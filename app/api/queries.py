"""What the API reads, for one token's scope: the offer, applications, published decisions, the hand-off.

These are the API's services: each takes the session and the token's :class:`TokenScope`, checks the scope and
returns response models. Every list is filtered by ``staff_scope.scope_filter`` on the token's scope, so no
response ever carries another centre's or committee's data; naming something outside the scope raises
:class:`OutOfScope` (403).
"""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.api import schemas
from app.models import (
    Account,
    Application,
    ApplicationCentre,
    Campaign,
    Candidate,
    Committee,
    Decision,
    DecisionType,
    DiplomaType,
    Program,
    RefusalReason,
)
from app.services.admin import TokenScope
from app.services.applications import program_scope, scope_covers, scope_filter, with_program_and_candidate
from app.services.handoff import enrolment as handoff
from app.services.offer import active_campaign


class OutOfScope(Exception):
    """The request names something the token's scope does not cover."""


class UnknownCampaign(Exception):
    pass


MAX_PAGE_SIZE = 500


# --- The offer -----------------------------------------------------------------------------------------------------


def read_offer(session: Session) -> schemas.OfferOut:
    campaign = active_campaign(session)
    if campaign is None:
        return schemas.OfferOut(campaign=None, programs=[])
    rows = session.exec(
        select(Program, ApplicationCentre, Committee, DiplomaType)
        .join(ApplicationCentre, col(ApplicationCentre.id) == Program.centre_id)
        .join(Committee, col(Committee.id) == Program.committee_id)
        .join(DiplomaType, col(DiplomaType.id) == Program.diploma_type_id)
        .where(Program.campaign_id == campaign.id, col(Program.is_active), col(ApplicationCentre.is_active))
        .order_by(col(ApplicationCentre.code), col(Program.code))
    ).all()
    programs = [
        schemas.ProgramOut(
            id=program.id or 0,
            code=program.code,
            label_fr=program.label_fr,
            label_en=program.label_en,
            centre_code=centre.code,
            centre_label_fr=centre.label_fr,
            committee_code=committee.code,
            diploma_type_code=diploma_type.code,
            diploma_type_label_fr=diploma_type.label_fr,
            capacity=program.capacity,
            procedure=program.procedure,
            has_waiting_list=program.has_waiting_list,
            info_url=program.info_url,
            calendar=schemas.CalendarOut.model_validate(program, from_attributes=True),
        )
        for program, centre, committee, diploma_type in rows
    ]
    return schemas.OfferOut(
        campaign=schemas.CampaignOut.model_validate(campaign, from_attributes=True), programs=programs
    )


# --- Scope helpers -------------------------------------------------------------------------------------------------


def _campaign_id(session: Session, code: str | None) -> int | None:
    """The named campaign, or the active one when none is named."""
    query = (
        select(Campaign.id).where(Campaign.code == code) if code else select(Campaign.id).where(col(Campaign.is_active))
    )
    campaign_id = session.exec(query).first()
    if code and campaign_id is None:
        raise UnknownCampaign(code)
    return campaign_id


def _program_filter(
    session: Session, scope: TokenScope, program_id: int | None, program_code: str | None, campaign_id: int | None
) -> list[Any]:
    """The filter on one programme, refused (403) when the programme is outside the token's scope."""
    if program_id is None and not program_code:
        return []
    query = select(Program)
    if program_id is not None:
        query = query.where(Program.id == program_id)
    if program_code:
        query = query.where(Program.code == program_code)
        if campaign_id is not None:
            query = query.where(Program.campaign_id == campaign_id)
    program = session.exec(query).first()
    if program is None:
        return [sa.false()]  # nothing matches an unknown programme
    if session.exec(select(Program.id).where(Program.id == program.id, program_scope(scope.as_role()))).first() is None:
        raise OutOfScope()
    return [Application.program_id == program.id]


@dataclass(frozen=True)
class ProgramListing:
    """The filters and the page shared by the lists of applications and of decisions."""

    campaign_code: str | None = None
    program_id: int | None = None
    program_code: str | None = None
    page: int = 1
    page_size: int = 100


def _listed(session: Session, scope: TokenScope, listing: ProgramListing) -> tuple[int, int, list[Any]]:
    """The page, its size and the conditions of a listing: the token's scope, the campaign, the programme."""
    page, page_size = _page(listing.page, listing.page_size)
    campaign_id = _campaign_id(session, listing.campaign_code)
    conditions: list[Any] = [scope_filter(scope.as_role())]
    if campaign_id is not None:
        conditions.append(Application.campaign_id == campaign_id)
    conditions += _program_filter(session, scope, listing.program_id, listing.program_code, campaign_id)
    return page, page_size, conditions


def _page(page: int, page_size: int) -> tuple[int, int]:
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    return max(page, 1), page_size


# --- Applications --------------------------------------------------------------------------------------------------

_APPLICATION_MOMENTS = (
    Application.created_at,
    Application.dossier_status_at,
    Application.transmitted_at,
    Application.received_at,
    Application.complete_at,
    Application.cancelled_at,
    Application.answer_at,
    Application.called_from_waiting_list_at,
)


def _changed_since(since: datetime) -> Any:
    decided = (
        select(Decision.id)
        .where(
            Decision.application_id == Application.id,
            sa.or_(col(Decision.entered_at) >= since, col(Decision.published_at) >= since),
        )
        .correlate(Application)
        .exists()
    )
    return sa.or_(*(col(moment) >= since for moment in _APPLICATION_MOMENTS), decided)


def _latest_decision_moments(session: Session, application_ids: list[int]) -> dict[int, datetime]:
    if not application_ids:
        return {}
    rows = session.exec(
        select(Decision.application_id, sa.func.max(Decision.entered_at), sa.func.max(Decision.published_at))
        .where(col(Decision.application_id).in_(application_ids))
        .group_by(col(Decision.application_id))
    ).all()
    return {app_id: max(m for m in (entered, published) if m is not None) for app_id, entered, published in rows}


def list_applications(
    session: Session,
    scope: TokenScope,
    listing: ProgramListing,
    *,
    updated_since: datetime | None = None,
    include_cancelled: bool = False,
) -> schemas.Page[schemas.ApplicationOut]:
    page, page_size, conditions = _listed(session, scope, listing)
    if not include_cancelled:
        conditions.append(col(Application.cancelled_at).is_(None))
    if updated_since is not None:
        conditions.append(_changed_since(updated_since))
    total = session.exec(select(sa.func.count()).select_from(Application).where(*conditions)).one()
    items = _fetch_applications(session, conditions, offset=(page - 1) * page_size, limit=page_size)
    return schemas.Page[schemas.ApplicationOut](page=page, page_size=page_size, total=total, items=items)


def _fetch_applications(
    session: Session, conditions: list[Any], *, offset: int, limit: int
) -> list[schemas.ApplicationOut]:
    rows = session.exec(
        with_program_and_candidate(
            select(Application, Program, Candidate, Account, Campaign, ApplicationCentre, Committee)
        )
        .join(Campaign, col(Campaign.id) == Application.campaign_id)
        .join(ApplicationCentre, col(ApplicationCentre.id) == Application.centre_id)
        .join(Committee, col(Committee.id) == Application.committee_id)
        .where(*conditions)
        .order_by(col(Application.id))
        .offset(offset)
        .limit(limit)
    ).all()
    decided = _latest_decision_moments(session, [a.id or 0 for a, *_rest in rows])
    items = []
    for application, program, candidate, account, campaign, centre, committee in rows:
        moments = [getattr(application, m.key) for m in _APPLICATION_MOMENTS] + [decided.get(application.id or 0)]
        items.append(
            schemas.ApplicationOut(
                id=application.id or 0,
                campaign_code=campaign.code,
                program_id=program.id or 0,
                program_code=program.code,
                centre_code=centre.code,
                committee_code=committee.code,
                candidate=schemas.CandidateOut(
                    dossier_number=account.dossier_number,
                    ine=candidate.ine,
                    student_number=candidate.student_number or account.student_number,
                    birth_name=candidate.birth_name,
                    usage_name=candidate.usage_name,
                    first_names=candidate.first_names,
                    birth_date=candidate.birth_date,
                    email=account.email,
                ),
                dossier_status=application.dossier_status,
                processing_type=application.processing_type,
                created_at=application.created_at,
                transmitted_at=application.transmitted_at,
                cancelled_at=application.cancelled_at,
                last_decision_kind=application.last_decision_kind,
                last_decision_published=application.last_decision_published,
                waiting_list_rank=application.waiting_list_rank,
                answer=application.answer,
                answer_at=application.answer_at,
                confirmation_deadline=application.confirmation_by_override or application.confirmation_deadline,
                updated_at=max(m for m in moments if m is not None),
            )
        )
    return items


def read_application(session: Session, scope: TokenScope, application_id: int) -> schemas.ApplicationOut | None:
    """One application (cancelled ones too); None if it does not exist; :class:`OutOfScope` if not covered."""
    application = session.get(Application, application_id)
    if application is None:
        return None
    if not scope_covers(session, scope.as_role(), application):
        raise OutOfScope()
    [item] = _fetch_applications(session, [Application.id == application_id], offset=0, limit=1)
    return item


# --- Published decisions -------------------------------------------------------------------------------------------


def list_decisions(
    session: Session, scope: TokenScope, listing: ProgramListing, *, updated_since: datetime | None = None
) -> schemas.Page[schemas.DecisionOut]:
    page, page_size, conditions = _listed(session, scope, listing)
    conditions.append(col(Decision.published_at).is_not(None))
    if updated_since is not None:
        conditions.append(col(Decision.published_at) >= updated_since)
    base = select(Decision).join(Application, col(Application.id) == Decision.application_id).where(*conditions)
    total = session.exec(select(sa.func.count()).select_from(base.subquery())).one()
    rows = session.exec(
        with_program_and_candidate(
            select(Decision, Application, Program, Account, DecisionType, RefusalReason).join(
                Application, col(Application.id) == Decision.application_id
            )
        )
        .join(DecisionType, col(DecisionType.id) == Decision.decision_type_id)
        .outerjoin(RefusalReason, col(RefusalReason.id) == Decision.refusal_reason_id)
        .where(*conditions)
        .order_by(col(Decision.id))
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    items = [
        schemas.DecisionOut(
            id=decision.id or 0,
            application_id=application.id or 0,
            dossier_number=account.dossier_number,
            program_code=program.code,
            kind=decision.kind,
            decision_type_code=dtype.code,
            decision_type_label_fr=dtype.label_fr,
            refusal_reason_code=reason.code if reason else None,
            comment=decision.comment,
            waiting_list_rank=decision.waiting_list_rank,
            is_waiting_list_call=decision.is_waiting_list_call,
            published_at=decision.published_at,
            confirmation_deadline=decision.confirmation_deadline,
        )
        for decision, application, program, account, dtype, reason in rows
    ]
    return schemas.Page[schemas.DecisionOut](page=page, page_size=page_size, total=total, items=items)


# --- The enrolment hand-off ----------------------------------------------------------------------------------------


def require_institution(scope: TokenScope) -> None:
    """The hand-off is the student information system's: institution-wide tokens only."""
    if not scope.institution_wide:
        raise OutOfScope()


def _wish(wish: handoff.HandoffWish) -> schemas.HandoffWishOut:
    return schemas.HandoffWishOut.model_validate(asdict(wish))


def list_handoffs(
    session: Session,
    scope: TokenScope,
    *,
    campaign_code: str | None = None,
    queued_only: bool = False,
    page: int = 1,
    page_size: int = 100,
) -> schemas.Page[schemas.HandoffCandidateOut]:
    """The hand-off per candidate (the live set, or only what is still to deliver with ``queued_only``)."""
    require_institution(scope)
    page, page_size = _page(page, page_size)
    campaign_id = _campaign_id(session, campaign_code)
    handoff.reconcile(session, campaign_id=campaign_id)
    total = handoff.count_candidates(session, campaign_id=campaign_id, queued_only=queued_only)
    candidates = handoff.load_handoffs(
        session, campaign_id=campaign_id, queued_only=queued_only, limit=page_size, offset=(page - 1) * page_size
    )
    # With ``queued_only``, each queued candidate still comes with every programme they hold (the whole picture).
    live = (
        {c.candidate_id: c for c in handoff.load_handoffs(session, candidate_ids=[c.candidate_id for c in candidates])}
        if queued_only
        else {}
    )
    items = []
    for candidate in candidates:
        values = {k: v for k, v in vars(candidate).items() if k not in ("wishes", "withdrawals", "candidate_id")}
        wishes = (
            (live[candidate.candidate_id].wishes if candidate.candidate_id in live else [])
            if queued_only
            else candidate.wishes
        )
        items.append(
            schemas.HandoffCandidateOut(
                **values, wishes=[_wish(w) for w in wishes], withdrawals=[_wish(w) for w in candidate.withdrawals]
            )
        )
    return schemas.Page[schemas.HandoffCandidateOut](page=page, page_size=page_size, total=total, items=items)


def acknowledge_handoffs(session: Session, scope: TokenScope, handoff_ids: list[int]) -> int:
    """The system imported these hand-offs: recorded as delivered, audited as the integration account's act."""
    from app.services.admin import audit_integration

    require_institution(scope)
    count = handoff.mark_delivered(session, handoff_ids)
    audit_integration(
        session,
        scope,
        action="handoff.acknowledged",
        entity_type="enrolmenthandoff",
        entity_id=None,
        after={"handoff_ids": sorted(set(handoff_ids))[:200], "acknowledged": count},
    )
    return count
