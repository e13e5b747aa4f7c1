"""Staff roles by scope: grant, change (read-only, committee presidency) and remove, under the rules of
``admin_staff_rules``. A role removed no longer opens pages: the page guard re-reads the current role.
"""

from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import ApplicationCentre, Committee, StaffRole, StaffRoleAssignment
from app.services.admin.committee_members import require_no_other_president
from app.services.admin.common import StaleEdit, snapshot
from app.services.admin.staff_rules import (
    ADMIN_ONLY,
    CURRENT_ROLE,
    LAST_ADMIN,
    OWN_ADMIN,
    acting_role,
    other_active_administrators,
    refusal,
    touch,
)
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.form_checks import DossierInvalid

_ROLE_FIELDS = ("role", "centre_id", "committee_id", "read_only", "is_president")
PRESIDED_ELSEWHERE = N_("{name} préside déjà cette commission : retirez-lui d'abord la présidence.")


def _require_role_right(acting: StaffRoleAssignment, role: StaffRole) -> None:
    if role == StaffRole.ADMINISTRATOR and acting.role != StaffRole.ADMINISTRATOR:
        raise refusal("administrator_role", ADMIN_ONLY)


def add_role(
    session: Session,
    *,
    actor: Actor,
    staff_id: int,
    expected_version: int | None,
    role: StaffRole | str | None,
    centre_id: int | None = None,
    committee_id: int | None = None,
    read_only: bool = False,
    is_president: bool = False,
) -> StaffRoleAssignment:
    """Give a staff member a role on a scope: the institution, a centre (manager) or a committee (member)."""
    acting = acting_role(session, actor)
    if role not in StaffRole._value2member_map_:
        raise DossierInvalid({"role": N_("Choisissez un rôle.")})
    role = StaffRole(role)
    _require_role_right(acting, role)
    if role == StaffRole.CENTRE_MANAGER:
        committee_id, is_president = None, False
        centre = session.get(ApplicationCentre, centre_id) if centre_id else None
        if centre is None or not centre.is_active:
            raise DossierInvalid({"centre_id": N_("Choisissez un centre de candidature.")})
    elif role == StaffRole.COMMITTEE_MEMBER:
        centre_id = None
        committee = session.get(Committee, committee_id) if committee_id else None
        if committee is None or not committee.is_active:
            raise DossierInvalid({"committee_id": N_("Choisissez une commission.")})
    else:
        centre_id = committee_id = None
        is_president = False
    touch(session, staff_id, expected_version)
    _refuse_same_role(session, staff_id, role, centre_id, committee_id)
    if is_president and committee_id is not None:
        require_no_other_president(session, committee_id, message=PRESIDED_ELSEWHERE)
    assignment = StaffRoleAssignment(
        staff_id=staff_id,
        role=role,
        centre_id=centre_id,
        committee_id=committee_id,
        read_only=read_only,
        is_president=is_president,
    )
    session.add(assignment)
    session.flush()
    audit_row(
        session,
        actor,
        "staff.role_added",
        assignment,
        after={"staff_id": staff_id, **snapshot(assignment, _ROLE_FIELDS)},
    )
    return assignment


def _refuse_same_role(
    session: Session, staff_id: int, role: StaffRole, centre_id: int | None, committee_id: int | None
) -> None:
    same = session.exec(
        select(StaffRoleAssignment.id).where(
            StaffRoleAssignment.staff_id == staff_id,
            StaffRoleAssignment.role == role,
            StaffRoleAssignment.centre_id == centre_id if centre_id else col(StaffRoleAssignment.centre_id).is_(None),
            StaffRoleAssignment.committee_id == committee_id
            if committee_id
            else col(StaffRoleAssignment.committee_id).is_(None),
        )
    ).first()
    if same is not None:
        raise DossierInvalid({"role": N_("Ce gestionnaire a déjà ce rôle sur ce périmètre.")})


def _load_assignment(session: Session, assignment_id: int) -> StaffRoleAssignment:
    assignment = session.get(StaffRoleAssignment, assignment_id)
    if assignment is None:
        raise StaleEdit()  # removed by someone else since the page was drawn
    return assignment


def _keeps_an_administrator(session: Session, actor: Actor, assignment: StaffRoleAssignment) -> None:
    """Refuse to take away a writable administrator role from its holder's self or from the last one."""
    if assignment.role != StaffRole.ADMINISTRATOR or assignment.read_only:
        return
    if assignment.staff_id == actor.staff_id:
        own = session.exec(
            select(StaffRoleAssignment.id).where(
                StaffRoleAssignment.staff_id == actor.staff_id,
                StaffRoleAssignment.role == StaffRole.ADMINISTRATOR,
                col(StaffRoleAssignment.read_only).is_(False),
                StaffRoleAssignment.id != assignment.id,
            )
        ).first()
        if own is None:
            raise refusal("own_administrator", OWN_ADMIN)
    if other_active_administrators(session, excluding_staff=None, excluding_assignment=assignment.id) == 0:
        raise refusal("last_administrator", LAST_ADMIN)


def update_role(
    session: Session,
    *,
    actor: Actor,
    assignment_id: int,
    expected_version: int | None,
    read_only: bool,
    is_president: bool = False,
) -> StaffRoleAssignment:
    """Change a role's read-only flag and, for a committee member, the presidency."""
    acting = acting_role(session, actor)
    assignment = _load_assignment(session, assignment_id)
    _require_role_right(acting, assignment.role)
    if read_only and not assignment.read_only:
        _keeps_an_administrator(session, actor, assignment)
    if assignment.role != StaffRole.COMMITTEE_MEMBER:
        is_president = False
    touch(session, assignment.staff_id, expected_version)
    if is_president and not assignment.is_president and assignment.committee_id is not None:
        require_no_other_president(
            session, assignment.committee_id, excluding=assignment.id, message=PRESIDED_ELSEWHERE
        )
    before = snapshot(assignment, ("read_only", "is_president"))
    assignment.read_only, assignment.is_president = read_only, is_president
    session.add(assignment)
    session.flush()
    after = snapshot(assignment, ("read_only", "is_president"))
    if after != before:
        audit_row(session, actor, "staff.role_updated", assignment, before=before, after=after)
    return assignment


def remove_role(session: Session, *, actor: Actor, assignment_id: int, expected_version: int | None) -> None:
    """Take a role away: from the next page they open, its holder no longer has it (the guard re-reads roles)."""
    acting = acting_role(session, actor)
    assignment = _load_assignment(session, assignment_id)
    _require_role_right(acting, assignment.role)
    _keeps_an_administrator(session, actor, assignment)
    if assignment.id == actor.role_assignment_id:
        raise refusal("current_role", CURRENT_ROLE)
    touch(session, assignment.staff_id, expected_version)
    before = {"staff_id": assignment.staff_id, **snapshot(assignment, _ROLE_FIELDS)}
    session.delete(assignment)
    session.flush()
    audit_row(session, actor, "staff.role_removed", assignment, before=before)
