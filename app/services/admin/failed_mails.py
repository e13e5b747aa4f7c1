"""« Courriels en échec »: the mails that failed for good or are being retried, and the central office's answer.

The central office and administrators list them with the reason the server gave (``OutboxMail.last_error``), filter
them, and either **retry** one (back to pending, attempts reset, due now) or **cancel** it (``cancelled``: the
worker never delivers it). Both are conditional updates on the state the reader saw, so a second click, or a worker
that took the mail meanwhile, changes nothing twice; both are audited. A sent mail is refused either way.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, update
from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import Account, MailStatus, OutboxMail
from app.services.admin.common import require_admin
from app.services.mail.variables import MailCode
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, NotFound

PAGE_SIZE = 25

# What the status filter offers: the mails needing attention (failed, retrying), each alone, or the cancelled ones.
ATTENTION, FAILED, RETRYING, CANCELLED = "attention", "failed", "retrying", "cancelled"
STATUS_FILTERS = {
    ATTENTION: N_("En échec ou en cours de relance"),
    FAILED: N_("En échec définitif"),
    RETRYING: N_("En cours de relance"),
    CANCELLED: N_("Annulés"),
}
STATE_LABELS = {FAILED: N_("En échec"), RETRYING: N_("Relance prévue"), CANCELLED: N_("Annulé")}


@dataclass(frozen=True)
class MailFilters:
    status: str = ATTENTION
    code: str | None = None
    since: date | None = None  # created on or after (Paris day)
    until: date | None = None  # created on or before (Paris day)
    recipient: str = ""  # part of the address


@dataclass(frozen=True)
class FailedMailRow:
    id: int
    state: str  # FAILED, RETRYING or CANCELLED
    code: str
    subject: str
    to_address: str
    attempts: int
    last_error: str
    permanent: bool
    created_at: datetime
    next_attempt_at: datetime | None  # for a retrying mail
    account_id: int | None
    candidate_label: str  # « NOM Prénom (dossier) » of the linked account, or ""
    application_id: int | None


@dataclass(frozen=True)
class FailedMailPage:
    rows: list[FailedMailRow]
    total: int
    page: int
    pages: int


def _retrying() -> object:
    return and_(OutboxMail.status == MailStatus.PENDING, col(OutboxMail.attempts) > 0)


def _state_clause(status: str) -> object:
    failed, cancelled = OutboxMail.status == MailStatus.FAILED, OutboxMail.status == MailStatus.CANCELLED
    clauses = {ATTENTION: or_(failed, _retrying()), FAILED: failed, RETRYING: _retrying(), CANCELLED: cancelled}
    if status not in clauses:
        raise DomainError("bad_filter", N_("Ce filtre de statut n'existe pas."), field="status")
    return clauses[status]


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=clock.PARIS)


def _filtered(statement: Select, filters: MailFilters) -> Select:
    statement = statement.where(_state_clause(filters.status))
    if filters.code:
        if filters.code not in MailCode.__members__.values():
            raise DomainError("bad_filter", N_("Ce type de courriel n'existe pas."), field="code")
        statement = statement.where(OutboxMail.code == filters.code)
    if filters.since and filters.until and filters.since > filters.until:
        raise DomainError("bad_range", N_("La date de début est postérieure à la date de fin."), field="since")
    if filters.since:
        statement = statement.where(col(OutboxMail.created_at) >= _paris_midnight(filters.since))
    if filters.until:
        statement = statement.where(col(OutboxMail.created_at) < _paris_midnight(filters.until + timedelta(days=1)))
    if filters.recipient.strip():
        pattern = "%" + filters.recipient.strip().lower().replace("%", r"\%").replace("_", r"\_") + "%"
        statement = statement.where(func.lower(OutboxMail.to_address).like(pattern, escape="\\"))
    return statement


def _state(mail: OutboxMail) -> str:
    return {MailStatus.FAILED: FAILED, MailStatus.CANCELLED: CANCELLED}.get(mail.status, RETRYING)


def _row(mail: OutboxMail, account: Account | None) -> FailedMailRow:
    state = _state(mail)
    label = f"{account.last_name} {account.first_name} ({account.dossier_number})" if account else ""
    return FailedMailRow(
        id=mail.id or 0,
        state=state,
        code=mail.code,
        subject=mail.subject,
        to_address=mail.to_address,
        attempts=mail.attempts,
        last_error=mail.last_error,
        permanent=mail.permanent_failure,
        created_at=mail.created_at,
        next_attempt_at=mail.next_attempt_at if state == RETRYING else None,
        account_id=mail.account_id,
        candidate_label=label,
        application_id=mail.application_id,
    )


def list_failed_mails(
    session: Session, *, actor: Actor, filters: MailFilters = MailFilters(), page: int = 1, page_size: int = PAGE_SIZE
) -> FailedMailPage:
    """One page of the mails matching ``filters``, newest first."""
    require_admin(session, actor=actor)
    total = session.exec(_filtered(select(func.count()).select_from(OutboxMail), filters)).one()
    pages = max((total + page_size - 1) // page_size, 1)
    page = min(max(page, 1), pages)
    statement = _filtered(select(OutboxMail, Account).outerjoin(Account, Account.id == OutboxMail.account_id), filters)
    statement = statement.order_by(col(OutboxMail.created_at).desc(), col(OutboxMail.id).desc())
    found = session.exec(statement.offset((page - 1) * page_size).limit(page_size)).all()
    return FailedMailPage(rows=[_row(mail, account) for mail, account in found], total=total, page=page, pages=pages)


def _mail(session: Session, mail_id: int) -> OutboxMail:
    mail = session.get(OutboxMail, mail_id, populate_existing=True)  # the state now, not one read earlier
    if mail is None:
        raise NotFound("mail")
    if mail.status == MailStatus.SENT:
        raise DomainError("mail_sent", N_("Ce courriel a déjà été envoyé : il ne peut être ni relancé ni annulé."))
    now = clock.now()
    if mail.status == MailStatus.PENDING and mail.claimed_until is not None and mail.claimed_until > now:
        raise DomainError("mail_sending", N_("Ce courriel est en cours d'envoi : réessayez dans une minute."))
    return mail


def _unclaimed(now: datetime) -> object:
    return or_(col(OutboxMail.claimed_until).is_(None), col(OutboxMail.claimed_until) < now)


def retry_mail(session: Session, *, actor: Actor, mail_id: int) -> bool:
    """Put a failed, retrying or cancelled mail back in the queue, due now with its attempts reset.

    False when it was already put back (a second click): nothing is changed or audited twice."""
    require_admin(session, actor=actor, write=True)
    mail = _mail(session, mail_id)
    if mail.status == MailStatus.PENDING and mail.attempts == 0:
        return False
    now = clock.now()
    before = {"status": mail.status.value, "attempts": mail.attempts, "last_error": mail.last_error}
    changed = session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.status == mail.status,
            OutboxMail.attempts == mail.attempts,
            _unclaimed(now),
        )
        .values(status=MailStatus.PENDING, attempts=0, next_attempt_at=now, cancelled_at=None)
        .execution_options(synchronize_session=False)
    )
    session.expire(mail)
    if changed.rowcount != 1:
        return False
    audit(session, actor=actor, action="mail.retried", entity_type="outboxmail", entity_id=mail_id, before=before)
    return True


def cancel_mail(session: Session, *, actor: Actor, mail_id: int) -> bool:
    """Give a failed or pending mail up: it is never delivered. False when it was already cancelled."""
    require_admin(session, actor=actor, write=True)
    mail = _mail(session, mail_id)
    if mail.status == MailStatus.CANCELLED:
        return False
    now = clock.now()
    changed = session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status == mail.status, _unclaimed(now))
        .values(status=MailStatus.CANCELLED, cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    session.expire(mail)
    if changed.rowcount != 1:
        return False
    audit(
        session,
        actor=actor,
        action="mail.cancelled",
        entity_type="outboxmail",
        entity_id=mail_id,
        before={"status": mail.status.value, "attempts": mail.attempts, "last_error": mail.last_error},
    )
    return True
