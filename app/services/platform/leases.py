"""Editing leases (« verrous »): while one person edits a dossier, the other sees it read-only.

A lease on a resource (``"candidate:42"``) belongs to one holder (an actor kind and id) and one browser page
(``client_id``). The page renews it with a heartbeat and releases it when it goes away; a lease not renewed in
time expires and the next person takes it over. The unique constraint on ``resource`` makes two holders
impossible, even when two pages race for a free resource.

The mechanism knows no rule of who may edit what: the dossier's saves (``dossier/tabs``, the candidate's;
``review/staff_dossier``, staff's) refuse a dossier someone else holds, and the staff page takes the lease when its
role may review (``review/staff_leases``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app import clock
from app.i18n import N_
from app.models import ActorKind, EditLease
from app.services.platform import parameters
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden


@dataclass(frozen=True)
class Holder:
    kind: ActorKind
    id: int
    label: str
    client_id: str

    def same_person(self, lease: EditLease) -> bool:
        return lease.holder_kind == self.kind and lease.holder_id == self.id


@dataclass(frozen=True)
class LeaseState:
    """The outcome of an acquisition: ``held`` by us, or the current holder's lease."""

    held: bool
    lease: EditLease | None = None

    @property
    def holder_kind(self) -> ActorKind | None:
        return self.lease.holder_kind if self.lease else None


MANAGER_EDITING = N_("Ces données sont en cours d'utilisation par un gestionnaire. Réessayez dans quelques minutes.")
CANDIDATE_EDITING = N_("Ces données sont en cours d'utilisation par le candidat. Réessayez dans quelques minutes.")


class LeaseHeld(DomainError):
    def __init__(self, lease: EditLease) -> None:
        message = CANDIDATE_EDITING if lease.holder_kind == ActorKind.CANDIDATE else MANAGER_EDITING
        super().__init__("lease_held", message)
        self.lease = lease


def candidate_resource(candidate_id: int) -> str:
    return f"candidate:{candidate_id}"


def holder_of(actor: Actor) -> tuple[ActorKind, int]:
    """Who holds leases for an actor: the candidate's account, or the staff member."""
    if actor.kind == "candidate" and actor.account_id is not None:
        return ActorKind.CANDIDATE, actor.account_id
    if actor.kind == "staff" and actor.staff_id is not None:
        return ActorKind.STAFF, actor.staff_id
    raise Forbidden()


def _expiry() -> datetime:
    return clock.now() + timedelta(seconds=parameters.current("edit_lease_seconds"))


def _current(session: Session, resource: str) -> EditLease | None:
    return session.exec(select(EditLease).where(EditLease.resource == resource)).first()


def who_holds(session: Session, *, resource: str) -> EditLease | None:
    """The live lease on ``resource`` (an expired one counts as none)."""
    lease = _current(session, resource)
    if lease is None or lease.expires_at <= clock.now():
        return None
    return lease


def acquire(session: Session, *, resource: str, holder: Holder) -> LeaseState:
    """Take (or renew) the lease; if someone else holds a live one, say who instead of raising.

    The same person from another page takes the lease over: only different people exclude each other.
    """
    now = clock.now()
    lease = _current(session, resource)
    if lease is not None and lease.expires_at > now and not holder.same_person(lease):
        return LeaseState(held=False, lease=lease)
    if lease is not None:  # ours, or expired: take it over in place
        lease.holder_kind, lease.holder_id, lease.holder_label = holder.kind, holder.id, holder.label[:200]
        lease.client_id, lease.acquired_at, lease.expires_at = holder.client_id[:64], now, _expiry()
        session.add(lease)
        session.flush()
        return LeaseState(held=True, lease=lease)
    lease = EditLease(
        resource=resource,
        holder_kind=holder.kind,
        holder_id=holder.id,
        holder_label=holder.label[:200],
        client_id=holder.client_id[:64],
        acquired_at=now,
        expires_at=_expiry(),
    )
    try:
        with session.begin_nested():  # a concurrent page may insert first: the unique constraint decides
            session.add(lease)
    except IntegrityError:
        current = _current(session, resource)
        if current is None:  # released meanwhile: the next heartbeat tries again
            return LeaseState(held=False)
        return LeaseState(held=holder.same_person(current), lease=current)
    return LeaseState(held=True, lease=lease)


def renew(session: Session, *, resource: str, holder: Holder) -> bool:
    """The heartbeat: push the expiry back, only for the page that holds the lease. False if it was lost."""
    lease = _current(session, resource)
    if lease is None or lease.client_id != holder.client_id or not holder.same_person(lease):
        return False
    if lease.expires_at <= clock.now():
        return False  # expired: someone may have seen it free; the page acquires again
    lease.expires_at = _expiry()
    session.add(lease)
    return True


def heartbeat_seconds() -> float:
    """How often an open page renews its lease: three times per lease duration (``edit_lease_seconds``), so one
    late beat costs nothing, and never more often than every 10 s."""
    return max(10.0, parameters.current("edit_lease_seconds") / 3)


def heartbeat(session: Session, *, resource: str, holder: Holder) -> LeaseState:
    """What an open page does every ``heartbeat_seconds``: its lease lives another ``edit_lease_seconds`` (taken
    again if it expired and nobody took it meanwhile); a live lease of someone else's is never taken."""
    return acquire(session, resource=resource, holder=holder)


def release(session: Session, *, resource: str, client_id: str) -> None:
    """The page went away (or saved and left): its lease ends now."""
    session.exec(  # type: ignore[call-overload]
        delete(EditLease).where(EditLease.resource == resource, EditLease.client_id == client_id)
    )


def purge_expired(session: Session) -> int:
    """Remove expired leases (at start-up and by housekeeping); they no longer exclude anyone anyway."""
    result = session.exec(delete(EditLease).where(EditLease.expires_at <= clock.now()))  # type: ignore[call-overload]
    return int(result.rowcount or 0)


def require_free_for(session: Session, *, resource: str, kind: ActorKind, holder_id: int) -> None:
    """Refuse a save while another person holds a live lease on the resource."""
    lease = who_holds(session, resource=resource)
    if lease is not None and not (lease.holder_kind == kind and lease.holder_id == holder_id):
        raise LeaseHeld(lease)
