"""The first administrator of a new installation, made on the server (``python -m app.manage``).

Outside demo mode nothing else can make one: the staff screens need an administrator already. Refused once an
active administrator exists: every later account is made in « Administration › Gestionnaires », which audits it
as the administrator who made it.
"""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.i18n import N_
from app.models import StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts.passwords import hash_password
from app.services.accounts.rules import check_new_password
from app.services.admin.staff import AUTH_PASSWORD, AUTH_SSO, SSO_PROVIDERS, StaffIn, check_account
from app.services.dossier.schemas import DossierInvalid
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError

ADMINISTRATOR_EXISTS = N_(
    "Un administrateur actif existe déjà : les autres comptes se créent dans Administration › Gestionnaires."
)
LOGIN_TAKEN = N_("Cet identifiant est déjà utilisé par un autre gestionnaire.")


def has_active_administrator(session: Session) -> bool:
    return (
        session.exec(
            select(StaffRoleAssignment.id)
            .join(StaffMember, StaffMember.id == StaffRoleAssignment.staff_id)
            .where(StaffRoleAssignment.role == StaffRole.ADMINISTRATOR, StaffMember.is_active)
        ).first()
        is not None
    )


def _password_hash(data: StaffIn, password: str, confirm: str) -> str | None:
    """None for an SSO account (its provider checked), else the checked password's hash."""
    if data.auth_mode == AUTH_SSO:
        if data.sso_provider not in SSO_PROVIDERS:
            raise DossierInvalid({"sso_provider": N_("Choisissez le service d'authentification de l'université.")})
        return None
    personal = (data.login, data.email.split("@")[0], *data.display_name.split())
    check_new_password(password, confirm, personal=personal)
    return hash_password(password)


def create_first_administrator(
    session: Session,
    *,
    login: str,
    email: str,
    display_name: str,
    language: str = "fr",
    password: str = "",
    password_confirm: str = "",
    sso_provider: str | None = None,
    sso_subject: str | None = None,
) -> StaffMember:
    """A staff member with the administrator role, signing in by password or by the university's SSO."""
    if has_active_administrator(session):
        raise DomainError("administrator_exists", ADMINISTRATOR_EXISTS)
    auth_mode = AUTH_SSO if sso_provider else AUTH_PASSWORD
    data = check_account(login, email, display_name, language, auth_mode, sso_provider, sso_subject)
    password_hash = _password_hash(data, password, password_confirm)
    member = StaffMember(
        login=data.login,
        email=data.email,
        display_name=data.display_name,
        language=data.language,
        password_hash=password_hash,
        sso_provider=data.sso_provider if auth_mode == AUTH_SSO else None,
        sso_subject=data.sso_subject if auth_mode == AUTH_SSO else None,
    )
    session.add(member)
    try:
        session.flush()
    except IntegrityError:  # the login (or the SSO identity) of an existing, inactive staff member
        raise DossierInvalid({"login": LOGIN_TAKEN}) from None
    assert member.id is not None
    role = StaffRoleAssignment(staff_id=member.id, role=StaffRole.ADMINISTRATOR)
    session.add(role)
    session.flush()
    _audit(session, member, role, auth_mode)
    return member


def _audit(session: Session, member: StaffMember, role: StaffRoleAssignment, auth_mode: str) -> None:
    actor = Actor.system()
    after = {"login": member.login, "auth_mode": auth_mode, "by": "python -m app.manage"}
    audit_row(session, actor, "staff.created", member, after=after)
    audit_row(
        session, actor, "staff.role_added", role, after={"staff_id": member.id, "role": StaffRole.ADMINISTRATOR.value}
    )
