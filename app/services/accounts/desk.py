"""The account desk (« Gestionnaire de candidats »): find a candidate's account and help with it.

Institution-wide over accounts, with no right on applications, pieces or decisions: the desk searches accounts
(name, e-mail, dossier number, INE; folded like the staff list), reads one account with its applications across
centres (read only), resends an activation link, sends a confirmation link to a corrected e-mail address (the change
applies when the new address confirms it, through the candidate's own flow), and lifts a sign-in block. The merge of
duplicate accounts is in ``desk_merge``. Every act is audited.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app import clock
from app.i18n import N_
from app.models import (
    Account,
    Application,
    ApplicationCentre,
    Candidate,
    OutboxMail,
    Program,
    SignInThrottle,
    StaffRole,
)
from app.services.accounts.candidates import get_account, send_activation
from app.services.accounts.credentials import send_email_change_link
from app.services.accounts.rules import check_new_email
from app.services.accounts.staff_roles import require_role
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.text_fold import fold_name, folded

DESK_ROLES = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE, StaffRole.ACCOUNT_DESK)
PAGE_SIZE = 20
EMAIL_TAKEN = N_("Cette adresse e-mail est déjà celle d'un autre compte.")
UNKNOWN_DOSSIER = N_("Aucun compte ne porte ce numéro de dossier.")
RESENDS_PER_HOUR = 3  # activation mails the desk may send one account in an hour (a mailbox is not flooded)


def require_desk(session: Session, actor: Actor, *, write: bool = False) -> None:
    """The desk, the central office and administrators; centre managers and committee members are refused."""
    require_role(session, actor=actor, roles=DESK_ROLES, write=write)


# --- Search -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    account_id: int
    dossier_number: str
    email: str
    name: str
    birth_date: date | None
    ine: str | None
    activated: bool
    disabled: bool


@dataclass(frozen=True)
class AccountPage:
    rows: list[AccountRow]
    total: int
    page: int
    page_size: int


def _word_matches(word: str) -> sa.ColumnElement[bool]:
    """An account whose dossier number, e-mail or names, or whose dossier's names or INE, hold ``word`` (folded)."""
    by_candidate = select(Candidate.account_id).where(col(Candidate.search_text).contains(word, autoescape=True))
    return sa.or_(
        col(Account.search_text).contains(word, autoescape=True),
        folded(col(Account.last_name)).contains(word, autoescape=True),
        folded(col(Account.first_name)).contains(word, autoescape=True),
        col(Account.id).in_(by_candidate),
    )


