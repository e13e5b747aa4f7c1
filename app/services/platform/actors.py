"""Who a service acts for: every service function receives an ``Actor`` and checks it."""

from dataclasses import dataclass
from typing import Literal

from app.i18n import N_
from app.services.platform.errors import DomainError, Forbidden

ActorKindName = Literal["anonymous", "candidate", "staff", "system"]


@dataclass(frozen=True)
class Actor:
    """The person (or job) on whose behalf a service runs; pages build it from the session identity."""

    kind: ActorKindName
    account_id: int | None = None
    staff_id: int | None = None
    role_assignment_id: int | None = None  # the staff member's current role (the role switch changes it)
    impersonated_by_staff_id: int | None = None  # an administrator viewing as this candidate, read-only
    client_address: str | None = None

    @classmethod
    def anonymous(cls, client_address: str | None = None) -> "Actor":
        return cls("anonymous", client_address=client_address)

    @classmethod
    def system(cls) -> "Actor":
        return cls("system")

    @property
    def read_only(self) -> bool:
        return self.impersonated_by_staff_id is not None


def require_writable(actor: Actor) -> None:
    """An impersonated view is read-only: every change refuses it."""
    if actor.read_only:
        raise DomainError("read_only", N_("Cette vue est en lecture seule : aucune modification n'est possible."))


def require_account(actor: Actor, account_id: int, *, write: bool = False) -> None:
    """Only the candidate themself (or an administrator impersonating them, read-only) reaches an account."""
    if actor.kind != "candidate" or actor.account_id != account_id:
        raise Forbidden()
    if write:
        require_writable(actor)
