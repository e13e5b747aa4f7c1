"""The portal's read-only mode (#19 item 6): writes refused whole, the answer and sign-in still allowed, the
automatic switch when the database refuses writes, and back."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func
from sqlmodel import Session, select

from app import clock as app_clock
from app.db import get_engine, new_session, transaction
from app.models import (
    Address,
    AnswerKind,
    Application,
    AuditEvent,
    CandidateAnswer,
    Decision,
    DecisionKind,
    OutboxMail,
    StaffRole,
    StoredFile,
)
from app.services.accounts.auth import authenticate
from app.services.accounts.passwords import hash_password
from app.services.admin import read_only_switch
from app.services.applications.applying import apply_to_program
from app.services.decisions.answers import confirm_offer, withdraw
from app.services.decisions.staff_decisions import enter_decision
from app.services.documents.pieces import add_piece_file
from app.services.dossier.tabs import save_address
from app.services.platform import read_only
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_mode() -> Iterator[None]:
    read_only.clear_automatic()
    read_only.invalidate()
    yield
    read_only.clear_automatic()
    read_only.invalidate()


def count(model: Any) -> int:
    with new_session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def counts() -> dict[str, int]:
    return {m.__name__: count(m) for m in (Application, Decision, OutboxMail, AuditEvent, StoredFile, CandidateAnswer)}


def switch(actor: Actor, on: bool) -> None:
    with transaction() as session:
        read_only_switch.set_read_only(session, actor=actor, on=on)


@pytest.fixture
def world(session: Session, clock) -> dict[str, Any]:
    """A candidate with an offer (and one waiting behind it), another with no application, a central office."""
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    program = factories.program(session, capacity=1, waiting_list_confirmation_delay_days=3)
    call_type = factories.decision_type(session, DecisionKind.FAVORABLE, label_fr="Favorable (liste complémentaire)")
    program.waiting_list_call_decision_type_id = call_type.id
    session.add(program)
    holder = factories.complete_candidate(session)
    held = factories.application(session, candidate_id=holder.id, program=program)
    factories.published_decision(session, application=held)
    waiter = factories.complete_candidate(session)
    waiting = factories.application(session, candidate_id=waiter.id, program=program)
    factories.published_decision(session, application=waiting, kind=DecisionKind.WAITING_LIST, rank=1)
    newcomer = factories.complete_candidate(session)
    piece = factories.required_document(session)
    slot = factories.submitted_document(session, application_id=held.id, required_document_id=piece.id)
    other_program = factories.program(session, campaign_id=program.campaign_id)
    office = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    unfavourable, reason = factories.decision_type(session, DecisionKind.UNFAVORABLE), factories.refusal_reason(session)
    session.commit()
    return {
        "program": program,
        "other_program": other_program,
        "holder": factories.candidate_actor(session, holder),
        "held": held,
        "waiting": waiting,
        "newcomer": factories.candidate_actor(session, newcomer),
        "newcomer_id": newcomer.id,
        "slot": slot,
        "office": office,
        "type": unfavourable,
        "reason": reason,
    }


def refused(action: Any) -> None:
    """``action(session)`` in one transaction is refused with the read-only error."""
    with pytest.raises(DomainError) as error, transaction() as session:
        action(session)
    assert error.value.code == "portal_read_only"
    assert "lecture seule" in error.value.message


def test_while_read_only_every_other_write_is_refused_whole(session: Session, world) -> None:
    switch(world["office"], True)
    before = counts()
    refused(lambda s: apply_to_program(s, actor=world["newcomer"], program_id=world["other_program"].id))
    refused(
        lambda s: enter_decision(
            s,
            actor=world["office"],
            application_id=world["waiting"].id,
            decision_type_id=world["type"].id,
            refusal_reason_id=world["reason"].id,
            overwrite_published=True,
        )
    )
    refused(
        lambda s: add_piece_file(
            s, actor=world["holder"], submitted_document_id=world["slot"].id, filename="a.pdf", data=b"%PDF-1.4"
        )
    )
    with new_session() as reader:
        address = reader.exec(select(Address).where(Address.candidate_id == world["newcomer_id"])).one()
    updated_at = address.updated_at
    address.line1 = "2 rue de Bourgogne"
    refused(lambda s: save_address(s, actor=world["newcomer"], address=address))
    assert counts() == before  # no application, decision, mail, audit row or file
    with new_session() as reader:
        stored = reader.exec(select(Address).where(Address.candidate_id == world["newcomer_id"])).one()
        assert (stored.line1, stored.updated_at) == ("1 rue de Bourgogne", updated_at)


def test_while_read_only_the_candidate_confirms_with_mail_and_audit(session: Session, world) -> None:
    switch(world["office"], True)
    with transaction() as s:
        confirm_offer(s, actor=world["holder"], application_id=world["held"].id)
    with new_session() as reader:
        assert reader.get(Application, world["held"].id).answer == AnswerKind.CONFIRMED
        codes = reader.exec(select(OutboxMail.code).where(OutboxMail.application_id == world["held"].id)).all()
        assert "application_confirmed" in codes
        actions = reader.exec(select(AuditEvent.action)).all()
        assert "application.answer.confirmed" in actions


def test_while_read_only_a_withdrawal_calls_the_waiting_list(session: Session, world) -> None:
    switch(world["office"], True)
    with transaction() as s:
        withdraw(s, actor=world["holder"], application_id=world["held"].id, reason="Autre choix")
    with new_session() as reader:
        assert reader.get(Application, world["held"].id).answer == AnswerKind.WITHDRAWN
        called = reader.get(Application, world["waiting"].id)
        assert called.called_from_waiting_list_at is not None
        codes = set(reader.exec(select(OutboxMail.code)).all())
        assert {"application_withdrawn", "decision_waiting_list_call"} <= codes
        assert "application.answer.withdrawn" in reader.exec(select(AuditEvent.action)).all()


def test_while_read_only_candidates_still_sign_in(session: Session, world) -> None:
    account = factories.account(session, password_hash=hash_password("Un-mot-de-passe-solide-42"))
    session.commit()
    switch(world["office"], True)
    with transaction() as s:
        outcome = authenticate(s, actor=Actor.anonymous("1.2.3.4"), login=account.email, password="nope-nope-nope")
    assert outcome.principal is None  # the failure is counted, not refused
    with transaction() as s:
        outcome = authenticate(
            s, actor=Actor.anonymous("1.2.3.4"), login=account.email, password="Un-mot-de-passe-solide-42"
        )
    assert outcome.principal is not None
    with new_session() as reader:
        assert "account.signed_in" in reader.exec(select(AuditEvent.action)).all()


def test_the_central_office_switch_is_audited_shown_and_undone(session: Session, world) -> None:
    assert not read_only.is_on()
    switch(world["office"], True)
    state = read_only.state()
    assert state.on and not state.automatic and state.by and state.since is not None
    switch(world["office"], False)
    assert not read_only.is_on()
    with transaction() as s:  # writes are back
        apply_to_program(s, actor=world["newcomer"], program_id=world["other_program"].id)
    with new_session() as reader:
        actions = reader.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert tuple(a for a in actions if a.startswith("portal.")) == ("portal.read_only_on", "portal.read_only_off")


def test_someone_else_cannot_switch_the_portal(session: Session, world) -> None:
    with pytest.raises(DomainError), transaction() as s:
        read_only_switch.set_read_only(s, actor=world["newcomer"], on=True)
    assert not read_only.is_on()


@contextmanager
def database_refusing_writes() -> Iterator[None]:
    """PostgreSQL: every new transaction is read-only (the server's own error); SQLite: the driver's read-only
    error on every write statement, as a read-only file gives."""
    engine = get_engine()
    engine.dispose()
    if engine.dialect.name == "postgresql":

        def on_connect(connection: Any, _record: Any) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SET default_transaction_read_only = on")
            connection.commit()

        target, name, listener = engine, "connect", on_connect
    else:

        def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
                raise sqlite3.OperationalError("attempt to write a readonly database")

        target, name, listener = engine, "before_cursor_execute", on_statement
    event.listen(target, name, listener)
    try:
        yield
    finally:
        event.remove(target, name, listener)
        engine.dispose()


def test_a_database_refusing_writes_switches_the_portal_and_a_write_brings_it_back(session: Session, world) -> None:
    session.close()
    with database_refusing_writes():
        with pytest.raises(DomainError) as error, transaction() as s:
            apply_to_program(s, actor=world["newcomer"], program_id=world["other_program"].id)
        assert error.value.code == "portal_read_only"  # the clear error, not the driver's
        state = read_only.state()
        assert state.on and state.automatic and state.since is not None
        assert "read" in state.reason.lower()  # the database's words, for staff
        refused(lambda s: apply_to_program(s, actor=world["newcomer"], program_id=world["other_program"].id))
        assert not read_only.probe() and read_only.is_on()
    assert read_only.probe()
    assert not read_only.is_on()
    with transaction() as s:
        apply_to_program(s, actor=world["newcomer"], program_id=world["other_program"].id)


def test_contention_and_lost_connections_do_not_switch_the_portal() -> None:
    assert not read_only.refuses_writes(sqlite3.OperationalError("database is locked"))
    assert not read_only.refuses_writes(ConnectionError("server closed the connection unexpectedly"))
    assert read_only.refuses_writes(sqlite3.OperationalError("attempt to write a readonly database"))


class _Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, mail: OutboxMail, _attachments: Any) -> None:
        self.sent.append(mail.code)


def test_while_read_only_the_worker_delivers_the_answers_mails(session: Session, world) -> None:
    from app.models import MailStatus
    from app.services.mail.delivery import deliver_due_mails

    session.close()
    switch(world["office"], True)
    with transaction() as s:
        confirm_offer(s, actor=world["holder"], application_id=world["held"].id)
    recorder = _Recorder()
    assert deliver_due_mails(transport=recorder) >= 1  # claiming and recording are outbox updates: bookkeeping
    assert "application_confirmed" in recorder.sent
    with new_session() as reader:
        mail = reader.exec(select(OutboxMail).where(OutboxMail.code == "application_confirmed")).one()
        assert mail.status == MailStatus.SENT