def search_accounts(session: Session, *, actor: Actor, text: str, page: int = 1) -> AccountPage:
    """Accounts holding every typed word in one of their fields, by name, ``PAGE_SIZE`` a page."""
    require_desk(session, actor)
    words = [w for w in (fold_name(part) for part in text.split()[:8]) if w.strip()]
    if not words:
        raise DomainError("search_empty", N_("Saisissez un nom, une adresse e-mail, un n° de dossier ou un INE."))
    where = [_word_matches(word.strip()) for word in words]
    total = session.exec(select(func.count()).select_from(Account).where(*where)).one()
    page = max(1, page)
    query = (
        select(Account, Candidate)
        .join(Candidate, col(Candidate.account_id) == col(Account.id), isouter=True)
        .where(*where)
        .order_by(col(Account.last_name), col(Account.first_name), col(Account.id))
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    rows = [account_row(account, candidate) for account, candidate in session.exec(query).all()]
    return AccountPage(rows=rows, total=total, page=page, page_size=PAGE_SIZE)


def account_row(account: Account, candidate: Candidate | None) -> AccountRow:
    name = f"{account.last_name} {account.first_name}"
    if candidate is not None:
        name = f"{candidate.usage_name or candidate.birth_name} {candidate.first_names}"
    return AccountRow(
        account_id=account.id or 0,
        dossier_number=account.dossier_number,
        email=account.email,
        name=name,
        birth_date=candidate.birth_date if candidate else None,
        ine=candidate.ine if candidate else None,
        activated=account.is_activated,
        disabled=account.deleted_at is not None,
    )


def account_id_by_dossier(session: Session, *, actor: Actor, dossier_number: str) -> int:
    """The account a typed dossier number names (the duplicate to merge is named by its number)."""
    require_desk(session, actor)
    number = dossier_number.strip().upper()
    found = session.exec(select(Account.id).where(Account.dossier_number == number)).first() if number else None
    if found is None:
        raise DomainError("unknown_dossier", UNKNOWN_DOSSIER, field="dossier_number")
    return found


# --- One account ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationLine:
    """One application as the desk sees it: where, in which campaign, its status (no piece, no decision detail)."""

    application_id: int
    program_code: str
    program_label_fr: str
    program_label_en: str
    centre_label_fr: str
    centre_label_en: str
    campaign_id: int
    dossier_status: str
    transmitted_at: datetime | None
    cancelled: bool


@dataclass(frozen=True)
class AccountView:
    row: AccountRow
    language: str
    created_at: datetime
    activated_at: datetime | None
    last_sign_in_at: datetime | None
    throttled_until: datetime | None  # None: not blocked now
    failed_sign_ins: int
    applications: list[ApplicationLine]


def open_account(session: Session, *, actor: Actor, account_id: int) -> AccountView:
    """One account: identity, activation, sign-in block, and its applications in every centre (read only)."""
    require_desk(session, actor)
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound("account")
    candidate = session.exec(select(Candidate).where(Candidate.account_id == account.id)).first()
    blocked = account.throttled_until if account.throttled_until and account.throttled_until > clock.now() else None
    audit_row(session, actor, "desk.account_viewed", account)
    return AccountView(
        row=account_row(account, candidate),
        language=account.language,
        created_at=account.created_at,
        activated_at=account.activated_at,
        last_sign_in_at=account.last_sign_in_at,
        throttled_until=blocked,
        failed_sign_ins=account.failed_sign_ins,
        applications=_applications(session, candidate.id) if candidate and candidate.id else [],
    )


def _applications(session: Session, candidate_id: int) -> list[ApplicationLine]:
    rows = session.exec(
        select(Application, Program, ApplicationCentre)
        .join(Program, col(Program.id) == col(Application.program_id))
        .join(ApplicationCentre, col(ApplicationCentre.id) == col(Application.centre_id))
        .where(Application.candidate_id == candidate_id)
        .order_by(col(Application.campaign_id).desc(), col(Application.id))
    ).all()
    return [
        ApplicationLine(
            application_id=a.id or 0,
            program_code=p.code,
            program_label_fr=p.label_fr,
            program_label_en=p.label_en,
            centre_label_fr=c.label_fr,
            centre_label_en=c.label_en,
            campaign_id=a.campaign_id,
            dossier_status=a.dossier_status.value,
            transmitted_at=a.transmitted_at,
            cancelled=a.cancelled_at is not None,
        )
        for a, p, c in rows
    ]


# --- Actions ----------------------------------------------------------------------------------------------------------


def _live_account(session: Session, actor: Actor, account_id: int) -> Account:
    require_desk(session, actor, write=True)
    return get_account(session, account_id)  # a disabled (merged) account is not acted on


def resend_activation_for(session: Session, *, actor: Actor, account_id: int) -> None:
    """Mail a new activation link to an account not yet activated; at most ``RESENDS_PER_HOUR`` an hour."""
    account = _live_account(session, actor, account_id)
    if account.is_activated:
        raise DomainError("already_activated", N_("Ce compte est déjà activé : aucun mail d'activation à renvoyer."))
    since = clock.now() - timedelta(hours=1)
    sent = session.exec(
        select(func.count())
        .select_from(OutboxMail)
        .where(
            col(OutboxMail.code).in_(("activation_resent", "account_created")),
            OutboxMail.account_id == account.id,
            col(OutboxMail.created_at) >= since,
        )
    ).one()
    if sent >= RESENDS_PER_HOUR:
        raise DomainError(
            "resend_throttled",
            N_("Plusieurs mails d'activation ont été envoyés à ce compte dans l'heure : réessayez plus tard."),
        )
    send_activation(session, account, code="activation_resent")
    audit_row(session, actor, "desk.activation_resent", account)


def request_email_fix(
    session: Session, *, actor: Actor, account_id: int, new_email: str, new_email_confirm: str
) -> str:
    """Send the confirmation link to the corrected address; the account changes only once it is followed."""
    account = _live_account(session, actor, account_id)
    address = check_new_email(
        account.email, new_email, new_email_confirm, unchanged=N_("C'est déjà l'adresse de ce compte.")
    )
    # The desk may be told that an address is taken (the candidate flow never says it before the click).
    if session.exec(select(Account.id).where(Account.email == address)).first() is not None:
        raise DomainError("email_taken", EMAIL_TAKEN, field="new_email")
    send_email_change_link(session, account, address)
    audit_row(
        session,
        actor,
        "desk.email_fix_requested",
        account,
        before={"email": account.email},
        after={"new_email": address},
    )
    return address


def unlock_account(session: Session, *, actor: Actor, account_id: int) -> None:
    """Lift the sign-in block of an account: its failure count and the counters kept for its logins."""
    account = _live_account(session, actor, account_id)
    before = {"failed_sign_ins": account.failed_sign_ins, "blocked": account.throttled_until is not None}
    account.failed_sign_ins = 0
    account.throttled_until = None
    session.add(account)
    keys = [f"login:{login.lower()}" for login in (account.email, account.dossier_number)]
    session.execute(sa.delete(SignInThrottle).where(col(SignInThrottle.key).in_(keys)))
    audit_row(session, actor, "desk.account_unlocked", account, before=before)
