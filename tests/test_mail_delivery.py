"""Delivery through a real SMTP server (aiosmtpd on loopback): content, encoding, retries, claims, concurrency."""

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from app.config import get_settings, reset_settings
from app.db import transaction
from app.models import MailStatus, OutboxMail
from app.services.mail.delivery import (
    MailboxTransport,
    MailWorker,
    SmtpTransport,
    backoff,
    claim_due_mails,
    deliver_due_mails,
    transport_for,
)
from app.services.mail.outbox import MailAttachment, enqueue_mail
from app.services.mail.templates import sample_context

if TYPE_CHECKING:  # imported by pytest as a plugin; importing it here would skip its assertion rewriting
    from tests.mail_fixtures import RecordingHandler

pytest_plugins = ["tests.mail_fixtures"]

T0 = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)


def _enqueue(code: str = "decision_favorable", to: str = "eloise.dupre@example.org", **kw: object) -> int:
    with transaction() as session:
        mail = enqueue_mail(session, code=code, to=to, context=kw.pop("context", sample_context(code)), **kw)  # type: ignore[arg-type]
        assert mail.id is not None
        return mail.id


def _mail(mail_id: int) -> OutboxMail:
    with transaction() as session:
        mail = session.get(OutboxMail, mail_id)
        assert mail is not None
        return mail


