"""Mails that did not arrive: the worker records why, a permanent refusal flags the address, the central office
lists, retries and cancels (« Courriels en échec »), each by scope, once per click."""

import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlmodel import Session, select

from app.db import transaction
from app.models import Account, AuditEvent, MailStatus, OutboxMail, StaffRole
from app.services.accounts import credentials
from app.services.accounts.passwords import hash_password
from app.services.admin import failed_mails as service
from app.services.mail.delivery import deliver_due_mails
from app.services.mail.outbox import enqueue_mail
from app.services.mail.templates import sample_context
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden
from tests import factories

if TYPE_CHECKING:
    from tests.mail_fixtures import RecordingHandler

pytest_plugins = ["tests.mail_fixtures"]

T0 = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
ADDRESS = "eloise.dupre@example.org"
PASSWORD = "Un-mot-de-passe-solide-42"


def _account(address: str = ADDRESS) -> int:
    with transaction() as session:
        account = factories.account(session, email=address, password_hash=hash_password(PASSWORD))
        assert account.id is not None
        return account.id


def _enqueue(to: str = ADDRESS, code: str = "decision_favorable", account_id: int | None = None) -> int:
    with transaction() as session:
        mail = enqueue_mail(session, code=code, to=to, context=sample_context(code), account_id=account_id)
        assert mail.id is not None
        return mail.id


def _mail(mail_id: int) -> OutboxMail:
    with transaction() as session:
        mail = session.get(OutboxMail, mail_id)
        assert mail is not None
        return mail


def _get_account(account_id: int) -> Account:
    with transaction() as session:
        account = session.get(Account, account_id)
        assert account is not None
        return account


def _central() -> Actor:
    with transaction() as session:
        return factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)


# --- The worker: reason, permanent vs temporary, the bounce flag --------------------------------------------------


def test_a_recipient_refused_for_good_fails_at_once_and_flags_the_account(
    smtp_server: "RecordingHandler", clock
) -> None:
    clock.set(T0)
    account_id = _account()
    mail_id = _enqueue(account_id=account_id)
    smtp_server.refused_recipients[ADDRESS] = "550 5.1.1 <eloise.dupre@example.org>: user unknown"
    assert deliver_due_mails() == 0
    mail = _mail(mail_id)
    assert mail.status == MailStatus.FAILED and mail.attempts == 1 and mail.permanent_failure
    assert "550" in mail.last_error and "user unknown" in mail.last_error
    account = _get_account(account_id)
    assert account.email_bounced_at == T0
    assert "550" in account.email_bounce_reason and "user unknown" in account.email_bounce_reason


def test_a_bad_mailbox_status_after_the_data_is_permanent_too(smtp_server: "RecordingHandler", clock) -> None:
    clock.set(T0)
    account_id = _account()
    mail_id = _enqueue()  # no account_id: the address alone finds the account
    smtp_server.refuse_next(1, "550 5.1.1 Mailbox does not exist")
    deliver_due_mails()
    assert _mail(mail_id).status == MailStatus.FAILED and _mail(mail_id).permanent_failure
    assert _get_account(account_id).email_bounced_at == T0


def test_a_temporary_refusal_is_retried_and_flags_nothing(smtp_server: "RecordingHandler", clock) -> None:
    clock.set(T0)
    account_id = _account()
    mail_id = _enqueue(account_id=account_id)
    smtp_server.refused_recipients[ADDRESS] = "450 4.2.1 Mailbox busy"
    deliver_due_mails()
    mail = _mail(mail_id)
    assert mail.status == MailStatus.PENDING and mail.attempts == 1 and not mail.permanent_failure
    assert "450" in mail.last_error and "Mailbox busy" in mail.last_error
    assert _get_account(account_id).email_bounced_at is None
    smtp_server.refuse_next(1, "552 5.3.4 Message too big for system")  # 5xx, but not the mailbox
    clock.set(T0 + timedelta(minutes=2))
    del smtp_server.refused_recipients[ADDRESS]
    deliver_due_mails()
    assert _mail(mail_id).status == MailStatus.PENDING and not _mail(mail_id).permanent_failure


def test_a_later_delivery_to_the_address_clears_the_flag(smtp_server: "RecordingHandler", clock) -> None:
    clock.set(T0)
    account_id = _account()
    failed = _enqueue(account_id=account_id)
    smtp_server.refused_recipients[ADDRESS] = "550 5.1.1 user unknown"
    deliver_due_mails()
    assert _get_account(account_id).email_bounced_at is not None
    del smtp_server.refused_recipients[ADDRESS]  # the mailbox exists again: the office retries
    with transaction() as session:
        assert service.retry_mail(session, actor=_central(), mail_id=failed)
    assert deliver_due_mails() == 1
    account = _get_account(account_id)
    assert account.email_bounced_at is None and account.email_bounce_reason == ""
    assert _mail(failed).status == MailStatus.SENT and not _mail(failed).permanent_failure


