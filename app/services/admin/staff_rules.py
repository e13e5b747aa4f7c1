"""The rules shared by the staff screens' services: who may manage whom, and the administrators kept."""

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import StaffMember, StaffRole, StaffRoleAssignment
from app.services.admin.common import StaleEdit, load_for_edit, require_admin
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError


def refusal(code: str, message: str, *, field: str | None = None) -> DomainError:
    return DomainError(code, message, field=field)


ADMIN_ONLY = N_("Seul un administrateur peut attribuer, modifier ou retirer le rôle d'administrateur.")
ADMIN_ACCOUNT = N_("Seul un administrateur peut modifier ou désactiver le compte d'un administrateur.")
LOGIN_IS_DOSSIER = N_("Cet identifiant est un numéro de dossier de candidat : choisissez-en un autre.")
SUBJECT_TAKEN = N_("Cet identifiant d'authentification est déjà associé à un autre gestionnaire.")
OWN_ADMIN = N_("Vous ne pouvez pas retirer votre propre rôle d'administrateur : demandez-le à un autre administrateur.")
CURRENT_ROLE = N_(
    "Vous ne pouvez pas retirer le rôle avec lequel vous êtes connecté : demandez-le à un autre gestionnaire."
)
LAST_ADMIN = N_(
    "L'établissement doit garder au moins un administrateur actif : attribuez d'abord ce rôle à une autre personne."
)


def acting_role(session: Session, actor: Actor, *, write: bool = True) -> StaffRoleAssignment:
    return require_admin(session, actor=actor, write=write)


def is_administrator(session: Session, staff_id: int) -> bool:
    return (
        session.exec(
            select(StaffRoleAssignment.id).where(
                StaffRoleAssignment.staff_id == staff_id, StaffRoleAssignment.role == StaffRole.ADMINISTRATOR
            )
        ).first()
        is not None
    )


def other_active_administrators(
    session: Session, *, excluding_staff: int | None, excluding_assignment: int | None
) -> int:
    """Active members with a writable administrator role, besides what is being removed; rows locked meanwhile.

    The lock (PostgreSQL ``FOR UPDATE``; SQLite serialises writers) makes two administrators who remove each
    other at the same moment wait for one another, so the second sees the first's change and is refused.
    """
    rows = session.exec(
        select(StaffRoleAssignment.id, StaffMember.id)
        .join(StaffMember, col(StaffMember.id) == StaffRoleAssignment.staff_id)
        .where(
            StaffRoleAssignment.role == StaffRole.ADMINISTRATOR,
            col(StaffRoleAssignment.read_only).is_(False),
            col(StaffMember.is_active).is_(True),
        )
        .with_for_update()
    ).all()
    return len({staff for assignment, staff in rows if assignment != excluding_assignment and staff != excluding_staff})


def touch(session: Session, staff_id: int, expected_version: int | None) -> StaffMember:
    """Check and bump the member's version: role changes are version-checked like the account."""
    member = load_for_edit(session, StaffMember, staff_id, expected_version)
    flag_modified(member, "display_name")
    session.add(member)
    try:
        session.flush()
    except StaleDataError:
        raise StaleEdit() from None
    return member
