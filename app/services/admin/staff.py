"""Staff members ("gestionnaires") and their roles by scope, managed by administrators and the central office.

Rules (each refusal says what to do):
- administrators and the central office manage staff; read-only roles only look;
- only an administrator grants, changes or removes the administrator role, and only an administrator edits or
  deactivates the account of someone who holds it (otherwise the central office could set an administrator's
  password and act as them);
- nobody removes (or makes read-only) their own administrator role, nor deactivates themself, nor removes the
  role they are acting with; the institution keeps at least one active administrator with write rights;
- a committee has at most one president; members are deactivated, never deleted (audit rows reference them).

Accounts are here; roles in ``admin_staff_roles``; the shared rules in ``admin_staff_rules``. Every change is
version-checked on the staff member (a role change bumps the member's version, so two people
editing the same member's roles cannot overwrite each other) and audited.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, field_validator
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.i18n import LANGUAGES, N_
from app.models import (
    Account,
    ApplicationCentre,
    Committee,
    IssuedDossierNumber,
    StaffMember,
    StaffRole,
    StaffRoleAssignment,
)
from app.services.accounts.passwords import hash_password
from app.services.accounts.rules import EMAIL_RE, check_new_password, normalise_email
from app.services.accounts.staff_roles import INSTITUTION_SCOPE, ROLE_LABELS, RoleView
from app.services.admin.common import form_action, load_for_edit, require_admin, save_active, save_entity
from app.services.admin.staff_rules import (
    ADMIN_ACCOUNT,
    LAST_ADMIN,
    LOGIN_IS_DOSSIER,
    SUBJECT_TAKEN,
    acting_role,
    is_administrator,
    other_active_administrators,
    refusal,
)
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import NotFound
from app.services.platform.form_checks import REQUIRED, DossierInvalid, validate
from app.services.platform.text_rules import searchable

LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")
SSO_PROVIDERS = {"oidc": N_("OpenID Connect (ENT)"), "cas": N_("CAS (ENT)")}
AUTH_PASSWORD = "password"
AUTH_SSO = "sso"
LIST_LIMIT = 200
PROFILE_FIELDS = ("login", "email", "display_name", "language", "sso_provider", "sso_subject")

# --- reading ---------------------------------------------------------------------------------------------------


@dataclass
class StaffSummary:
    member: StaffMember
    roles: list[RoleView] = field(default_factory=list)

    @property
    def is_administrator(self) -> bool:
        return any(role.role == StaffRole.ADMINISTRATOR for role in self.roles)


def _role_views(session: Session, assignments: list[StaffRoleAssignment]) -> list[RoleView]:
    centre_ids = {a.centre_id for a in assignments if a.centre_id is not None}
    committee_ids = {a.committee_id for a in assignments if a.committee_id is not None}
    centres = {
        c.id: c for c in session.exec(select(ApplicationCentre).where(col(ApplicationCentre.id).in_(centre_ids)))
    }
    committees = {c.id: c for c in session.exec(select(Committee).where(col(Committee.id).in_(committee_ids)))}
    views = []
    for a in assignments:
        scope = centres.get(a.centre_id) or committees.get(a.committee_id)
        fr, en = (scope.label_fr, scope.label_en) if scope else (INSTITUTION_SCOPE, "Whole institution")
        views.append(
            RoleView(
                a.id or 0, a.role, ROLE_LABELS[a.role], fr, en, a.centre_id, a.committee_id, a.read_only, a.is_president
            )
        )
    return views


def _summaries(session: Session, members: list[StaffMember]) -> list[StaffSummary]:
    ids = [m.id for m in members]
    assignments = session.exec(
        select(StaffRoleAssignment).where(col(StaffRoleAssignment.staff_id).in_(ids)).order_by(StaffRoleAssignment.id)
    ).all()
    views = dict(zip([a.id for a in assignments], _role_views(session, list(assignments)), strict=True))
    by_member: dict[int, list[RoleView]] = {}
    for a in assignments:
        by_member.setdefault(a.staff_id, []).append(views[a.id])
    return [StaffSummary(m, by_member.get(m.id or 0, [])) for m in members]


_SEARCHED = (StaffMember.login, StaffMember.display_name, StaffMember.email)


def list_staff(
    session: Session, *, actor: Actor, search: str = "", include_inactive: bool = True
) -> list[StaffSummary]:
    """Staff members whose login, name or e-mail contains ``search`` (case-insensitive), by name."""
    require_admin(session, actor=actor)
    query = select(StaffMember)
    for word in searchable(search).lower().split()[:5]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (StaffMember.login, StaffMember.display_name, StaffMember.email)
                )
            )
        )
    if not include_inactive:
        query = query.where(col(StaffMember.is_active).is_(True))
    members = session.exec(query.order_by(func.lower(StaffMember.display_name), StaffMember.id).limit(LIST_LIMIT))
    return _summaries(session, list(members))


def open_staff(session: Session, *, actor: Actor, staff_id: int) -> StaffSummary:
    require_admin(session, actor=actor)
    member = session.get(StaffMember, staff_id)
    if member is None:
        raise NotFound("staff")
    return _summaries(session, [member])[0]


@dataclass(frozen=True)
class ScopeChoice:
    id: int
    label_fr: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_fr


def scope_choices(session: Session, *, actor: Actor) -> tuple[list[ScopeChoice], list[ScopeChoice]]:
    """The active centres and committees a role can be scoped to (a committee is named with its centre)."""
    require_admin(session, actor=actor)
    centres = session.exec(select(ApplicationCentre).where(col(ApplicationCentre.is_active).is_(True))).all()
    by_id = {c.id: c for c in centres}
    committees = session.exec(select(Committee).where(col(Committee.is_active).is_(True))).all()
    centre_choices = sorted((ScopeChoice(c.id or 0, c.label_fr, c.label_en) for c in centres), key=lambda c: c.label_fr)
    committee_choices = []
    for c in committees:
        centre = by_id.get(c.centre_id)
        suffix_fr, suffix_en = (f" ({centre.label_fr})", f" ({centre.label_en})") if centre else ("", "")
        committee_choices.append(ScopeChoice(c.id or 0, c.label_fr + suffix_fr, c.label_en + suffix_en))
    return centre_choices, sorted(committee_choices, key=lambda c: c.label_fr)


# --- the account -----------------------------------------------------------------------------------------------


class StaffIn(BaseModel):
    login: str
    email: str
    display_name: str
    language: str
    auth_mode: str
    sso_provider: str | None = None
    sso_subject: str | None = None

    @field_validator("login", mode="before")
    @classmethod
    def _login(cls, value: object) -> str:
        login = str(value or "").strip().lower()
        if not login:
            raise ValueError(REQUIRED)
        if not LOGIN_RE.match(login):
            raise ValueError(
                N_("De 2 à 100 caractères : lettres minuscules sans accent, chiffres, point, tiret ou tiret bas.")
            )
        return login

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: object) -> str:
        email = normalise_email(str(value or ""))
        if not email:
            raise ValueError(REQUIRED)
        if len(email) > 254 or not EMAIL_RE.match(email):
            raise ValueError(N_("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr)."))
        return email

    @field_validator("display_name", mode="before")
    @classmethod
    def _name(cls, value: object) -> str:
        name = " ".join(str(value or "").split())
        if not name:
            raise ValueError(REQUIRED)
        if len(name) > 200:
            raise ValueError(N_("200 caractères au maximum."))
        return name

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: object) -> str:
        if value not in LANGUAGES:
            raise ValueError(N_("Choisissez une langue dans la liste."))
        return str(value)

    @field_validator("auth_mode", mode="before")
    @classmethod
    def _auth_mode(cls, value: object) -> str:
        if value not in (AUTH_PASSWORD, AUTH_SSO):
            raise ValueError(N_("Choisissez un mode de connexion."))
        return str(value)

    @field_validator("sso_provider", "sso_subject", mode="before")
    @classmethod
    def _optional(cls, value: object) -> str | None:
        text = str(value or "").strip()
        if len(text) > 255:
            raise ValueError(N_("Ce texte est trop long."))
        return text or None


def check_account(
    login: str,
    email: str,
    display_name: str,
    language: str,
    auth_mode: str,
    sso_provider: str | None,
    sso_subject: str | None,
) -> StaffIn:
    """A staff account's inputs, checked and normalised, or a DossierInvalid naming each field in error."""
    fields = dict(login=login, email=email, display_name=display_name, language=language, auth_mode=auth_mode)
    data = validate(StaffIn, fields | {"sso_provider": sso_provider, "sso_subject": sso_subject})
    assert isinstance(data, StaffIn)
    return data


