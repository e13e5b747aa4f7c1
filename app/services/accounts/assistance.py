"""« Assistance »: a candidate writes to the right office, with their dossier number, and gets a copy."""

from datetime import timedelta

from sqlmodel import Session, col, func, select

from app import clock
from app.config import get_settings
from app.i18n import N_
from app.models import Account, ApplicationCentre, OutboxMail, Program
from app.services.platform import parameters
from app.services.platform.actors import Actor, require_account
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.text_rules import check_text

SUBJECT_MAX = 150
MESSAGE_MAX = 5000


def assistance_recipient(session: Session, *, program_id: int | None) -> str:
    """The programme's centre contact when a programme is named, else the institution's assistance address."""
    if program_id is not None:
        program = session.get(Program, program_id)
        centre = session.get(ApplicationCentre, program.centre_id) if program and program.is_active else None
        if centre is None:
            raise NotFound("program")
        if centre.contact_email:
            return centre.contact_email
    return get_settings().assistance_email


def send_assistance_request(
    session: Session, *, actor: Actor, subject: str, message: str, program_id: int | None = None
) -> str:
    """Enqueue the request to the right office, the candidate in copy; returns the address it goes to."""
    require_account(actor, actor.account_id or 0, write=True)
    account = session.get(Account, actor.account_id)
    if account is None or account.deleted_at is not None:
        raise NotFound("account")
    subject, message = _checked_request(subject, message)
    _refuse_a_flood(session, account)
    to = assistance_recipient(session, program_id=program_id)
    topic = subject
    if program_id is not None:
        program = session.get(Program, program_id)
        assert program is not None
        topic = f"{subject} – {program.code} {program.label_fr}"

    from app.services.mail.outbox import enqueue_mail  # the outbox module is loaded on demand

    enqueue_mail(
        session,
        code="assistance_request",
        to=to,
        cc=[account.email],
        context={
            "sender_name": f"{account.first_name} {account.last_name}",
            "sender_email": account.email,
            "dossier_number": account.dossier_number,
            "topic": topic,
            "message": message,
        },
        language="fr",  # read by the office; the candidate's copy is the same text
        account_id=account.id,
    )
    audit_row(session, actor, "assistance.requested", account, after={"to": to, "program_id": program_id})
    return to


def _checked_request(subject: str, message: str) -> tuple[str, str]:
    """The subject on one line and the message, both required and within their limits."""
    subject = " ".join(check_text(subject, field="subject").split())
    message = check_text(message, field="message").strip()
    if not subject:
        raise DomainError("subject_required", N_("Indiquez l'objet de votre demande."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise DomainError("subject_too_long", N_("{max} caractères au maximum."), field="subject", max=SUBJECT_MAX)
    if not message:
        raise DomainError("message_required", N_("Écrivez votre message."), field="message")
    if len(message) > MESSAGE_MAX:
        raise DomainError("message_too_long", N_("{max} caractères au maximum."), field="message", max=MESSAGE_MAX)
    return subject, message


def _refuse_a_flood(session: Session, account: Account) -> None:
    # A flood from one account would bury the office's inbox; the outbox is the record of what was sent.
    since = clock.now() - timedelta(hours=1)
    sent = session.exec(
        select(func.count())
        .select_from(OutboxMail)
        .where(
            OutboxMail.code == "assistance_request",
            OutboxMail.account_id == account.id,
            col(OutboxMail.created_at) >= since,
        )
    ).one()
    if sent >= parameters.current("assistance_max_per_hour"):
        raise DomainError(
            "assistance_throttled",
            N_("Vous avez envoyé plusieurs demandes en peu de temps. Réessayez dans une heure."),
        )
