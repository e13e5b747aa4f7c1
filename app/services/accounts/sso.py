"""University single sign-on: turn the identity an SSO vouches for into a candidate account or a staff member.

The protocol adapters (OpenID Connect through authlib, CAS 3 through python-cas) live with the routes in
app/pages/sso.py; this module turns what they vouch for into an ``SsoIdentity`` and decides who that person
is here.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from app import clock
from app.config import get_settings
from app.i18n import N_
from app.models import Account, StaffMember
from app.services.accounts.auth import (
    Principal,
    SignInOutcome,
    first_role_assignment_id,
    sign_in_closed_error,
    staff_signed_in,
)
from app.services.accounts.candidates import issue_dossier_number
from app.services.accounts.rules import normalise_email
from app.services.platform import read_only
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError


@dataclass(frozen=True)
class SsoIdentity:
    provider: str  # "oidc" or "cas"
    subject: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    login: str = ""
    student_number: str | None = None


def identity_from_oidc_claims(claims: dict[str, Any]) -> SsoIdentity:
    settings = get_settings()
    number = claims.get(settings.oidc_student_number_claim)
    return SsoIdentity(
        provider="oidc",
        subject=str(claims["sub"]),
        email=str(claims.get("email") or ""),
        first_name=str(claims.get("given_name") or ""),
        last_name=str(claims.get("family_name") or ""),
        login=str(claims.get("preferred_username") or ""),
        student_number=str(number) if number else None,
    )


def identity_from_cas(user: str, attributes: dict[str, Any] | None) -> SsoIdentity:
    """The identity of a validated CAS 3 ticket: the CAS user is the subject and the login."""
    settings = get_settings()
    attributes = attributes or {}

    def attribute(name: str) -> str:
        value = attributes.get(name)
        if isinstance(value, list):  # a multi-valued attribute: the first value
            value = value[0] if value else None
        return str(value or "").strip()

    return SsoIdentity(
        provider="cas",
        subject=user,
        email=attribute(settings.cas_email_attribute),
        first_name=attribute(settings.cas_first_name_attribute),
        last_name=attribute(settings.cas_last_name_attribute),
        login=user,
        student_number=attribute(settings.cas_student_number_attribute) or None,
    )


def _refused() -> SignInOutcome:
    return SignInOutcome(
        error=DomainError(
            "sso_unknown_staff",
            N_("Votre identité universitaire n'est associée à aucun compte de gestion. Contactez l'administrateur."),
        )
    )


def sign_in_candidate(session: Session, *, actor: Actor, identity: SsoIdentity) -> SignInOutcome:
    """Find or create the candidate account of an SSO subject, prefilled from its claims and already active."""
    read_only.allow(session, "sign_in")  # candidates sign in to a read-only portal too
    if closed := sign_in_closed_error(session, clock.now()):
        return SignInOutcome(error=closed)
    account = session.exec(
        select(Account).where(Account.sso_provider == identity.provider, Account.sso_subject == identity.subject)
    ).first()
    email = normalise_email(identity.email)
    if account is None and email:
        # The university vouches for the address: an existing local account with it is linked, not duplicated.
        account = session.exec(
            select(Account).where(Account.email == email, Account.sso_subject.is_(None))  # type: ignore[union-attr]
        ).first()
    created = account is None
    if account is None:
        if not email:
            return SignInOutcome(
                error=DomainError(
                    "sso_no_email", N_("L'ENT n'a pas transmis votre adresse e-mail : contactez l'assistance.")
                )
            )
        account = Account(
            dossier_number=issue_dossier_number(session),
            email=email,
            last_name=identity.last_name or "?",
            first_name=identity.first_name or "?",
        )
    if account.deleted_at is not None:
        return _refused()
    account.sso_provider, account.sso_subject = identity.provider, identity.subject
    account.student_number = identity.student_number or account.student_number
    account.activated_at = account.activated_at or clock.now()
    account.last_sign_in_at = clock.now()
    session.add(account)
    session.flush()
    audit_row(
        session,
        Actor("candidate", account_id=account.id, client_address=actor.client_address),
        "account.sso_created" if created else "account.sso_signed_in",
        account,
        after={"provider": identity.provider, "student_number": account.student_number} if created else None,
    )
    return SignInOutcome(Principal("candidate", account.id or 0, f"{account.first_name} {account.last_name}"))


def sign_in_staff(session: Session, *, actor: Actor, identity: SsoIdentity) -> SignInOutcome:
    """The staff member of an SSO subject (linked on first sign-in by login); never created from the SSO."""
    read_only.allow(session, "sign_in")
    member = session.exec(
        select(StaffMember).where(
            StaffMember.sso_provider == identity.provider, StaffMember.sso_subject == identity.subject
        )
    ).first()
    if member is None and identity.login:
        member = session.exec(
            select(StaffMember).where(
                func.lower(StaffMember.login) == identity.login.lower(),
                StaffMember.sso_subject.is_(None),  # type: ignore[union-attr]
            )
        ).first()
        if member is not None:
            member.sso_provider, member.sso_subject = identity.provider, identity.subject
    if member is None or not member.is_active:
        return _refused()
    assignment_id = first_role_assignment_id(session, member.id or 0)
    if assignment_id is None:
        return SignInOutcome(
            error=DomainError(
                "no_role", N_("Aucun rôle ne vous est attribué : contactez l'administrateur de l'application.")
            )
        )
    return staff_signed_in(
        session, member, actor=actor, action="staff.sso_signed_in", assignment_id=assignment_id, now=clock.now()
    )
