"""Staff roles and their scopes: list a member's roles, switch between them, and check them on every action."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from app.i18n import N_
from app.models import Account, ApplicationCentre, Candidate, Committee, StaffMember, StaffRole, StaffRoleAssignment
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_dossier, audit_row
from app.services.platform.errors import DomainError, Forbidden
from app.services.platform.transaction_memo import memo

ROLE_LABELS: dict[StaffRole, str] = {
    StaffRole.ADMINISTRATOR: N_("Administrateur"),
    StaffRole.CENTRAL_OFFICE: N_("Scolarité centrale"),
    StaffRole.CENTRE_MANAGER: N_("Gestionnaire de composante"),
    StaffRole.COMMITTEE_MEMBER: N_("Membre de commission"),
    StaffRole.ACCOUNT_DESK: N_("Gestionnaire de candidats"),
}
INSTITUTION_SCOPE = N_("Tout l'établissement")
INSTITUTION_WIDE = {StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE}


@dataclass(frozen=True)
class RoleView:
    """One role of a staff member as the header and the role switch show it (labels are msgids or data)."""

    assignment_id: int
    role: StaffRole
    role_label: str  # French msgid, to translate
    scope_label_fr: str  # data, already in French
    scope_label_en: str
    centre_id: int | None
    committee_id: int | None
    read_only: bool
    is_president: bool

    def scope_label(self, language: str) -> str:
        return self.scope_label_en if language == "en" else self.scope_label_fr


def _view(session: Session, assignment: StaffRoleAssignment) -> RoleView:
    fr, en = INSTITUTION_SCOPE, "Whole institution"
    if assignment.centre_id is not None:
        centre = session.get(ApplicationCentre, assignment.centre_id)
        fr, en = (centre.label_fr, centre.label_en) if centre else ("?", "?")
    elif assignment.committee_id is not None:
        committee = session.get(Committee, assignment.committee_id)
        fr, en = (committee.label_fr, committee.label_en) if committee else ("?", "?")
    return RoleView(
        assignment_id=assignment.id or 0,
        role=assignment.role,
        role_label=ROLE_LABELS[assignment.role],
        scope_label_fr=fr,
        scope_label_en=en,
        centre_id=assignment.centre_id,
        committee_id=assignment.committee_id,
        read_only=assignment.read_only,
        is_president=assignment.is_president,
    )


def _require_staff(session: Session, actor: Actor) -> StaffMember:
    return _member_and_role(session, actor)[0]


# The transaction's memo: (staff_id, assignment_id) -> (member, assignment or None) as it read them.
_STAFF_ROLES = "staff_roles.read"


def _member_and_role(session: Session, actor: Actor) -> tuple[StaffMember, StaffRoleAssignment | None]:
    """The active member and its current assignment (None when not one of theirs), in one statement per transaction.

    A page's services each check the role (the guard, the filters, the list, the bulk rights…): the session's
    identity map held neither row between them (nothing referenced them), so each check read both rows again,
    18 statements for the staff list's first page. The pair is the transaction's memo (``platform/transaction_memo``):
    the next page, the next action, the next transaction of a kept session read it again, refreshing rows the session
    may still hold (sessions do not expire objects on commit), so a role withdrawn meanwhile is refused."""
    if actor.kind != "staff" or actor.staff_id is None:
        raise Forbidden()
    key = (actor.staff_id, actor.role_assignment_id)
    known = memo(session, _STAFF_ROLES)
    pair = known.get(key)
    if pair is None or any(row is not None and row not in session for row in pair):  # deleted meanwhile
        row = session.exec(
            select(StaffMember, StaffRoleAssignment)
            .outerjoin(
                StaffRoleAssignment,
                (StaffRoleAssignment.id == (actor.role_assignment_id or -1))
                & (StaffRoleAssignment.staff_id == StaffMember.id),
            )
            .where(StaffMember.id == actor.staff_id)
            .execution_options(populate_existing=True)
        ).first()
        pair = known[key] = (row[0], row[1]) if row is not None else (None, None)
    member, assignment = pair
    if member is None or not member.is_active:
        raise Forbidden()
    return member, assignment


def list_roles(session: Session, *, actor: Actor) -> list[RoleView]:
    """The signed-in staff member's own roles with their scope labels, in a stable order."""
    member = _require_staff(session, actor)
    rows = session.exec(
        select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == member.id).order_by(StaffRoleAssignment.id)
    ).all()
    return [_view(session, row) for row in rows]


