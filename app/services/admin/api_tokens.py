"""Tokens of integration accounts (the REST API): created by administrators, shown once, scoped like a staff role.

A token is ``eca_`` followed by 256 random bits; only its SHA-256 is stored. Its role and scope work like a staff
role's: an administrator or central-office token covers the institution, a centre-manager token one application
centre, a committee-member token one committee. :func:`authenticate` refuses an unknown, revoked or expired token
with :class:`TokenRefused` (the API answers 401); what is outside the scope is refused by the API (403).
Creation and revocation are audited; so are the API's writes (see :func:`audit_integration`).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import (
    ActorKind,
    ApplicationCentre,
    AuditEvent,
    Committee,
    IntegrationToken,
    StaffRole,
)
from app.services.accounts.staff_roles import INSTITUTION_WIDE, ROLE_LABELS, RoleView
from app.services.admin.common import require_admin, snapshot
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import NotFound
from app.services.platform.form_checks import DossierInvalid

PREFIX = "eca_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most once a minute per token
DEFAULT_LIFETIME_DAYS = 365
MAX_LIFETIME_DAYS = 3 * 366


class TokenRefused(Exception):
    """A missing, unknown, revoked or expired token; ``reason`` says which (for logs, never for the caller)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class TokenScope:
    """What an authenticated token may read: a role and, for scoped roles, its centre or committee."""

    token_id: int
    label: str
    role: StaffRole
    centre_id: int | None
    committee_id: int | None

    @property
    def institution_wide(self) -> bool:
        return self.role in INSTITUTION_WIDE

    def as_role(self) -> RoleView:
        """The same scope as a staff role, for ``staff_scope.scope_filter`` and ``scope_covers``."""
        return RoleView(
            assignment_id=0,
            role=self.role,
            role_label=ROLE_LABELS[self.role],
            scope_label_fr="",
            scope_label_en="",
            centre_id=self.centre_id,
            committee_id=self.committee_id,
            read_only=True,
            is_president=False,
        )


def authenticate(session: Session, secret: str | None) -> TokenScope:
    """The scope of a valid token (and ``last_used_at`` refreshed), or :class:`TokenRefused`."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        raise TokenRefused("missing or malformed")
    token = session.exec(select(IntegrationToken).where(IntegrationToken.token_hash == hash_token(secret))).first()
    if token is None:
        raise TokenRefused("unknown")
    now = clock.now()
    if token.revoked_at is not None:
        raise TokenRefused("revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused("expired")
    if token.last_used_at is None or token.last_used_at + LAST_USED_RESOLUTION <= now:
        token.last_used_at = now
        session.add(token)
        session.flush()
    return TokenScope(token.id or 0, token.label, token.role, token.centre_id, token.committee_id)


def audit_integration(
    session: Session, scope: TokenScope, *, action: str, entity_type: str, entity_id: int | None, after: dict
) -> None:
    """An audit event whose actor is the integration account (not a person)."""
    session.add(
        AuditEvent(
            actor_kind=ActorKind.INTEGRATION,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            after={"token_id": scope.token_id, **after},
        )
    )


# --- The administrators' page --------------------------------------------------------------------------------------


@dataclass
class TokenDraft:
    """What the creation form binds to."""

    label: str = ""
    role: StaffRole | None = StaffRole.CENTRAL_OFFICE
    centre_id: int | None = None
    committee_id: int | None = None
    expires_on: date | None = None


@dataclass(frozen=True)
class TokenRow:
    id: int
    label: str
    role: StaffRole
    scope_fr: str
    scope_en: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def _end_of_paris_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=clock.PARIS).astimezone(clock.now().tzinfo)


def create_token(session: Session, *, actor: Actor, draft: TokenDraft) -> tuple[str, IntegrationToken]:
    """A new token (the secret is returned once, never stored); the form's errors field by field."""
    require_admin(session, actor=actor, write=True)
    errors: dict[str, str] = {}
    label = (draft.label or "").strip()
    if not label:
        errors["label"] = N_("Donnez un nom à ce jeton (l'application qui l'utilisera).")
    elif len(label) > 200:
        errors["label"] = N_("200 caractères au plus.")
    role = StaffRole(draft.role) if draft.role else None  # a select may hand back the plain value
    centre_id = committee_id = None
    if role is None or role == StaffRole.ACCOUNT_DESK:  # the API serves applications, which the desk has no right on
        errors["role"] = N_("Choisissez le périmètre du jeton.")
    elif role == StaffRole.CENTRE_MANAGER:
        if draft.centre_id is None or session.get(ApplicationCentre, draft.centre_id) is None:
            errors["centre_id"] = N_("Choisissez le centre de candidature couvert par ce jeton.")
        centre_id = draft.centre_id
    elif role == StaffRole.COMMITTEE_MEMBER:
        if draft.committee_id is None or session.get(Committee, draft.committee_id) is None:
            errors["committee_id"] = N_("Choisissez la commission couverte par ce jeton.")
        committee_id = draft.committee_id
    today = clock.today_paris()
    expires_on = draft.expires_on or today + timedelta(days=DEFAULT_LIFETIME_DAYS)
    if expires_on < today:
        errors["expires_on"] = N_("La date d'expiration est passée : choisissez une date à venir.")
    elif expires_on > today + timedelta(days=MAX_LIFETIME_DAYS):
        errors["expires_on"] = N_("Un jeton vaut trois ans au plus : choisissez une date plus proche.")
    if errors:
        raise DossierInvalid(errors)
    assert role is not None
    secret = PREFIX + secrets.token_urlsafe(32)
    token = IntegrationToken(
        label=label,
        token_hash=hash_token(secret),
        role=role,
        centre_id=centre_id,
        committee_id=committee_id,
        created_by_staff_id=actor.staff_id,
        expires_at=_end_of_paris_day(expires_on),
    )
    session.add(token)
    session.flush()
    audit_row(
        session,
        actor,
        "integration_token.created",
        token,
        after=snapshot(token, ("label", "role", "centre_id", "committee_id", "expires_at")),
    )
    return secret, token