def test_changing_the_address_clears_the_flag(database_url: str, clock) -> None:
    clock.set(T0)
    account_id = _account()
    with transaction() as session:
        account = session.get(Account, account_id)
        assert account is not None
        account.email_bounced_at, account.email_bounce_reason = T0, "rcpt 550 user unknown"
    actor = Actor("candidate", account_id=account_id)
    with transaction() as session:
        credentials.request_email_change(
            session, actor=actor, new_email="eloise@new.example", new_email_confirm="eloise@new.example",
            current_password=PASSWORD,
        )  # fmt: skip
    with transaction() as session:
        link = session.exec(select(OutboxMail.body_text).where(OutboxMail.to_address == "eloise@new.example")).one()
    match = re.search(r"/compte/email/([\w-]+)", link)
    assert match is not None
    assert _get_account(account_id).email_bounced_at is not None  # asking is not changing
    with transaction() as session:
        credentials.confirm_email_change(session, actor=Actor.anonymous("192.0.2.1"), token=match.group(1))
    account = _get_account(account_id)
    assert account.email == "eloise@new.example"
    assert account.email_bounced_at is None and account.email_bounce_reason == ""


# --- The central office: list, filters, retry, cancel --------------------------------------------------------------


def _failed(session: Session, *, to: str = ADDRESS, code: str = "decision_favorable", **kw: object) -> OutboxMail:
    mail = enqueue_mail(session, code=code, to=to, context=sample_context(code))
    values = {"status": MailStatus.FAILED, "attempts": 5, "last_error": "rcpt 550 user unknown"} | kw
    for name, value in values.items():
        setattr(mail, name, value)
    session.add(mail)
    session.flush()
    return mail


def test_the_list_shows_failed_and_retrying_mails_with_their_reason(session: Session, clock) -> None:
    clock.set(T0)
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    account = factories.account(session, email=ADDRESS)
    failed = _failed(session, account_id=account.id, permanent_failure=True)
    retrying = _failed(session, to="other@example.org", status=MailStatus.PENDING, attempts=2,
                       last_error="data 451 busy", next_attempt_at=T0 + timedelta(minutes=2))  # fmt: skip
    _failed(session, to="sent@example.org", status=MailStatus.SENT, last_error="")
    _failed(session, to="new@example.org", status=MailStatus.PENDING, attempts=0, last_error="")  # not tried yet
    cancelled = _failed(session, to="gone@example.org", status=MailStatus.CANCELLED)
    session.commit()
    listed = service.list_failed_mails(session, actor=central)
    assert {row.id: row.state for row in listed.rows} == {failed.id: "failed", retrying.id: "retrying"}
    row = next(r for r in listed.rows if r.id == failed.id)
    assert row.last_error == "rcpt 550 user unknown" and row.permanent and row.attempts == 5
    assert row.candidate_label == f"{account.last_name} {account.first_name} ({account.dossier_number})"
    assert next(r for r in listed.rows if r.id == retrying.id).next_attempt_at == T0 + timedelta(minutes=2)
    only_cancelled = service.list_failed_mails(session, actor=central, filters=service.MailFilters(status="cancelled"))
    assert [r.id for r in only_cancelled.rows] == [cancelled.id]


def test_the_filters_narrow_the_list_and_a_bad_range_is_refused(session: Session, clock) -> None:
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    clock.set(datetime(2025, 3, 10, 23, 30, tzinfo=UTC))  # 00:30 on 11 March in Paris
    early = _failed(session, to="Early.Bird@Example.org", code="password_reset")
    clock.set(datetime(2025, 3, 12, 9, 0, tzinfo=UTC))
    late = _failed(session, to="late@example.org")
    session.commit()

    def ids(**kw: object) -> list[int | None]:
        return [r.id for r in service.list_failed_mails(session, actor=central, filters=service.MailFilters(**kw)).rows]

    assert ids(code="password_reset") == [early.id]
    assert ids(recipient="early.BIRD") == [early.id]
    assert ids(recipient="%") == []  # a wildcard typed is a character searched
    assert ids(since=date(2025, 3, 11), until=date(2025, 3, 11)) == [early.id]
    assert ids(since=date(2025, 3, 12)) == [late.id]
    assert ids(status="failed") == [late.id, early.id]
    with pytest.raises(DomainError) as error:
        ids(since=date(2025, 3, 12), until=date(2025, 3, 11))
    assert error.value.code == "bad_range"
    for bad in ({"status": "nothing"}, {"code": "nothing"}):
        with pytest.raises(DomainError) as error:
            ids(**bad)
        assert error.value.code == "bad_filter"


def test_the_list_is_paginated(session: Session) -> None:
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    for n in range(5):
        _failed(session, to=f"c{n}@example.org")
    session.commit()
    first = service.list_failed_mails(session, actor=central, page_size=2)
    last = service.list_failed_mails(session, actor=central, page=99, page_size=2)
    assert (first.total, first.pages, len(first.rows)) == (5, 3, 2)
    assert (last.page, len(last.rows)) == (3, 1)


