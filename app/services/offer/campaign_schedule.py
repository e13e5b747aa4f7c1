"""A switch to a prepared campaign scheduled for a date and time (Paris), carried out by the job
``scheduled_campaign_switch`` through the manual switch's service, once.

Scheduling asks the manual switch's checks (``check_shift``, ``campaign_to_archive``) and wants a moment in the
future. At that moment the job locks the campaign, clears its schedule and calls ``switch_campaign`` for the staff
role that scheduled it: the same rights, checks, audit and copy as « Passer à cette campagne ». If a check fails
then (the role withdrawn, the campaign archived or no longer after the active one…), the switch is rolled back to
a savepoint and the refusal is kept on the campaign and audited: the campaigns page shows it.
"""

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import Campaign, StaffRoleAssignment
from app.services.accounts.admin_rights import require_admin
from app.services.offer.campaign_locks import flush_campaigns, lock_campaign
from app.services.offer.campaign_switch import Shift, campaign_to_archive, check_shift, switch_campaign
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError
from app.services.platform.form_checks import DossierInvalid
from app.services.platform.jobs import register_job

JOB_NAME = "scheduled_campaign_switch"
_SCHEDULE_FIELDS = ("switch_scheduled_at", "switch_shift_mode", "switch_shift_amount", "switch_scheduled_by_role_id")


def _state(campaign: Campaign) -> dict[str, object]:
    at = campaign.switch_scheduled_at
    return {
        "switch_scheduled_at": at.isoformat() if at else None,
        "shift": {"mode": campaign.switch_shift_mode, "amount": campaign.switch_shift_amount},
    }


def schedule_switch(
    session: Session, *, actor: Actor, campaign_id: int, expected_version: int | None, at: datetime, shift: Shift
) -> Campaign:
    """Schedule the switch to ``campaign_id`` at ``at`` (a Paris time when naive); replaces an earlier schedule."""
    assignment = require_admin(session, actor=actor, write=True)
    moment = clock.as_utc(at)
    if moment <= clock.now():
        raise DossierInvalid({"at": N_("Choisissez un moment à venir.")})
    check_shift(shift)
    campaign = lock_campaign(session, campaign_id, expected_version)
    campaign_to_archive(session, campaign)  # the target must be ready now as the manual switch wants it
    before = _state(campaign)
    campaign.switch_scheduled_at = moment
    campaign.switch_shift_mode = shift.mode
    campaign.switch_shift_amount = shift.amount
    campaign.switch_scheduled_by_role_id = assignment.id
    campaign.switch_refusal = {}
    flush_campaigns(session, campaign)
    audit_row(session, actor, "campaign.switch_scheduled", campaign, before=before, after=_state(campaign))
    return campaign


def cancel_scheduled_switch(
    session: Session, *, actor: Actor, campaign_id: int, expected_version: int | None
) -> Campaign:
    """« Annuler la bascule programmée »."""
    require_admin(session, actor=actor, write=True)
    campaign = lock_campaign(session, campaign_id, expected_version)
    if campaign.switch_scheduled_at is None:
        raise DomainError("switch_not_scheduled", N_("Aucune bascule n'est programmée pour cette campagne."))
    before = _state(campaign)
    _clear(campaign)
    flush_campaigns(session, campaign)
    audit_row(session, actor, "campaign.switch_schedule_cancelled", campaign, before=before, after=_state(campaign))
    return campaign


def _clear(campaign: Campaign) -> None:
    campaign.switch_scheduled_at = None
    campaign.switch_scheduled_by_role_id = None


def run_scheduled_switches(session: Session, now: datetime) -> tuple[int, str]:
    """The job: carry out the switches whose time has come (at most one succeeds: one campaign becomes active)."""
    due = session.exec(
        select(Campaign.id)
        .where(col(Campaign.switch_scheduled_at).is_not(None), col(Campaign.switch_scheduled_at) <= now)
        .order_by(col(Campaign.switch_scheduled_at), col(Campaign.id))
    ).all()
    switched, refused = [], []
    for campaign_id in due:
        locked = select(Campaign).where(Campaign.id == campaign_id).with_for_update()
        campaign = session.exec(locked.execution_options(populate_existing=True)).first()
        # Re-read under the lock: another instance, or a cancellation, may have been first.
        if campaign is None or campaign.switch_scheduled_at is None or campaign.switch_scheduled_at > now:
            continue
        if _switch_now(session, campaign):
            switched.append(campaign.code)
        else:
            refused.append(campaign.code)
    message = f"Bascules faites : {', '.join(switched) or 'aucune'} ; refusées : {', '.join(refused) or 'aucune'}."
    return len(switched) + len(refused), message


def _switch_now(session: Session, campaign: Campaign) -> bool:
    """One scheduled switch, through the manual switch's service; False (refusal recorded) if it is refused."""
    assert campaign.id is not None
    role_id = campaign.switch_scheduled_by_role_id
    actor = _scheduler_actor(session, role_id)
    shift = Shift(campaign.switch_shift_mode, campaign.switch_shift_amount)  # type: ignore[arg-type]
    before = _state(campaign)
    _clear(campaign)
    flush_campaigns(session, campaign)  # claimed: cleared in this transaction, never switched twice
    try:
        with session.begin_nested():
            switch_campaign(session, actor=actor, new_campaign_id=campaign.id, expected_version=None, shift=shift)
        return True
    except DomainError as error:
        session.refresh(campaign)
        campaign.switch_refusal = {"message": error.message, "params": {k: str(v) for k, v in error.params.items()}}
        flush_campaigns(session, campaign)
        audit_row(
            session,
            Actor.system(),
            "campaign.scheduled_switch_refused",
            campaign,
            before=before,
            after={"code": error.code, "role_assignment_id": role_id},
        )
        return False


def _scheduler_actor(session: Session, role_id: int | None) -> Actor:
    """The staff member whose role scheduled the switch, acting in that role (its rights are checked again)."""
    assignment = session.get(StaffRoleAssignment, role_id) if role_id is not None else None
    if assignment is None:
        return Actor.system()  # refused by the switch's rights check, and recorded
    return Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)


register_job(JOB_NAME, run_scheduled_switches, every=timedelta(minutes=2), label=N_("Bascule de campagne programmée"))