def test_a_french_mail_arrives_with_its_encoding_parts_and_footer(
    smtp_server: "RecordingHandler", monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECANDIDAT_MAIL_FROM", "Université d'Orléans – eCandidat <ne-pas-repondre@univ-orleans.example>")
    reset_settings()
    mail_id = _enqueue(cc=["scolarite@univ-orleans.example"])
    assert deliver_due_mails() == 1
    [received] = smtp_server.received
    assert received.mail_from == "ne-pas-repondre@univ-orleans.example"
    assert received.rcpt_tos == ["eloise.dupre@example.org", "scolarite@univ-orleans.example"]
    raw_headers = received.content.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # accents travel encoded (RFC 2047), not as raw 8-bit headers
    message = received.message
    assert message["Subject"] == "Avis favorable : Master Mention Électronique, énergie électrique, automatique"
    assert message["From"].addresses[0].display_name == "Université d'Orléans – eCandidat"
    assert message["To"] == "eloise.dupre@example.org"
    assert message["Cc"] == "scolarite@univ-orleans.example"
    assert message["Message-ID"].startswith(f"<outbox-{mail_id}.")
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    for part in (text.get_content(), html.get_content()):
        assert "Éloïse Dupré-Lefèvre" in part
        assert "Université d'Orléans" in part or "Université d&#39;Orléans" in part
        assert get_settings().assistance_email in part
    assert "http://127.0.0.1:8080/candidatures/42" in text.get_content()
    assert '<a href="http://127.0.0.1:8080/candidatures/42">' in html.get_content()
    sent = _mail(mail_id)
    assert sent.status == MailStatus.SENT and sent.attempts == 1 and sent.sent_at is not None
    assert sent.claimed_by is None and sent.last_error == ""
    assert deliver_due_mails() == 0  # delivered once


def test_an_attachment_arrives_with_its_filename_and_bytes(smtp_server: "RecordingHandler") -> None:
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"
    _enqueue(attachments=[MailAttachment(filename="Lettre d'admission – Éloïse.pdf", data=pdf)])
    assert deliver_due_mails() == 1
    [attachment] = list(smtp_server.received[0].message.iter_attachments())
    assert attachment.get_filename() == "Lettre d'admission – Éloïse.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf


def test_a_refused_mail_is_retried_after_its_backoff(smtp_server: "RecordingHandler", clock) -> None:
    clock.set(T0)
    mail_id = _enqueue()
    smtp_server.refuse_next(1, "451 4.3.0 Mailbox busy, try again later")
    assert deliver_due_mails() == 0
    mail = _mail(mail_id)
    assert mail.status == MailStatus.PENDING and mail.attempts == 1
    assert "451" in mail.last_error and "Mailbox busy" in mail.last_error
    assert mail.next_attempt_at == T0 + timedelta(minutes=1)
    assert mail.claimed_by is None
    assert deliver_due_mails() == 0  # not due yet
    clock.set(T0 + timedelta(seconds=61))
    assert deliver_due_mails() == 1
    mail = _mail(mail_id)
    assert mail.status == MailStatus.SENT and mail.attempts == 2 and mail.last_error == ""
    assert len(smtp_server.received) == 1


def test_backoff_doubles_up_to_a_cap() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(30) == timedelta(hours=6)


def test_a_mail_fails_with_its_error_after_the_maximum_attempts(
    smtp_server: "RecordingHandler", clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECANDIDAT_MAIL_MAX_ATTEMPTS", "3")
    reset_settings()
    now = clock.set(T0)
    mail_id = _enqueue()
    # A temporary refusal every time (a permanent one, 5.1.1 « no such user », fails at once: test_mail_failures).
    smtp_server.refuse_all_with = "451 4.3.0 Local error in processing"
    for attempt in (1, 2, 3):
        assert deliver_due_mails() == 0
        mail = _mail(mail_id)
        assert mail.attempts == attempt
        now = clock.set(now + timedelta(hours=1))
    assert mail.status == MailStatus.FAILED
    assert "451" in mail.last_error and "Local error" in mail.last_error and not mail.permanent_failure
    assert deliver_due_mails() == 0 and _mail(mail_id).attempts == 3  # given up: never tried again
    assert smtp_server.received == []


def test_an_unreachable_server_is_an_error_recorded_not_raised(database_url: str, monkeypatch, clock) -> None:
    monkeypatch.setenv("ECANDIDAT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ECANDIDAT_SMTP_PORT", "1")  # nothing listens there
    reset_settings()
    clock.set(T0)
    mail_id = _enqueue()
    assert deliver_due_mails() == 0
    mail = _mail(mail_id)
    assert mail.status == MailStatus.PENDING and mail.attempts == 1 and mail.last_error


def test_an_expired_claim_is_taken_again(smtp_server: "RecordingHandler", clock) -> None:
    clock.set(T0)
    mail_id = _enqueue()
    token, claimed = claim_due_mails()  # a worker claims… then dies without sending
    assert [m.id for m in claimed] == [mail_id]
    assert deliver_due_mails() == 0  # the claim still holds
    assert smtp_server.received == []
    clock.set(T0 + timedelta(seconds=get_settings().mail_claim_seconds + 1))
    assert deliver_due_mails() == 1
    assert len(smtp_server.received) == 1
    mail = _mail(mail_id)
    assert mail.status == MailStatus.SENT and mail.claimed_by is None
    _, again = claim_due_mails(token=token)
    assert again == []


def test_two_workers_deliver_each_mail_exactly_once(smtp_server: "RecordingHandler") -> None:
    with transaction() as session:
        ids = [
            enqueue_mail(
                session, code="account_deleted", to=f"c{n}@example.org", context=sample_context("account_deleted")
            ).id
            for n in range(50)
        ]
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    counts: list[int] = []

    def worker() -> None:
        try:
            start.wait()
            total = 0
            for _ in range(200):
                total += deliver_due_mails(limit=5)
                with transaction() as session:
                    if not session.exec(select(OutboxMail.id).where(OutboxMail.status == MailStatus.PENDING)).first():
                        break
            counts.append(total)
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(counts) == 50
    recipients = sorted(r for mail in smtp_server.received for r in mail.rcpt_tos)
    assert recipients == sorted(f"c{n}@example.org" for n in range(50))  # each once, none twice
    with transaction() as session:
        mails = session.exec(select(OutboxMail).where(OutboxMail.id.in_(ids))).all()  # type: ignore[union-attr]
        assert {m.status for m in mails} == {MailStatus.SENT}
        assert {m.attempts for m in mails} == {1}


def test_the_transport_follows_the_settings(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert transport_for(get_settings()) is None  # tests: no demo, no SMTP host
    assert MailWorker.from_settings() is None
    assert deliver_due_mails() == 0
    monkeypatch.setenv("ECANDIDAT_DEMO", "true")
    reset_settings()
    assert isinstance(transport_for(get_settings()), MailboxTransport)
    monkeypatch.setenv("ECANDIDAT_SMTP_HOST", "smtp.example.org")
    reset_settings()
    assert isinstance(transport_for(get_settings()), SmtpTransport)
    monkeypatch.setenv("ECANDIDAT_MAIL_WORKER_ENABLED", "false")
    reset_settings()
    assert MailWorker.from_settings() is None


def test_the_demo_mailbox_marks_mails_delivered_without_smtp(database_url: str, monkeypatch) -> None:
    monkeypatch.setenv("ECANDIDAT_DEMO", "true")
    reset_settings()
    mail_id = _enqueue()
    assert deliver_due_mails() == 1
    assert _mail(mail_id).status == MailStatus.SENT


async def test_the_server_worker_delivers_in_the_background(smtp_server: "RecordingHandler") -> None:
    mail_id = _enqueue()
    worker = MailWorker(SmtpTransport(get_settings()), interval=0.05)
    worker.start()
    try:
        for _ in range(100):
            if smtp_server.received:
                break
            await asyncio.sleep(0.02)
    finally:
        await worker.stop()
    assert len(smtp_server.received) == 1
    assert _mail(mail_id).status == MailStatus.SENT
