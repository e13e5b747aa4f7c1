"""Who may read the offer's administration: the central office and administrators everywhere, a centre's managers
for their own centre (read-only unless the central office lets the centre edit its offer). Committee members and
candidates never. Writing goes through :func:`app.services.admin_common.require_centre_offer`."""

from sqlmodel import Session, select

from app.models import ApplicationCentre, StaffRole, StaffRoleAssignment
from app.services import staff
from app.services.actors import Actor
from app.services.admin_common import ADMIN_ROLES, can_edit_centre_offer
from app.services.errors import Forbidden

READERS = (*ADMIN_ROLES, StaffRole.CENTRE_MANAGER)


def require_offer_reader(session: Session, *, actor: Actor, centre_id: int) -> StaffRoleAssignment:
    """Refuse unless the actor may see the offer of ``centre_id``."""
    return staff.require_role(session, actor=actor, roles=READERS, centre_id=centre_id)


def visible_centres(session: Session, *, actor: Actor) -> list[int] | None:
    """The centres whose offer the actor may see: ``None`` for all (central office), else their one centre."""
    current = staff.current_role(session, actor=actor)
    if current.role in ADMIN_ROLES:
        return None
    if current.role == StaffRole.CENTRE_MANAGER and current.centre_id is not None:
        return [current.centre_id]
    raise Forbidden()


def may_edit(session: Session, *, actor: Actor, centre_id: int) -> bool:
    """Whether the actor may change this centre's programmes and committees (for screens: buttons, read-only)."""
    return can_edit_centre_offer(session, actor=actor, centre_id=centre_id)


def centres_of(session: Session, *, actor: Actor) -> list[ApplicationCentre]:
    """The centres whose offer the actor may see, by code."""
    visible = visible_centres(session, actor=actor)
    query = select(ApplicationCentre).order_by(ApplicationCentre.code)
    if visible is not None:
        query = query.where(ApplicationCentre.id.in_(visible))  # type: ignore[union-attr]
    return list(session.exec(query).all())
