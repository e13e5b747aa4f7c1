"""The read-only switch on « Paramètres » (/admin/parametres): the central office and administrators see the mode
and turn it on or off, audited. The mode itself, its enforcement and the automatic switch are
``platform/read_only.py``'s.
"""

from sqlmodel import Session

from app.models import StaffMember
from app.services.admin.common import require_admin
from app.services.platform import read_only
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.read_only import ReadOnlyState


def current_state(session: Session, *, actor: Actor) -> ReadOnlyState:
    """The mode as the central office's screen shows it, read straight from the database."""
    require_admin(session, actor=actor)
    return read_only.state_in(session)


def set_read_only(session: Session, *, actor: Actor, on: bool) -> ReadOnlyState:
    """Switch the portal to read-only or back (central office, administrators); audited; applies on commit."""
    assignment = require_admin(session, actor=actor, write=True)
    before, row = read_only.switch(session, on=on, staff_id=assignment.staff_id)
    audit(
        session,
        actor=actor,
        action="portal.read_only_on" if on else "portal.read_only_off",
        entity_type="portalparameter",
        entity_id=None,
        before={"read_only": before},
        after={"read_only": on},
    )
    member = session.get(StaffMember, assignment.staff_id)
    return ReadOnlyState(on=on, since=row.updated_at, by=member.display_name if member else "")
