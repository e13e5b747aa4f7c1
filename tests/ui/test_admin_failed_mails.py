"""/admin/courriels-en-echec: the central office reads why mails did not arrive (accessible table), filters them,
retries or cancels one (said on a status line), in French and English; other roles are refused."""

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import AuditEvent, MailStatus, OutboxMail, StaffRole
from app.services.mail.outbox import enqueue_mail
from app.services.mail.templates import sample_context
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in

PATH = "/admin/courriels-en-echec"


def failed_mails() -> dict[str, int]:
    """One mail refused for good to Zoé (her application linked), one retried after a busy mailbox."""
    with new_session() as session:
        zoe = factories.candidate(session)
        application = factories.application(session, candidate_id=zoe.id, program=factories.program(session))
        code = "decision_favorable"
        refused = enqueue_mail(
            session, code=code, to="zoe@nowhere.example", context=sample_context(code),
            account_id=zoe.account_id, application_id=application.id,
        )  # fmt: skip
        refused.status, refused.attempts, refused.permanent_failure = MailStatus.FAILED, 1, True
        refused.last_error = "rcpt 550 5.1.1 <zoe@nowhere.example>: user unknown"
        busy = enqueue_mail(
            session, code="password_reset", to="max@busy.example", context=sample_context("password_reset")
        )
        busy.attempts, busy.last_error = 2, "data 451 4.2.1 Mailbox busy"
        session.commit()
        return {"refused": refused.id or 0, "busy": busy.id or 0, "application": application.id or 0}


def status_of(mail_id: int) -> MailStatus:
    with new_session() as session:
        mail = session.get(OutboxMail, mail_id)
        assert mail is not None
        return mail.status


async def test_the_central_office_reads_the_reasons_then_retries_and_cancels(user: User) -> None:
    ids = failed_mails()
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "scol")
    await user.open(PATH)
    await user.should_see("2 courriels — page 1 sur 1.")
    await user.should_see("rcpt 550 5.1.1 <zoe@nowhere.example>: user unknown")
    [reason] = user.find(marker=f"reason-{ids['refused']}").elements
    assert reason.text.startswith("Refus définitif du serveur\u00a0: rcpt 550")  # French typography: thin space
    await user.should_see("data 451 4.2.1 Mailbox busy")
    await user.should_see("Courriels 1 à 2 sur 2, du plus récent au plus ancien")  # the table's caption
    [header] = [th for th in user.find("Raison").elements if th.tag == "th"]
    assert header.props["scope"] == "col"
    [retry] = user.find(marker=f"retry-{ids['refused']}").elements
    assert retry.props["aria-label"].startswith("Relancer le courriel « Avis favorable")
    assert "zoe@nowhere.example" in retry.props["aria-label"]
    assert user.find(marker="failed-mails-status").elements.pop().props["role"] == "status"
    await click(user, f"retry-{ids['refused']}")
    await user.should_see("Le courriel à zoe@nowhere.example est remis en file d'envoi. 1 courriel — page 1 sur 1.")
    assert status_of(ids["refused"]) == MailStatus.PENDING
    await click(user, f"cancel-{ids['busy']}")
    await user.should_see("Le courriel à max@busy.example est annulé\u00a0: il ne sera pas envoyé.")
    await user.should_see(marker="no-failed-mail")
    assert status_of(ids["busy"]) == MailStatus.CANCELLED
    with new_session() as session:
        actions = sorted(
            e.action for e in session.exec(select(AuditEvent).where(AuditEvent.entity_type == "outboxmail"))
        )
    assert actions == ["mail.cancelled", "mail.retried"]


async def test_filters_narrow_the_list_and_a_bad_day_is_said(user: User) -> None:
    failed_mails()
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "scol")
    await user.open(PATH)
    await user.should_see("2 courriels — page 1 sur 1.")
    user.find(marker="filter-recipient").type("BUSY")
    await click(user, "filter")
    await user.should_see("1 courriel — page 1 sur 1.")
    await user.should_not_see("zoe@nowhere.example")
    user.find(marker="filter-since").type("31/02/2025")
    await click(user, "filter")
    [problem] = user.find(marker="failed-mails-error").elements
    assert problem.props["role"] == "alert"
    await user.should_see("31/02/2025")
    assert user.find(marker="filter-recipient").elements.pop().value == "BUSY"  # nothing typed is lost


async def test_the_page_speaks_english(user: User) -> None:
    failed_mails()
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "scol")
    await user.open(f"/langue/en?suite={PATH}")
    await user.should_see("Failed mails")
    await user.should_see("2 mails — page 1 of 1.")
    await user.should_see("Permanent refusal by the server: rcpt 550 5.1.1 <zoe@nowhere.example>: user unknown")


async def test_other_staff_are_refused(user: User) -> None:
    ids = failed_mails()
    make_staff("gest", StaffRole.CENTRE_MANAGER)
    await sign_in(user, "gest")
    await user.open(PATH)
    await user.should_see(marker="refusal")
    await user.should_not_see("zoe@nowhere.example")
    assert status_of(ids["refused"]) == MailStatus.FAILED


async def test_a_read_only_central_office_reads_without_buttons(user: User) -> None:
    ids = failed_mails()
    make_staff("audit", StaffRole.CENTRAL_OFFICE, read_only=True)
    await sign_in(user, "audit")
    await user.open(PATH)
    await user.should_see("2 courriels — page 1 sur 1.")
    await user.should_see(marker="read-only")
    await user.should_not_see(marker=f"retry-{ids['refused']}")
    await user.should_not_see(marker=f"cancel-{ids['busy']}")
