"""Who may read the offer's administration: the central office and administrators everywhere, a centre's managers
for their own centre (read-only unless the central office lets the centre edit its offer). Committee members and
candidates never. Writing goes through :func:`app.services.accounts.admin_rights.require_centre_offer`."""

from typing import TypeVar

from sqlmodel import Session, select

from app.models import ApplicationCentre, Committee, Program, StaffRole, StaffRoleAssignment
from app.services.accounts import staff_roles as staff
from app.services.accounts.admin_rights import ADMIN_ROLES, can_edit_centre_offer, require_centre_offer
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden, NotFound

READERS = (*ADMIN_ROLES, StaffRole.CENTRE_MANAGER)

OfferObject = TypeVar("OfferObject", Committee, Program)


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


def _stored(session: Session, model: type[OfferObject], entity_id: int, what: str) -> OfferObject:
    entity = session.get(model, entity_id)
    if entity is None:
        raise NotFound(what)
    return entity


def readable(session: Session, *, actor: Actor, model: type[OfferObject], entity_id: int, what: str) -> OfferObject:
    """The stored committee or programme, refused unless the actor may see its centre's offer."""
    entity = _stored(session, model, entity_id, what)
    require_offer_reader(session, actor=actor, centre_id=entity.centre_id)
    return entity


def writable(session: Session, *, actor: Actor, model: type[OfferObject], entity_id: int, what: str) -> OfferObject:
    """The stored committee or programme, refused unless the actor may change its centre's offer."""
    entity = _stored(session, model, entity_id, what)
    require_centre_offer(session, actor=actor, centre_id=entity.centre_id, write=True)
    return entity