def revoke_token(session: Session, *, actor: Actor, token_id: int) -> IntegrationToken:
    """Revoke at once (the next request is refused); revoking twice changes nothing."""
    require_admin(session, actor=actor, write=True)
    token = session.get(IntegrationToken, token_id, with_for_update=True)
    if token is None:
        raise NotFound("integrationtoken")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        session.add(token)
        session.flush()
        audit_row(
            session,
            actor,
            "integration_token.revoked",
            token,
            after={"label": token.label, "revoked_at": token.revoked_at.isoformat()},
        )
    return token


def list_tokens(session: Session, *, actor: Actor) -> list[TokenRow]:
    """Every token, newest first, with its scope's label (never its secret, which is not stored)."""
    require_admin(session, actor=actor)
    centres = {c.id: c for c in session.exec(select(ApplicationCentre)).all()}
    committees = {c.id: c for c in session.exec(select(Committee)).all()}
    rows = []
    for token in session.exec(select(IntegrationToken).order_by(col(IntegrationToken.id).desc())).all():
        target: Any = centres.get(token.centre_id) if token.centre_id else committees.get(token.committee_id)
        fr, en = (target.label_fr, target.label_en) if target else ("", "")
        rows.append(
            TokenRow(
                id=token.id or 0,
                label=token.label,
                role=token.role,
                scope_fr=fr,
                scope_en=en,
                created_at=token.created_at,
                expires_at=token.expires_at,
                revoked_at=token.revoked_at,
                last_used_at=token.last_used_at,
            )
        )
    return rows


def scope_choices(session: Session, *, actor: Actor) -> tuple[dict[int, str], dict[int, str]]:
    """Active centres and committees (French labels with codes) for the creation form."""
    require_admin(session, actor=actor)
    centres = session.exec(
        select(ApplicationCentre).where(col(ApplicationCentre.is_active)).order_by(col(ApplicationCentre.label_fr))
    ).all()
    committees = session.exec(select(Committee).where(col(Committee.is_active)).order_by(col(Committee.label_fr))).all()
    return (
        {c.id or 0: f"{c.label_fr} ({c.code})" for c in centres},
        {c.id or 0: f"{c.label_fr} ({c.code})" for c in committees},
    )
