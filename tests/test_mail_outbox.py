"""The outbox: a mail is rendered and written in the caller's transaction, and only there."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, func, select

from app.config import get_settings
from app.db import new_session, transaction
from app.models import MailStatus, MailTemplate, OutboxMail
from app.services.mail.outbox import MailAttachment, enqueue_mail, list_outbox_mails, read_attachment, spool_dir
from app.services.mail.templates import sample_context
from app.services.platform.errors import NotFound
from tests import factories


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(OutboxMail)).one()


def test_enqueue_renders_and_writes_a_pending_mail_due_now(session: Session, clock) -> None:
    now = clock.set(datetime(2025, 3, 12, 9, 0, tzinfo=UTC))
    mail = enqueue_mail(
        session,
        code="account_created",
        to="eloise.dupre@example.org",
        context=sample_context("account_created"),
        cc=["copie@example.org"],
    )
    assert mail.id is not None
    assert mail.status == MailStatus.PENDING
    assert mail.next_attempt_at == now and mail.created_at == now
    assert mail.attempts == 0 and mail.claimed_by is None
    assert mail.language == "fr" and mail.code == "account_created"
    assert mail.subject == "Activez votre compte eCandidat — Université d'Orléans"
    assert "Éloïse Dupré-Lefèvre" in mail.body_text
    assert "C4F7K2Q9" in mail.body_html
    assert "14 mars 2025 à 14:30" in mail.body_text  # expires_at, in Paris time
    assert get_settings().assistance_email in mail.body_text
    assert mail.cc_addresses == ["copie@example.org"]
    session.commit()
    with new_session() as other:
        assert _count(other) == 1


def test_nothing_enqueued_survives_a_rollback(database_url: str) -> None:
    with pytest.raises(RuntimeError), transaction() as session:
        enqueue_mail(
            session, code="dossier_number_reminder", to="a@example.org", context=sample_context("account_deleted")
        )
        assert _count(session) == 1
        raise RuntimeError("the business change failed")
    with transaction() as session:
        assert _count(session) == 0
        enqueue_mail(
            session, code="dossier_number_reminder", to="a@example.org", context=sample_context("account_deleted")
        )
    with transaction() as session:
        assert _count(session) == 1


def test_english_and_the_fallback_to_french(session: Session) -> None:
    english = enqueue_mail(
        session, code="password_reset", to="a@example.org", context=sample_context("password_reset"), language="en"
    )
    assert english.language == "en"
    assert english.subject == "Resetting your eCandidat password"
    unknown = enqueue_mail(
        session, code="password_reset", to="a@example.org", context=sample_context("password_reset"), language="de"
    )
    assert unknown.language == "fr"
    assert unknown.subject == "Réinitialisation de votre mot de passe eCandidat"


def test_a_staff_template_replaces_the_default_in_its_language(session: Session) -> None:
    session.add(
        MailTemplate(
            code="application_created",
            language="fr",
            subject="Candidature n° {{ account.dossier_number }} — {{ program.title }}",
            body_html="<p>Merci {{ account.first_name }} !</p>{% if program.return_by %}<p>Avant le "
            "{{ program.return_by|date }}</p>{% endif %}",
        )
    )
    session.flush()
    context = sample_context("application_created")
    french = enqueue_mail(session, code="application_created", to="a@example.org", context=context)
    assert french.subject.startswith("Candidature n° C4F7K2Q9 — Master")
    assert "Merci Éloïse !" in french.body_text
    assert "Avant le 30 avril 2025" in french.body_text
    assert "Université d'Orléans" in french.body_text  # the layout and its footer still wrap it
    english = enqueue_mail(session, code="application_created", to="a@example.org", context=context, language="en")
    assert english.subject == "Application saved: Master Mention Électronique, énergie électrique, automatique"


def test_a_broken_staff_template_falls_back_to_the_default(session: Session, caplog) -> None:
    session.add(MailTemplate(code="account_deleted", language="fr", subject="X", body_html="{{ ''.__class__ }}"))
    session.flush()
    with caplog.at_level(logging.ERROR):
        mail = enqueue_mail(
            session, code="account_deleted", to="a@example.org", context=sample_context("account_deleted")
        )
    assert mail.subject == "Suppression de votre compte eCandidat"
    assert any("account_deleted" in record.getMessage() for record in caplog.records)


def test_enqueue_refuses_model_objects_bad_addresses_and_unknown_codes(session: Session) -> None:
    account = factories.account(session)
    with pytest.raises(TypeError, match="plain data"):  # a model object would expose its password hash
        enqueue_mail(session, code="account_deleted", to="a@example.org", context={"account": account})
    with pytest.raises(TypeError, match="plain data"):
        enqueue_mail(session, code="account_deleted", to="a@example.org", context={"account": object()})
    with pytest.raises(ValueError, match="not a mail address"):
        enqueue_mail(session, code="account_deleted", to="a@example.org\r\nBcc: x@y", context={})
    with pytest.raises(ValueError):
        enqueue_mail(session, code="no_such_mail", to="a@example.org", context={})
    assert _count(session) == 0


def test_attachments_are_referenced_not_stored_in_the_database(session: Session) -> None:
    content = b"%PDF-1.7\n" + bytes(range(256)) * 40
    mail = enqueue_mail(
        session,
        code="decision_favorable",
        to="a@example.org",
        context=sample_context("decision_favorable"),
        attachments=[MailAttachment(filename="../Lettre d'admission – Éloïse.pdf", data=content)],
    )
    [ref] = mail.attachments
    assert set(ref) == {"filename", "media_type", "spool_key"}
    assert ref["filename"] == "_Lettre d'admission – Éloïse.pdf"
    assert ref["media_type"] == "application/pdf"
    spooled = [p for p in spool_dir().iterdir() if not p.name.startswith(".")]
    assert [p.name for p in spooled] == [ref["spool_key"]]
    assert spooled[0].read_bytes() == content
    assert read_attachment(session, mail_id=mail.id or 0, index=0) == (ref["filename"], "application/pdf", content)
    with pytest.raises(NotFound):
        read_attachment(session, mail_id=mail.id or 0, index=1)
    with pytest.raises(ValueError):
        MailAttachment(filename="x.pdf")
    with pytest.raises(ValueError):
        MailAttachment(filename="x.pdf", file_id=1, data=b"x")


def test_the_outbox_lists_newest_first(session: Session, clock) -> None:
    start = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
    for minutes, to in [(0, "first@example.org"), (5, "second@example.org"), (2, "middle@example.org")]:
        clock.set(start + timedelta(minutes=minutes))
        enqueue_mail(session, code="account_deleted", to=to, context=sample_context("account_deleted"))
    assert [m.to_address for m in list_outbox_mails(session)] == [
        "second@example.org",
        "middle@example.org",
        "first@example.org",
    ]
    assert len(list_outbox_mails(session, limit=1)) == 1


def test_a_transaction_reads_a_staff_template_once_and_the_next_one_sees_its_change(session: Session) -> None:
    from sqlalchemy import event

    code = "account_created"
    session.add(MailTemplate(code=code, language="fr", subject="Première version", body_html="<p>Un</p>"))
    session.commit()
    reads: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if "FROM mailtemplate" in statement:
            reads.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        context = sample_context(code)
        first = [enqueue_mail(session, code=code, to=f"c{i}@example.org", context=context) for i in range(3)]
        assert len(reads) == 1 and all(mail.subject == "Première version" for mail in first)
        session.commit()
        template = session.exec(select(MailTemplate).where(MailTemplate.code == code)).one()
        template.subject = "Seconde version"
        session.add(template)
        session.commit()
        later = enqueue_mail(session, code=code, to="d@example.org", context=sample_context(code))
        assert later.subject == "Seconde version"
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_mails_enqueued_together_are_written_by_one_flush_at_the_end(session: Session) -> None:
    from app.services.mail.outbox import mails_flushed_together

    context = sample_context("account_created")
    with mails_flushed_together(session):
        mails = [
            enqueue_mail(session, code="account_created", to=f"m{i}@example.org", context=context) for i in range(3)
        ]
        assert all(mail.id is None for mail in mails) and _count(session) == 0  # no query flushes them early
    assert all(mail.id is not None for mail in mails) and _count(session) == 3
    alone = enqueue_mail(session, code="account_created", to="seul@example.org", context=context)
    assert alone.id is not None  # outside, each mail is flushed at once, as before