def current_role(session: Session, *, actor: Actor) -> RoleView:
    """The actor's current role, re-read from the database (a role withdrawn meanwhile is refused)."""
    return _view(session, _current_assignment(session, actor))


def _current_assignment(session: Session, actor: Actor) -> StaffRoleAssignment:
    member, assignment = _member_and_role(session, actor)
    if assignment is None or assignment.staff_id != member.id:
        raise Forbidden()
    return assignment


def switch_role(session: Session, *, actor: Actor, assignment_id: int) -> RoleView:
    """Check that ``assignment_id`` is one of the actor's roles; the screen then stores it in the session."""
    member = _require_staff(session, actor)
    assignment = session.get(StaffRoleAssignment, assignment_id)
    if assignment is None or assignment.staff_id != member.id:
        raise Forbidden()
    audit_row(
        session,
        actor,
        "staff.role_switched",
        assignment,
        before={"assignment_id": actor.role_assignment_id},
        after={"assignment_id": assignment.id},
    )
    return _view(session, assignment)


def require_role(
    session: Session,
    *,
    actor: Actor,
    roles: Iterable[StaffRole],
    centre_id: int | None = None,
    committee_id: int | None = None,
    write: bool = False,
) -> StaffRoleAssignment:
    """Refuse unless the actor's current role is one of ``roles`` and covers the centre or committee acted on.

    Administrators and the central office cover the whole institution; a centre manager covers their centre
    and its committees; a committee member covers their committee only. ``write`` refuses read-only roles.
    """
    assignment = _current_assignment(session, actor)
    if assignment.role not in set(roles):
        raise Forbidden()
    if write and assignment.read_only:
        raise Forbidden()
    if assignment.role in INSTITUTION_WIDE or assignment.role == StaffRole.ACCOUNT_DESK:
        return assignment
    if assignment.role == StaffRole.CENTRE_MANAGER:
        if committee_id is not None:
            committee = session.get(Committee, committee_id)
            if committee is None or committee.centre_id != assignment.centre_id:
                raise Forbidden()
        if centre_id is not None and centre_id != assignment.centre_id:
            raise Forbidden()
        if centre_id is None and committee_id is None:
            raise Forbidden()  # a scoped role must name what it acts on
        return assignment
    # Committee member: only what belongs to their committee (its centre is implied by it).
    if committee_id is None or committee_id != assignment.committee_id:
        raise Forbidden()
    return assignment


# --- Impersonation: an administrator opens the portal as a candidate, read-only ----------------------------------


def start_impersonation(session: Session, *, actor: Actor, dossier_number: str) -> Account:
    """The account an administrator will view as, read-only; the start is audited."""
    require_role(session, actor=actor, roles=[StaffRole.ADMINISTRATOR])
    account = session.exec(
        select(Account).where(Account.dossier_number == dossier_number.strip().upper(), Account.deleted_at.is_(None))  # type: ignore[union-attr]
    ).first()
    if account is None:
        raise DomainError("unknown_dossier", N_("Aucun compte ne porte ce numéro de dossier."), field="dossier_number")
    candidate_id = _candidate_id(session, account.id)
    audit_dossier(session, actor, candidate_id, "impersonation.started", entity=("account", account.id))
    return account


def record_impersonated_view(session: Session, *, actor: Actor, administrator: Actor, path: str) -> None:
    """Audit one page viewed by an administrator as a candidate; refuse if they are no longer administrator."""
    require_role(session, actor=administrator, roles=[StaffRole.ADMINISTRATOR])
    if actor.kind != "candidate" or actor.impersonated_by_staff_id != administrator.staff_id:
        raise Forbidden()
    audit_dossier(
        session,
        actor,
        _candidate_id(session, actor.account_id),
        "impersonation.viewed",
        after={"path": path[:300]},
        entity=("account", actor.account_id),
    )


def _candidate_id(session: Session, account_id: int | None) -> int | None:
    return session.exec(select(Candidate.id).where(Candidate.account_id == account_id)).first()
