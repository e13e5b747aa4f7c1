"""A committee's members and its president: committee-member roles (``StaffRoleAssignment``) on that committee.

At most one president per committee: naming a president takes the title from the previous one in the same
transaction, under a row lock on the committee so that two editors cannot name two presidents. Adding a member
as president while another presides is refused (say who presides); « Nommer président » transfers explicitly.
The refusal is :func:`require_no_other_president`, the one place of the rule (staff roles call it too).
Every change is audited.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import Committee, StaffMember, StaffRole, StaffRoleAssignment
from app.services.admin.common import require_centre_offer
from app.services.offer.rights import require_offer_reader
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.form_checks import DossierInvalid

ALREADY_MEMBER = N_("Cette personne est déjà membre de la commission.")
ALREADY_PRESIDED = N_(
    "{name} préside déjà cette commission : ajoutez ce membre sans la présidence, puis utilisez « Nommer président »."
)
CHOOSE_STAFF = N_("Choisissez un gestionnaire dans la liste.")
INACTIVE_STAFF = N_("Ce compte de gestionnaire est désactivé.")


@dataclass(frozen=True)
class Member:
    assignment_id: int
    staff_id: int
    display_name: str
    login: str
    email: str
    read_only: bool
    is_president: bool
    receives_alerts: bool  # copies of the committee's alerts, asked for
    active: bool  # the staff account itself


def _committee(session: Session, committee_id: int, *, lock: bool = False) -> Committee:
    query = select(Committee).where(Committee.id == committee_id)
    committee = session.exec(query.with_for_update() if lock else query).first()
    if committee is None:
        raise NotFound("committee")
    return committee


def _assignments(session: Session, committee_id: int) -> list[StaffRoleAssignment]:
    query = select(StaffRoleAssignment).where(
        StaffRoleAssignment.committee_id == committee_id, StaffRoleAssignment.role == StaffRole.COMMITTEE_MEMBER
    )
    return list(session.exec(query).all())


def president_of(session: Session, committee_id: int | None, *, excluding: int | None = None) -> StaffMember | None:
    """Who presides the committee (the holder of another assignment than ``excluding``), if anybody."""
    query = (
        select(StaffMember)
        .join(StaffRoleAssignment, col(StaffRoleAssignment.staff_id) == StaffMember.id)
        .where(
            StaffRoleAssignment.committee_id == committee_id,
            StaffRoleAssignment.role == StaffRole.COMMITTEE_MEMBER,
            col(StaffRoleAssignment.is_president).is_(True),
        )
    )
    if excluding is not None:
        query = query.where(StaffRoleAssignment.id != excluding)
    return session.exec(query).first()


def require_no_other_president(
    session: Session, committee_id: int, *, excluding: int | None = None, message: str = ALREADY_PRESIDED
) -> None:
    """The one rule « at most one president per committee », for whoever names a president.

    The committee row is locked so that two editors cannot both pass; another president is refused on the field
    ``is_president`` with ``message`` naming them (``{name}``).
    """
    _committee(session, committee_id, lock=True)
    holder = president_of(session, committee_id, excluding=excluding)
    if holder is not None:
        raise DossierInvalid({"is_president": message}, {"is_president": {"name": holder.display_name}})


def list_members(session: Session, *, actor: Actor, committee_id: int) -> list[Member]:
    """The members, president first, then by name."""
    committee = _committee(session, committee_id)
    require_offer_reader(session, actor=actor, centre_id=committee.centre_id)
    members = []
    for assignment in _assignments(session, committee_id):
        person = session.get(StaffMember, assignment.staff_id)
        assert person is not None and assignment.id is not None
        members.append(
            Member(
                assignment_id=assignment.id,
                staff_id=person.id or 0,
                display_name=person.display_name,
                login=person.login,
                email=person.email,
                read_only=assignment.read_only,
                is_president=assignment.is_president,
                receives_alerts=assignment.receives_alerts,
                active=person.is_active,
            )
        )
    return sorted(members, key=lambda m: (not m.is_president, m.display_name.casefold()))


def staff_choices(session: Session, *, actor: Actor, committee_id: int) -> list[StaffMember]:
    """Active staff members who are not yet members of the committee, by name."""
    committee = _committee(session, committee_id)
    require_offer_reader(session, actor=actor, centre_id=committee.centre_id)
    taken = {a.staff_id for a in _assignments(session, committee_id)}
    people = session.exec(select(StaffMember).where(StaffMember.is_active)).all()
    return sorted((p for p in people if p.id not in taken), key=lambda p: p.display_name.casefold())


def _audit(session: Session, actor: Actor, action: str, assignment: StaffRoleAssignment, **after: object) -> None:
    audit_row(
        session,
        actor,
        action,
        assignment,
        after={"committee_id": assignment.committee_id, "staff_id": assignment.staff_id, **after},
    )


def add_member(
    session: Session,
    *,
    actor: Actor,
    committee_id: int,
    staff_id: int | None,
    read_only: bool = False,
    is_president: bool = False,
    receives_alerts: bool = False,
) -> StaffRoleAssignment:
    """Give a staff member the committee-member role on this committee (``receives_alerts``: with copies of its
    alerts)."""
    committee = _committee(session, committee_id, lock=True)
    require_centre_offer(session, actor=actor, centre_id=committee.centre_id, write=True)
    person = session.get(StaffMember, staff_id) if staff_id is not None else None
    if person is None:
        raise DossierInvalid({"staff_id": CHOOSE_STAFF})
    if not person.is_active:
        raise DossierInvalid({"staff_id": INACTIVE_STAFF})
    current = _assignments(session, committee_id)
    if any(a.staff_id == staff_id for a in current):
        raise DossierInvalid({"staff_id": ALREADY_MEMBER})
    if is_president:
        require_no_other_president(session, committee_id)
    assignment = StaffRoleAssignment(
        staff_id=person.id or 0,
        role=StaffRole.COMMITTEE_MEMBER,
        committee_id=committee_id,
        read_only=read_only,
        is_president=is_president,
        receives_alerts=receives_alerts,
    )
    session.add(assignment)
    session.flush()
    _audit(
        session,
        actor,
        "committee.member_added",
        assignment,
        read_only=read_only,
        is_president=is_president,
        receives_alerts=receives_alerts,
    )
    return assignment


def _member(session: Session, assignment_id: int) -> tuple[StaffRoleAssignment, Committee]:
    assignment = session.get(StaffRoleAssignment, assignment_id)
    if assignment is None or assignment.role != StaffRole.COMMITTEE_MEMBER or assignment.committee_id is None:
        raise NotFound("member")
    return assignment, _committee(session, assignment.committee_id, lock=True)


def set_president(session: Session, *, actor: Actor, assignment_id: int, president: bool) -> StaffRoleAssignment:
    """Name this member president (the previous president, if any, steps down) or end their presidency."""
    assignment, committee = _member(session, assignment_id)
    require_centre_offer(session, actor=actor, centre_id=committee.centre_id, write=True)
    if president:
        for other in _assignments(session, committee.id or 0):
            if other.is_president and other.id != assignment.id:
                other.is_president = False
                session.add(other)
                session.flush()
                _audit(session, actor, "committee.president_ended", other)
    if assignment.is_president != president:
        assignment.is_president = president
        session.add(assignment)
        session.flush()
        _audit(session, actor, "committee.president_named" if president else "committee.president_ended", assignment)
    return assignment


def _set_member_flag(session: Session, actor: Actor, assignment_id: int, name: str, value: bool) -> StaffRoleAssignment:
    assignment, committee = _member(session, assignment_id)
    require_centre_offer(session, actor=actor, centre_id=committee.centre_id, write=True)
    if getattr(assignment, name) != value:
        setattr(assignment, name, value)
        session.add(assignment)
        session.flush()
        _audit(session, actor, "committee.member_updated", assignment, **{name: value})
    return assignment


def set_member_read_only(session: Session, *, actor: Actor, assignment_id: int, read_only: bool) -> StaffRoleAssignment:
    """A read-only member sees the committee's applications but cannot enter decisions."""
    return _set_member_flag(session, actor, assignment_id, "read_only", read_only)


def set_member_alerts(
    session: Session, *, actor: Actor, assignment_id: int, receives_alerts: bool
) -> StaffRoleAssignment:
    """The member receives (or no longer receives) a copy of each of the committee's alerts."""
    return _set_member_flag(session, actor, assignment_id, "receives_alerts", receives_alerts)


def remove_member(session: Session, *, actor: Actor, assignment_id: int) -> None:
    """Take the committee-member role away (the staff account stays; its past actions stay in the audit)."""
    assignment, committee = _member(session, assignment_id)
    require_centre_offer(session, actor=actor, centre_id=committee.centre_id, write=True)
    if actor.role_assignment_id == assignment.id:
        raise DomainError("own_role", N_("Vous ne pouvez pas retirer le rôle que vous utilisez en ce moment."))
    _audit(session, actor, "committee.member_removed", assignment, is_president=assignment.is_president)
    session.delete(assignment)
    session.flush()