def _check_login_free(session: Session, login: str, staff_id: int | None) -> None:
    clash = session.exec(
        select(StaffMember.id).where(func.lower(StaffMember.login) == login, StaffMember.id != (staff_id or 0))
    ).first()
    if clash is not None:
        raise DossierInvalid({"login": N_("Cet identifiant est déjà utilisé par un autre gestionnaire.")})
    # The sign-in form tries candidates' dossier numbers first: a staff login equal to one would never work.
    upper = login.upper()
    if (
        session.get(IssuedDossierNumber, upper) is not None
        or session.exec(select(Account.id).where(Account.dossier_number == upper)).first() is not None
    ):
        raise DossierInvalid({"login": LOGIN_IS_DOSSIER})


def save_staff(
    session: Session,
    *,
    actor: Actor,
    staff_id: int | None,
    expected_version: int | None,
    login: str,
    email: str,
    display_name: str,
    language: str = "fr",
    auth_mode: str = AUTH_SSO,
    sso_provider: str | None = None,
    sso_subject: str | None = None,
    password: str = "",
    password_confirm: str = "",
) -> StaffMember:
    """Create or update a staff member's account: either the university's SSO or a local password.

    SSO: the subject may stay empty (the account is then linked at the first SSO sign-in with the same login).
    Password: required when the account has none yet; an empty password on an edit keeps the current one.
    """
    acting = acting_role(session, actor)
    data = check_account(login, email, display_name, language, auth_mode, sso_provider, sso_subject)
    existing = load_for_edit(session, StaffMember, staff_id, expected_version) if staff_id is not None else None
    if existing is not None and acting.role != StaffRole.ADMINISTRATOR and is_administrator(session, existing.id or 0):
        raise refusal("admin_account", ADMIN_ACCOUNT)
    _check_login_free(session, data.login, staff_id)
    provider, subject, new_hash = _credentials(data, existing, password, password_confirm)
    values = {"login": data.login, "email": data.email, "display_name": data.display_name, "language": data.language}
    values |= {"sso_provider": provider, "sso_subject": subject}
    password_removed = False
    if existing is not None:
        if data.auth_mode == AUTH_SSO and existing.password_hash:
            existing.password_hash = None  # an SSO account has no local password
            password_removed = True
        elif new_hash is not None:
            existing.password_hash = new_hash  # written in save_entity's flush: one version step
    member = _save_member(session, actor, staff_id, expected_version, values)
    if existing is None and new_hash is not None:
        member.password_hash = new_hash
        session.add(member)
        session.flush()
    if new_hash is not None or password_removed:
        _audit_credentials(session, actor, member, data.auth_mode, password_changed=new_hash is not None)
    return member


