"""Delivery of the outbox: claim due mails, send them, record the outcome; retry with backoff, then give up.

Claiming: one statement marks a batch of due mails (pending, ``next_attempt_at`` passed, no live claim) with
a claim token and ``claimed_until = now + mail_claim_seconds``, then the worker re-reads the rows carrying
its token. On PostgreSQL the batch is chosen with ``FOR UPDATE SKIP LOCKED`` so concurrent workers take
different mails; on SQLite the writer lock serialises the statement and its WHERE re-checks the claim. Two
workers never hold one mail; a worker that dies leaves a claim that expires, and the mail is claimed again.
Before each send the claim is renewed (and the mail skipped if it was lost); the outcome is written only
under the worker's own claim.

Transports: SMTP with the ``emails`` package when ``SMTP_HOST`` is set; otherwise, in demo mode, the
development mailbox: the "delivery" only marks the mail sent, since ``/dev/mailbox`` reads it from the
database. With neither, no worker runs and mails wait in the outbox.

Run alone: ``python -m app.services.mail.delivery`` (``--once`` for a single pass).
"""

import argparse
import asyncio
import contextlib
import logging
import os
import socket
import sys
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Protocol

import emails
from emails.backend.smtp import SMTPBackend
from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from app import clock
from app.config import Settings, get_settings
from app.db import transaction
from app.models import MailStatus, OutboxMail
from app.services.mail import bounces
from app.services.mail.outbox import attachment_bytes
from app.services.platform.background import PeriodicLoop

log = logging.getLogger(__name__)

BATCH_SIZE = 20
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
LAST_ERROR_MAX = 2000  # OutboxMail.last_error