def test_retry_puts_the_mail_back_once_even_on_a_double_click(session: Session, clock) -> None:
    clock.set(T0)
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    mail = _failed(session, next_attempt_at=T0 - timedelta(days=1))
    session.commit()
    assert service.retry_mail(session, actor=central, mail_id=mail.id) is True
    assert service.retry_mail(session, actor=central, mail_id=mail.id) is False  # the second click
    session.commit()
    session.refresh(mail)
    assert (mail.status, mail.attempts, mail.next_attempt_at) == (MailStatus.PENDING, 0, T0)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "mail.retried")).all()
    assert len(events) == 1 and events[0].entity_id == mail.id and events[0].before["status"] == "failed"


def test_cancel_is_final_once_and_the_worker_never_delivers_it(session: Session, clock) -> None:
    clock.set(T0)
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    mail = _failed(session, status=MailStatus.PENDING, attempts=1, next_attempt_at=T0)
    session.commit()
    assert service.cancel_mail(session, actor=central, mail_id=mail.id) is True
    assert service.cancel_mail(session, actor=central, mail_id=mail.id) is False
    session.commit()
    assert deliver_due_mails(transport=_Recorder()) == 0
    session.refresh(mail)
    assert mail.status == MailStatus.CANCELLED and mail.cancelled_at == T0
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "mail.cancelled")).all()) == 1
    assert service.retry_mail(session, actor=central, mail_id=mail.id) is True  # a cancelled mail may be sent again
    session.commit()
    session.refresh(mail)
    assert mail.status == MailStatus.PENDING and mail.cancelled_at is None


class _Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[int | None] = []

    def send(self, mail: OutboxMail, attachments: object) -> None:
        self.sent.append(mail.id)


def test_a_sent_mail_or_one_being_sent_is_refused(session: Session, clock) -> None:
    clock.set(T0)
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    sent = _failed(session, status=MailStatus.SENT, last_error="")
    sending = _failed(session, status=MailStatus.PENDING, attempts=1, claimed_by="w", claimed_until=T0 + timedelta(1))
    session.commit()
    for action in (service.retry_mail, service.cancel_mail):
        with pytest.raises(DomainError) as error:
            action(session, actor=central, mail_id=sent.id)
        assert error.value.code == "mail_sent"
        with pytest.raises(DomainError) as error:
            action(session, actor=central, mail_id=sending.id)
        assert error.value.code == "mail_sending"
    session.refresh(sent)
    assert sent.status == MailStatus.SENT


@pytest.mark.parametrize(
    ("role", "lists", "acts"),
    [
        (StaffRole.ADMINISTRATOR, True, True),
        (StaffRole.CENTRAL_OFFICE, True, True),
        ("central_office_read_only", True, False),
        (StaffRole.CENTRE_MANAGER, False, False),
        (StaffRole.COMMITTEE_MEMBER, False, False),
        ("candidate", False, False),
    ],
)
def test_scope_matrix(session: Session, role: object, lists: bool, acts: bool) -> None:
    centre = factories.centre(session)
    if role == "candidate":
        actor = Actor("candidate", account_id=factories.account(session).id)
    elif role == "central_office_read_only":
        actor = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE, read_only=True)
    elif role == StaffRole.CENTRE_MANAGER:
        actor = factories.staff_actor(session, role, centre_id=centre.id)
    elif role == StaffRole.COMMITTEE_MEMBER:
        actor = factories.staff_actor(session, role, committee_id=factories.committee(session, centre.id).id)
    else:
        actor = factories.staff_actor(session, role)
    mail = _failed(session)
    session.commit()
    if lists:
        assert [r.id for r in service.list_failed_mails(session, actor=actor).rows] == [mail.id]
    else:
        with pytest.raises(Forbidden):
            service.list_failed_mails(session, actor=actor)
    for action in (service.retry_mail, service.cancel_mail):
        if acts:
            assert action(session, actor=actor, mail_id=mail.id) is True
        else:
            with pytest.raises(Forbidden):
                action(session, actor=actor, mail_id=mail.id)
    session.commit()
    session.refresh(mail)
    assert mail.status == (MailStatus.CANCELLED if acts else MailStatus.FAILED)


def test_the_staff_list_shows_and_filters_the_bouncing_addresses(session: Session, clock) -> None:
    from app.services.review.staff_list import list_applications
    from app.services.review.staff_list_columns import ListQuery

    clock.set(T0)
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    program = factories.program(session)
    bouncing, working = factories.candidate(session), factories.candidate(session)
    flagged = session.get(Account, bouncing.account_id)
    assert flagged is not None
    flagged.email_bounced_at = T0 - timedelta(days=1)
    session.add(flagged)
    kept = factories.application(session, candidate_id=bouncing.id, program=program)
    factories.application(session, candidate_id=working.id, program=program)
    session.commit()
    query = ListQuery(filters={"email_bounced_at": [date(2025, 3, 11), None]}, page_size=50)
    page = list_applications(session, actor=central, query=query)
    assert [row["id"] for row in page.rows] == [kept.id]
    assert page.rows[0]["email_bounced_at"] == T0 - timedelta(days=1)
