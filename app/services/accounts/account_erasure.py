"""« Supprimer mon compte »: the candidate's erasure request, and the register the central office reads (issue 21).

Without an application transmitted (or received) in the campaign in force, the account is erased at once, whole:
dossier, applications, pieces and their files, mails (``erasure.erase_candidates``), its applications still open in
that campaign cancelled first; the ``account_deleted`` mail
(eCandidat's ``CPT_MIN_DELETE``) confirms it to the address the account had. Otherwise the examination of those
applications is a public body's record that must be kept: the request is recorded (``ErasureRequest``), due when
the campaign's retention ends — the end of the campaign (its last day, Paris time) plus ``retention_years`` — and
the candidate is told so, on the page and by the ``account_erasure_scheduled`` mail. The daily
``anonymise_expired_data`` job (``erasure_job``) carries it out on that date.

A second « Confirmer » (double click, two tabs) finds the account already closed or the request already recorded
and does nothing more; both cases are audited as actions on the account, by its id alone.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.config import get_settings
from app.i18n import N_
from app.models import Account, Application, Campaign, Candidate, ErasureRequest, StaffRole
from app.services.accounts.candidates import mail_account
from app.services.accounts.erasure_job import erase_account, years_after
from app.services.accounts.staff_roles import require_role
from app.services.platform.actors import Actor, require_account
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError

# The word typed to confirm, in either language of the screen.
CONFIRMATION_WORDS = ("SUPPRIMER", "DELETE")


@dataclass(frozen=True)
class ErasureOutcome:
    """What the screen tells: erased now, or on ``due_at`` because of ``held_applications``."""

    erased: bool
    due_at: datetime | None = None
    held_applications: int = 0


def held_applications(session: Session, account_id: int) -> tuple[int, Campaign | None]:
    """The live applications of the account transmitted or received in the active campaign, and that campaign."""
    campaign = session.exec(select(Campaign).where(col(Campaign.is_active))).first()
    if campaign is None:
        return 0, None
    count = session.exec(
        select(sa.func.count())
        .select_from(Application)
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .where(
            col(Candidate.account_id) == account_id,
            col(Application.campaign_id) == campaign.id,
            col(Application.cancelled_at).is_(None),
            sa.or_(col(Application.transmitted_at).is_not(None), col(Application.received_at).is_not(None)),
        )
    ).one()
    return int(count), campaign


def _cancel_open_applications(session: Session, account_id: int, campaign_id: int, now: datetime) -> None:
    """The erased candidate's applications still open in the active campaign (none transmitted) are cancelled, as
    the candidate could have done: staff lists and capacities no longer count them; the statistics count them as
    cancelled."""
    candidates = select(Candidate.id).where(col(Candidate.account_id) == account_id)
    session.execute(
        sa.update(Application)
        .where(
            col(Application.candidate_id).in_(candidates),
            col(Application.campaign_id) == campaign_id,
            col(Application.cancelled_at).is_(None),
        )
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )


def erasure_due_at(campaign: Campaign) -> datetime:
    """When the retention of a campaign's transmitted applications allows erasing them: the end of its last day
    (Paris) plus ``retention_years``."""
    end = datetime.combine(campaign.ends_on + timedelta(days=1), time(0), tzinfo=clock.PARIS)
    return years_after(end, get_settings().retention_years)


def request_erasure(session: Session, *, actor: Actor, confirmation: str) -> ErasureOutcome:
    """The candidate's « Supprimer mon compte »: erased now, or recorded for the date the retention allows."""
    require_account(actor, actor.account_id or 0, write=True)
    account = session.exec(select(Account).where(col(Account.id) == actor.account_id).with_for_update()).first()
    if account is None or account.deleted_at is not None:
        return ErasureOutcome(erased=True)  # a second click after the erasure: nothing left to do
    if confirmation.strip().upper() not in CONFIRMATION_WORDS:
        raise DomainError(
            "erasure_confirmation",
            N_("Tapez SUPPRIMER pour confirmer la suppression de votre compte."),
            field="confirmation",
        )
    pending = session.exec(
        select(ErasureRequest).where(
            col(ErasureRequest.account_id) == account.id, col(ErasureRequest.done_at).is_(None)
        )
    ).first()
    if pending is not None:
        return ErasureOutcome(erased=False, due_at=pending.due_at, held_applications=pending.held_applications)
    now = clock.now()
    held, campaign = held_applications(session, account.id or 0)
    if held == 0 or campaign is None:
        addressee = Account.model_validate(account.model_dump())  # the identity the confirmation is written to
        if campaign is not None:
            _cancel_open_applications(session, account.id or 0, campaign.id or 0, now)
        erase_account(session, account.id or 0, now, action="account.erased")
        mail_account(session, addressee, "account_deleted", keep_account=False)  # after: the erasure drops mails
        return ErasureOutcome(erased=True)
    due_at = erasure_due_at(campaign)
    session.add(ErasureRequest(account_id=account.id or 0, requested_at=now, due_at=due_at, held_applications=held))
    mail_account(session, account, "account_erasure_scheduled", {"erase_on": due_at, "applications": held})
    audit_row(
        session,
        actor,
        "account.erasure_requested",
        account,
        after={"due_at": due_at.isoformat(), "held_applications": held},
    )
    return ErasureOutcome(erased=False, due_at=due_at, held_applications=held)


def pending_erasure(session: Session, *, actor: Actor) -> ErasureOutcome | None:
    """The candidate's recorded request still to be carried out, if any (the account page says when)."""
    require_account(actor, actor.account_id or 0)
    pending = session.exec(
        select(ErasureRequest).where(
            col(ErasureRequest.account_id) == actor.account_id, col(ErasureRequest.done_at).is_(None)
        )
    ).first()
    if pending is None:
        return None
    return ErasureOutcome(erased=False, due_at=pending.due_at, held_applications=pending.held_applications)


# --- The register --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureRegisterRow:
    """One request as the central office reads it: the dossier number while the account lives, None once erased."""

    id: int
    dossier_number: str | None
    requested_at: datetime
    due_at: datetime
    done_at: datetime | None
    held_applications: int


def erasure_requests(session: Session, *, actor: Actor, pending_only: bool = False) -> list[ErasureRegisterRow]:
    """The register of erasure requests, newest first: administrators and the central office only."""
    require_role(session, actor=actor, roles=(StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE))
    query = (
        select(ErasureRequest, Account.dossier_number, Account.deleted_at)
        .join(Account, col(Account.id) == col(ErasureRequest.account_id))
        .order_by(col(ErasureRequest.requested_at).desc(), col(ErasureRequest.id).desc())
    )
    if pending_only:
        query = query.where(col(ErasureRequest.done_at).is_(None))
    return [
        ErasureRegisterRow(
            id=request.id or 0,
            dossier_number=None if deleted_at is not None else number,
            requested_at=request.requested_at,
            due_at=request.due_at,
            done_at=request.done_at,
            held_applications=request.held_applications,
        )
        for request, number, deleted_at in session.exec(query).all()
    ]