class DeliveryError(Exception):
    """The transport could not hand the mail over; the message is recorded in ``last_error``.

    ``permanent``: the server refused the recipient for good (SMTP 5xx on the recipient, or an enhanced status
    5.1.x such as « 550 5.1.1 user unknown »): retrying cannot help, the mail fails now and the address is flagged.
    A 4xx, a timeout or a lost connection is temporary and retried with backoff."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


Attachment = tuple[str, str, bytes]  # filename, media type, content


class Transport(Protocol):
    name: str

    def send(self, mail: OutboxMail, attachments: Sequence[Attachment]) -> None:
        """Hand ``mail`` over, or raise DeliveryError."""


class SmtpTransport:
    """Sends through the configured SMTP server with the ``emails`` package (one connection per mail)."""

    name = "smtp"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def build_message(self, mail: OutboxMail, attachments: Sequence[Attachment]) -> emails.Message:
        sender_name, sender = parseaddr(self.settings.mail_from)
        domain = sender.rpartition("@")[2] or "ecandidat.invalid"
        message = emails.Message(
            subject=mail.subject,
            html=mail.body_html,
            text=mail.body_text,
            mail_from=(sender_name or None, sender),
            mail_to=[mail.to_address],
            cc=list(mail.cc_addresses) or None,
            # Stable per outbox row: a mail delivered twice after a crash is recognisably one message.
            message_id=f"<outbox-{mail.id}.{mail.created_at:%Y%m%d%H%M%S}@{domain}>",
            headers={"Auto-Submitted": "auto-generated"},
        )
        for filename, media_type, content in attachments:
            message.attach(data=content, filename=filename, mime_type=media_type, content_disposition="attachment")
        return message

    def send(self, mail: OutboxMail, attachments: Sequence[Attachment]) -> None:
        settings = self.settings
        message = self.build_message(mail, attachments)
        sender = parseaddr(settings.mail_from)[1]
        try:
            with SMTPBackend(
                host=settings.smtp_host,
                port=settings.smtp_port,
                ssl=settings.smtp_ssl,
                tls=settings.smtp_starttls,
                user=settings.smtp_user or None,
                password=settings.smtp_password or None,
                timeout=settings.smtp_timeout,
                fail_silently=True,
            ) as backend:
                # The backend reports failures in the response instead of raising (fail_silently).
                response = backend.sendmail(
                    from_addr=sender, to_addrs=[mail.to_address, *mail.cc_addresses], msg=message
                )
        except Exception as exc:  # a disconnection or timeout in the middle of a command still raises
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        refused = getattr(response, "refused_recipients", None) or {}
        if mail.to_address in refused and _is_permanent("rcpt", *refused[mail.to_address]):
            code, text = refused[mail.to_address]
            raise DeliveryError(f"rcpt {code} {_text(text)}", permanent=True)
        if response is None or not response.success:
            last = (getattr(response, "last_command", None), getattr(response, "status_code", None))
            text = getattr(response, "status_text", None) or b""
            raise DeliveryError(_describe(response), permanent=_is_permanent(*last, text))


def _text(text: object) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text or "")


def _is_permanent(command: str | None, code: int | None, text: object) -> bool:
    """A refusal that retrying cannot cure: 5xx on the recipient, or a 5.1.x status (bad mailbox) after the data."""
    if code is None or not 500 <= code < 600:
        return False
    return command == "rcpt" or _text(text).lstrip().startswith("5.1.")


def _describe(response: object) -> str:
    if response is None:
        return "no response from the SMTP backend"
    error = getattr(response, "error", None)
    status = getattr(response, "status_code", None)
    detail = _text(getattr(response, "status_text", None))
    command = getattr(response, "last_command", None)
    parts = [f"{command or 'smtp'} {status or ''} {detail}".strip()]
    if error is not None:
        parts.append(f"{type(error).__name__}: {error}")
    return " — ".join(parts)


class MailboxTransport:
    """Demo without SMTP: the development mailbox reads mails from the outbox, so delivering is recording."""

    name = "dev-mailbox"

    def send(self, mail: OutboxMail, attachments: Sequence[Attachment]) -> None:
        log.debug("mail %s to %s kept for the development mailbox", mail.id, mail.to_address)


def transport_for(settings: Settings) -> Transport | None:
    if settings.smtp_host:
        return SmtpTransport(settings)
    if settings.dev_mailbox_enabled:
        return MailboxTransport()
    return None


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: 1 min, 2, 4… capped at 6 h."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _claim_token() -> str:
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{uuid.uuid4().hex[:16]}"


def _due(now: datetime) -> list:
    return [
        OutboxMail.status == MailStatus.PENDING,
        col(OutboxMail.next_attempt_at) <= now,
        or_(col(OutboxMail.claimed_until).is_(None), col(OutboxMail.claimed_until) < now),
    ]


def claim_due_mails(*, token: str | None = None, limit: int = BATCH_SIZE) -> tuple[str, list[OutboxMail]]:
    """Claim up to ``limit`` due mails for ``token`` (generated if None); return the token and the mails."""
    token = token or _claim_token()
    settings = get_settings()
    with transaction() as session:
        now = clock.now()
        chosen = select(OutboxMail.id).where(*_due(now)).order_by(col(OutboxMail.next_attempt_at), col(OutboxMail.id))
        chosen = chosen.limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            chosen = chosen.with_for_update(skip_locked=True)
        # The WHERE repeats the due conditions: on SQLite this is what refuses a mail another worker just took.
        session.execute(
            update(OutboxMail)
            .where(col(OutboxMail.id).in_(chosen.scalar_subquery()), *_due(now))
            .values(claimed_by=token, claimed_until=now + timedelta(seconds=settings.mail_claim_seconds))
            .execution_options(synchronize_session=False)
        )
        mails = session.exec(
            select(OutboxMail).where(OutboxMail.claimed_by == token).order_by(col(OutboxMail.id))
        ).all()
    return token, list(mails)


def _renew_claim(session: Session, mail_id: int, token: str) -> bool:
    until = clock.now() + timedelta(seconds=get_settings().mail_claim_seconds)
    result = session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.claimed_by == token,
            OutboxMail.status == MailStatus.PENDING,
        )
        .values(claimed_until=until)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _record(mail_id: int, token: str, error: str | None, permanent: bool = False) -> None:
    settings = get_settings()
    now = clock.now()
    with transaction() as session:
        mail = session.get(OutboxMail, mail_id)
        if mail is None or mail.claimed_by != token or mail.status != MailStatus.PENDING:
            log.warning("mail %s: claim lost before its outcome was recorded", mail_id)
            return
        attempts = mail.attempts + 1
        values: dict[str, object] = {
            "attempts": attempts,
            "claimed_by": None,
            "claimed_until": None,
            "permanent_failure": permanent,
        }
        if error is None:
            values |= {"status": MailStatus.SENT, "sent_at": now, "last_error": ""}
        elif permanent or attempts >= settings.mail_max_attempts:
            values |= {"status": MailStatus.FAILED, "last_error": error[:LAST_ERROR_MAX]}
            log.warning("mail %s to %s failed after %s attempts: %s", mail_id, mail.to_address, attempts, error)
        else:
            values |= {"next_attempt_at": now + backoff(attempts), "last_error": error[:LAST_ERROR_MAX]}
            log.info("mail %s to %s: attempt %s failed, retry later: %s", mail_id, mail.to_address, attempts, error)
        session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.claimed_by == token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def deliver_due_mails(*, transport: Transport | None = None, limit: int = BATCH_SIZE) -> int:
    """One pass: claim due mails, send them, record each outcome. Returns how many were sent.

    Blocking (database and SMTP): the server runs it in a thread. ``transport`` defaults to the settings' one.
    """
    transport = transport or transport_for(get_settings())
    if transport is None:
        return 0
    token, mails = claim_due_mails(limit=limit)
    sent = 0
    for mail in mails:
        assert mail.id is not None
        error: str | None = None
        permanent = False
        try:
            with transaction() as session:
                if not _renew_claim(session, mail.id, token):
                    continue  # another worker took it after our claim expired
                attachments = [
                    (
                        ref["filename"],
                        ref.get("media_type") or "application/octet-stream",
                        attachment_bytes(session, ref),
                    )
                    for ref in mail.attachments
                ]
            transport.send(mail, attachments)
        except DeliveryError as exc:
            error, permanent = str(exc) or type(exc).__name__, exc.permanent
        except Exception as exc:  # a missing attachment, a bad address…: recorded, retried, then failed
            log.exception("mail %s could not be prepared", mail.id)
            error = f"{type(exc).__name__}: {exc}"
        _record(mail.id, token, error, permanent)
        if error is None or permanent:
            bounces.note_outcome(mail.to_address, error, clock.now())
        sent += error is None
    return sent


class MailWorker(PeriodicLoop):
    """The delivery loop of the server process: one pass every ``interval`` seconds, in a thread.

    Stopping abandons a pass stuck on SMTP: its claims expire and another pass delivers those mails.
    """

    name = "mail delivery worker"

    def __init__(self, transport: Transport, interval: float) -> None:
        super().__init__(interval)
        self.transport = transport

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "MailWorker | None":
        """The worker the settings ask for, or None (disabled, or nowhere to deliver to)."""
        settings = settings or get_settings()
        if not settings.mail_worker_enabled:
            return None
        transport = transport_for(settings)
        if transport is None:
            log.warning("no SMTP host configured (ECANDIDAT_SMTP_HOST): mails wait in the outbox")
            return None
        return cls(transport, settings.mail_worker_interval_seconds)

    def describe(self) -> str:
        return self.transport.name

    def run_pass(self) -> object:
        return deliver_due_mails(transport=self.transport)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.services.mail.delivery", description=__doc__.split("\n")[0])
    parser.add_argument("--once", action="store_true", help="deliver the due mails once, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    transport = transport_for(settings)
    if transport is None:
        print("No SMTP host configured (ECANDIDAT_SMTP_HOST) and no development mailbox: nothing to do.")
        return 2
    if args.once:
        print(f"mails sent: {deliver_due_mails(transport=transport)}")
        return 0
    worker = MailWorker(transport, settings.mail_worker_interval_seconds)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(worker.run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
