"""The demo's next campaign: prepared, its switch scheduled by the central office (Nathalie Perrin) for the day after
the active campaign ends, so that /admin/campagnes shows « Bascule programmée le … » and « Annuler la bascule
programmée » in ``python main.py``; the job ``scheduled_campaign_switch`` carries it out at that moment."""

from datetime import timedelta

from sqlmodel import Session, select

from app import clock
from app.models import Campaign, StaffMember, StaffRole, StaffRoleAssignment
from app.services.offer.campaign_schedule import schedule_switch
from app.services.offer.campaign_switch import Shift
from app.services.platform.actors import Actor

SCHEDULER = "nperrin"


def seed_next_campaign(session: Session) -> Campaign:
    active = session.exec(select(Campaign).where(Campaign.is_active)).one()
    year = int(active.code) + 1 if active.code.isdigit() else active.starts_on.year + 1
    following = Campaign(
        code=str(year),
        label_fr=f"Campagne {year}",
        label_en=f"{year} intake",
        starts_on=active.ends_on + timedelta(days=1),
        ends_on=active.ends_on + timedelta(days=366),
    )
    session.add(following)
    session.flush()
    assignment = session.exec(
        select(StaffRoleAssignment)
        .join(StaffMember, StaffMember.id == StaffRoleAssignment.staff_id)  # type: ignore[arg-type]
        .where(StaffMember.login == SCHEDULER, StaffRoleAssignment.role == StaffRole.CENTRAL_OFFICE)
    ).one()
    actor = Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)
    at = clock.paris_datetime(following.starts_on.year, following.starts_on.month, following.starts_on.day, 8)
    assert following.id is not None
    return schedule_switch(session, actor=actor, campaign_id=following.id, expected_version=None, at=at, shift=Shift())
