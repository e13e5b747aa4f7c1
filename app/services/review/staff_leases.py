"""The candidates' editing leases as staff meet them: the review page takes the lease, administrators list and
release them (« Verrous »)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app import clock
from app.models import ActorKind, EditLease, StaffRole
from app.services.accounts.staff_roles import require_role
from app.services.applications.staff_scope import require_application_in_scope
from app.services.platform import leases
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import NotFound
from app.services.review.staff_rights import REVIEW_ROLES

STALE_LEASE_AGE = timedelta(hours=24)  # eCandidat lists locks older than a day for manual removal


def hold_lease(session: Session, *, actor: Actor, application_id: int, client_id: str, label: str) -> leases.LeaseState:
    """The staff page takes the candidate's lease when its role may review; otherwise it only reads who holds it."""
    application, role = require_application_in_scope(session, actor=actor, application_id=application_id)
    resource = leases.candidate_resource(application.candidate_id)
    if role.role not in REVIEW_ROLES or role.read_only or actor.staff_id is None:
        return leases.LeaseState(held=False, lease=leases.who_holds(session, resource=resource))
    holder = leases.Holder(ActorKind.STAFF, actor.staff_id, label, client_id)
    return leases.acquire(session, resource=resource, holder=holder)


@dataclass(frozen=True)
class LeaseLine:
    id: int
    resource: str
    holder_kind: ActorKind
    holder_label: str
    acquired_at: datetime
    expires_at: datetime
    age: timedelta
    stale: bool  # expired, or held longer than a day


def list_leases(session: Session, *, actor: Actor) -> list[LeaseLine]:
    """Every lease, oldest first (administrators)."""
    _require_admin(session, actor)
    now = clock.now()
    return [
        LeaseLine(
            lease.id or 0,
            lease.resource,
            lease.holder_kind,
            lease.holder_label,
            lease.acquired_at,
            lease.expires_at,
            now - lease.acquired_at,
            lease.expires_at <= now or now - lease.acquired_at >= STALE_LEASE_AGE,
        )
        for lease in session.exec(select(EditLease).order_by(col(EditLease.acquired_at))).all()
    ]


def list_stale_leases(session: Session, *, actor: Actor) -> list[LeaseLine]:
    return [line for line in list_leases(session, actor=actor) if line.stale]


def release_lease(session: Session, *, actor: Actor, lease_id: int) -> None:
    """« Libérer »: an administrator ends a lease (its holder's next save is then checked again)."""
    _require_admin(session, actor)
    lease = session.get(EditLease, lease_id)
    if lease is None:
        raise NotFound("lease")
    audit_row(
        session,
        actor,
        "lease.released",
        lease,
        before={"resource": lease.resource, "holder": lease.holder_label, "holder_kind": lease.holder_kind.value},
    )
    session.delete(lease)
    session.flush()


def _require_admin(session: Session, actor: Actor) -> None:
    require_role(session, actor=actor, roles=[StaffRole.ADMINISTRATOR], write=True)