def _audit_credentials(
    session: Session, actor: Actor, member: StaffMember, auth_mode: str, *, password_changed: bool
) -> None:
    # The hash itself never goes to the audit trail.
    audit_row(
        session,
        actor,
        "staff.credentials_set",
        member,
        after={"auth_mode": auth_mode, "password_changed": password_changed},
    )


def _credentials(
    data: StaffIn, existing: StaffMember | None, password: str, password_confirm: str
) -> tuple[str | None, str | None, str | None]:
    """(SSO provider, SSO subject, new password hash): SSO, or a password, checked when given or when none is set."""
    if data.auth_mode == AUTH_SSO:
        if data.sso_provider not in SSO_PROVIDERS:
            raise DossierInvalid({"sso_provider": N_("Choisissez le service d'authentification de l'université.")})
        return data.sso_provider, data.sso_subject, None
    if password or existing is None or not existing.password_hash:
        personal = (data.login, data.email.split("@")[0], *data.display_name.split())
        check_new_password(password, password_confirm, personal=personal)
        return None, None, hash_password(password)
    return None, None, None


def _save_member(
    session: Session, actor: Actor, staff_id: int | None, expected_version: int | None, values: dict[str, Any]
) -> StaffMember:
    try:
        return save_entity(
            session,
            actor=actor,
            model=StaffMember,
            entity_id=staff_id,
            expected_version=expected_version,
            values=values,
            action=form_action("staff", staff_id),
            unique_field=None,
        )
    except IntegrityError as exc:  # a concurrent save took the same login or SSO identity
        if "login" in str(exc.orig).lower():
            raise DossierInvalid({"login": N_("Cet identifiant est déjà utilisé par un autre gestionnaire.")}) from None
        raise DossierInvalid({"sso_subject": SUBJECT_TAKEN}) from None


def set_staff_active(
    session: Session, *, actor: Actor, staff_id: int, expected_version: int | None, active: bool
) -> StaffMember:
    """Deactivate (they can no longer sign in or open a page) or reactivate a staff member; never deleted."""
    acting = acting_role(session, actor)
    member = load_for_edit(session, StaffMember, staff_id, expected_version)
    if acting.role != StaffRole.ADMINISTRATOR and is_administrator(session, staff_id):
        raise refusal("admin_account", ADMIN_ACCOUNT)
    if not active:
        if staff_id == actor.staff_id:
            raise refusal("self_deactivation", N_("Vous ne pouvez pas désactiver votre propre compte."))
        if (
            member.is_active
            and is_administrator(session, staff_id)
            and other_active_administrators(session, excluding_staff=staff_id, excluding_assignment=None) == 0
        ):
            raise refusal("last_administrator", LAST_ADMIN)
    return save_active(
        session,
        actor=actor,
        model=StaffMember,
        entity_id=staff_id,
        expected_version=expected_version,
        active=active,
        action="staff",
    )
