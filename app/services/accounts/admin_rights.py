"""Who may configure what: the central office and administrators everything, a centre's manager its offer when
the central office lets the centre edit it. The administration (the portal's settings with it) and the offer ask
here.
"""

from sqlmodel import Session

from app.models import ApplicationCentre, StaffRole, StaffRoleAssignment
from app.services.accounts import staff_roles as staff
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden, passes

ADMIN_ROLES = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE)


def require_admin(session: Session, *, actor: Actor, write: bool = False) -> StaffRoleAssignment:
    """The central office or an administrator (``write`` refuses their read-only roles)."""
    return staff.require_role(session, actor=actor, roles=ADMIN_ROLES, write=write)


def can_edit_centre_offer(session: Session, *, actor: Actor, centre_id: int) -> bool:
    """Whether the current role may edit this centre's programmes, pieces, questions and committees."""
    return passes(require_centre_offer, session, actor=actor, centre_id=centre_id, write=True)


def centre_edits_offer(session: Session, centre_id: int | None) -> bool:
    """Whether the central office lets this centre's managers edit its offer."""
    centre = session.get(ApplicationCentre, centre_id) if centre_id is not None else None
    return bool(centre and centre.managers_edit_offer)


def require_centre_offer(session: Session, *, actor: Actor, centre_id: int, write: bool = True) -> StaffRoleAssignment:
    """The central office, or this centre's manager when the central office lets the centre edit its offer."""
    assignment = staff.require_role(
        session, actor=actor, roles=(*ADMIN_ROLES, StaffRole.CENTRE_MANAGER), centre_id=centre_id, write=write
    )
    if assignment.role == StaffRole.CENTRE_MANAGER and not centre_edits_offer(session, centre_id):
        raise Forbidden()
    return assignment
