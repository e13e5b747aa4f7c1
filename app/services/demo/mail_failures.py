"""The demo's mails that did not arrive: a candidate whose address is refused for good (flagged « Adresse
électronique en échec ») and a mail waiting for another try after a temporary refusal, so that « Courriels en
échec », the staff dossier's badge and the candidate's notice show something in ``python main.py``."""

from datetime import timedelta

from sqlmodel import Session, col, select

from app import clock
from app.models import Account, Application, Candidate, MailStatus, OutboxMail
from app.services.applications import mails
from app.services.demo import data as d

BOUNCING = "c04"  # a demo identity: signing in as her shows the candidate's notice
RETRYING = "c12"


def _mail_first_application(session: Session, key: str) -> tuple[Account, OutboxMail]:
    """Enqueue « candidature créée » for the candidate's first application, as the portal did when she applied."""
    account = session.exec(select(Account).where(Account.dossier_number == d.DOSSIER_NUMBERS[key])).one()
    candidate = session.exec(select(Candidate).where(Candidate.account_id == account.id)).one()
    application = session.exec(
        select(Application).where(Application.candidate_id == candidate.id).order_by(col(Application.id))
    ).first()
    assert application is not None
    parties = mails.mail_parties(session, application, account)
    mails.mail_candidate(session, parties, "application_created", {"link": mails.candidate_link(application)})
    session.flush()
    mail = session.exec(
        select(OutboxMail).where(OutboxMail.application_id == application.id).order_by(col(OutboxMail.id).desc())
    ).first()
    assert mail is not None
    mail.created_at = application.created_at
    return account, mail


def seed_mail_failures(session: Session) -> None:
    now = clock.now()
    account, refused = _mail_first_application(session, BOUNCING)
    reason = f"rcpt 550 5.1.1 <{account.email}>: Recipient address rejected: User unknown in virtual mailbox table"
    refused.status, refused.attempts, refused.permanent_failure, refused.last_error = (
        MailStatus.FAILED, 1, True, reason,
    )  # fmt: skip
    account.email_bounced_at, account.email_bounce_reason = refused.created_at + timedelta(minutes=1), reason
    _, busy = _mail_first_application(session, RETRYING)
    busy.attempts, busy.last_error = 3, "data 451 4.7.1 Greylisting in action, please come back later"
    busy.next_attempt_at = now + timedelta(hours=6)  # the development mailbox delivers it then
    session.add_all([account, refused, busy])
    session.flush()
