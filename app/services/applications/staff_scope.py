"""Which applications the staff member's current role covers: the one place that turns a role into a filter.

Administrators and the central office see every application; a centre manager the applications of their
centre; a committee member those of their committee and of the programmes that list it among their examining
committees (``applications/examining.py``), where it writes only its opinion unless it is the final committee.
Lists filter with :func:`scope_filter` (programmes with :func:`program_scope`); actions on one application check it
with :func:`require_application_in_scope` (a hidden button is not a permission).
A candidate's dossier follows the same rule (:func:`require_candidate_in_scope`): it is in scope when one of the
candidate's applications is.
"""

from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.models import Application, Candidate, Program, StaffRole
from app.services.accounts.staff_roles import INSTITUTION_WIDE, RoleView, current_role, require_role
from app.services.offer.campaigns import is_archived, require_open_campaign
from app.services.offer.examining import Reach, committee_reach, examined_program_ids
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden, NotFound

# The account desk has no right on applications, their pieces or decisions: it only manages candidate accounts.
ALL_ROLES = tuple(role for role in StaffRole if role != StaffRole.ACCOUNT_DESK)


class _OfApplication(Protocol):
    application_id: int


R = TypeVar("R", bound=_OfApplication)


def scope_filter(role: RoleView) -> Any:
    """A WHERE clause on ``Application`` for ``role`` (``True`` for the whole institution)."""
    return _covering(role, Application, col(Application.program_id))


def program_scope(role: RoleView) -> Any:
    """A WHERE clause on ``Program``: the programmes the role covers (what :func:`scope_filter` is to applications)."""
    return _covering(role, Program, col(Program.id))


def _covering(role: RoleView, table: type[Application] | type[Program], program_id: Any) -> Any:
    """The rows of ``table`` (its centre, committee and ``program_id`` columns) that ``role`` covers."""
    if role.role in INSTITUTION_WIDE:
        return col(table.id).is_not(None)
    if role.role == StaffRole.CENTRE_MANAGER:
        return col(table.centre_id) == role.centre_id
    if role.role != StaffRole.COMMITTEE_MEMBER:  # the account desk: nothing (never « committee IS NULL »)
        return sa.false()
    return (col(table.committee_id) == role.committee_id) | program_id.in_(examined_program_ids(role.committee_id))


def require_application_in_scope(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    write: bool = False,
    roles: tuple[StaffRole, ...] = ALL_ROLES,
    lock: bool = False,
) -> tuple[Application, RoleView]:
    """The application, if the actor's current role covers it (and may write, when ``write``).

    An application outside the scope is answered like a missing one, so its existence is not revealed.
    """
    role = current_role(session, actor=actor)
    application = session.get(Application, application_id, with_for_update=lock)
    if application is None:
        raise NotFound("application")
    try:
        _require_role_over(session, actor, role, application, roles, write)
    except Forbidden as error:
        if write and (role.read_only or role.role in roles) and scope_covers(session, role, application):
            raise  # in scope but read-only, or only examined (an opinion, no more): say so rather than "not found"
        raise NotFound("application") from error
    if write:
        require_open_campaign(session, application.campaign_id)  # an archived campaign is read-only for all
    return application, role


def require_row_in_scope(
    session: Session,
    *,
    actor: Actor,
    model: type[R],
    row_id: int,
    missing: str,
    write: bool = False,
    roles: tuple[StaffRole, ...] = ALL_ROLES,
) -> tuple[R, Application]:
    """A row of one application (a piece, a post-it, a decision…) and that application, if the actor's role covers it.

    A missing row is ``NotFound(missing)``; its application is checked as by :func:`require_application_in_scope`.
    """
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    application, _role = require_application_in_scope(
        session, actor=actor, application_id=row.application_id, write=write, roles=roles
    )
    return row, application


def require_program_in_scope(
    session: Session,
    *,
    actor: Actor,
    program_id: int,
    roles: tuple[StaffRole, ...] = ALL_ROLES,
    write: bool = False,
) -> tuple[Program, RoleView]:
    """The programme, if the actor's current role covers it; otherwise « not found » (its existence is not told)."""
    role = current_role(session, actor=actor)
    program = session.get(Program, program_id)
    if program is None:
        raise NotFound("program")
    try:
        _require_role_over(session, actor, role, program, roles, write)
    except Forbidden as error:
        raise NotFound("program") from error
    if write and actor.read_only:
        raise Forbidden()
    return program, role


def _require_role_over(
    session: Session,
    actor: Actor,
    role: RoleView,
    row: Application | Program,
    roles: tuple[StaffRole, ...],
    write: bool,
) -> None:
    """The actor holds one of ``roles`` over ``row``'s centre (a centre manager) or committee (a committee member:
    their own committee's rows, or those their committee examines, read only, or decides as final committee)."""
    committee_id = None
    if role.role == StaffRole.COMMITTEE_MEMBER:
        reach = _reach(session, role, row)
        granted = reach == Reach.DECIDE or (reach == Reach.EXAMINE and not write)
        committee_id = role.committee_id if granted else row.committee_id
    require_role(
        session,
        actor=actor,
        roles=roles,
        centre_id=row.centre_id if role.role == StaffRole.CENTRE_MANAGER else None,
        committee_id=committee_id,
        write=write,
    )


def _reach(session: Session, role: RoleView, row: Application | Program) -> Reach | None:
    program_id = row.program_id if isinstance(row, Application) else row.id
    return committee_reach(session, role.committee_id, program_id or 0, row.committee_id)


def scope_covers(session: Session, role: RoleView, application: Application) -> bool:
    """Whether the role reads ``application`` (the row-wise :func:`scope_filter`)."""
    if role.role in INSTITUTION_WIDE:
        return True
    if role.role == StaffRole.CENTRE_MANAGER:
        return application.centre_id == role.centre_id
    return role.role == StaffRole.COMMITTEE_MEMBER and _reach(session, role, application) is not None


def require_candidate_in_scope(session: Session, *, actor: Actor, candidate_id: int, write: bool = False) -> Candidate:
    """The candidate, if the actor's current role covers one of their applications (and may write, when ``write``).

    The whole institution covers every candidate; a centre manager or a committee member, the candidates with an
    application in their centre or committee. A candidate outside the scope is answered like a missing one. A write
    needs such an application in a campaign that is not archived, as writes to the applications do.
    """
    role = current_role(session, actor=actor)
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound("candidate")
    if role.role not in INSTITUTION_WIDE:
        campaigns = set(
            session.exec(
                select(Application.campaign_id).where(Application.candidate_id == candidate_id, scope_filter(role))
            ).all()
        )
        if not campaigns:
            raise NotFound("candidate")
        if write and all(is_archived(session, campaign_id) for campaign_id in campaigns):
            require_open_campaign(session, min(campaigns))  # says why: the campaign is archived
    if write and role.read_only:
        raise Forbidden()
    return candidate
