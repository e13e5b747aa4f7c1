"""Erasure of personal data (issue 21): the daily ``anonymise_expired_data`` job at its threshold (one second either
side), a candidate still in force keeping their dossier, the candidate's « Supprimer mon compte » with and without
transmitted applications, files gone from the store, and the campaign's statistics unchanged."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.db import new_session, transaction
from app.models import (
    Account,
    AccountToken,
    ActorKind,
    Address,
    AnswerKind,
    Application,
    AuditEvent,
    Baccalaureate,
    BacSeries,
    Candidate,
    DecisionKind,
    ErasureRequest,
    FileKind,
    JobStatus,
    Note,
    OutboxMail,
    QuestionAnswer,
    StaffMessage,
    StaffMessageRecipient,
    StaffRole,
    StoredFile,
    SubmittedDocument,
    SubmittedDocumentFile,
    TokenPurpose,
)
from app.services.accounts import erasure_job
from app.services.accounts.account_erasure import erasure_requests, pending_erasure, request_erasure
from app.services.accounts.erasure import ANONYMOUS_NAME
from app.services.exports.statistics import compute_statistics
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.platform.jobs import run_job
from app.services.review.staff_view import open_application_for_staff
from tests import factories as f

NOW = datetime(2026, 3, 10, 5, 10, tzinfo=UTC)
SECOND = timedelta(seconds=1)
THRESHOLD = datetime(2024, 3, 10, 5, 10, tzinfo=UTC)  # NOW less ECANDIDAT_RETENTION_YEARS (2)


def _dossier(session: Session, *, program: Any, seen: datetime, **application: Any) -> dict[str, Any]:
    """A candidate with every kind of personal data, one application to ``program`` with a piece (its file in the
    store), an answer, a note, a mail and audit events naming them."""
    account = f.account(session, last_sign_in_at=seen, created_at=seen - timedelta(days=30))
    account.email_bounced_at, account.email_bounce_reason = seen, f"550 5.1.1 <{account.email}> user unknown"
    candidate = f.candidate(session, account_id=account.id, birth_date=date(2003, 5, 17), phone="0601020304")
    session.add(Address(candidate_id=candidate.id, line1="3 rue des Lilas", postcode="67000", city="STRASBOURG"))
    session.add(Baccalaureate(candidate_id=candidate.id, series=BacSeries.GENERAL, year=2021, establishment_label="X"))
    app = f.application(session, candidate_id=candidate.id, program=program, **application)
    stored = f.stored_file(session, b"%PDF-1.4 piece", owner_candidate_id=candidate.id, kind=FileKind.UPLOAD)
    piece = f.submitted_document(
        session, application_id=app.id, required_document_id=f.required_document(session).id, comment="Illisible"
    )
    session.add(SubmittedDocumentFile(submitted_document_id=piece.id, stored_file_id=stored.id))
    session.add(QuestionAnswer(application_id=app.id, question_id=f.question(session).id, text_value="Ma motivation"))
    staff = f.staff_member(session)
    session.add(Note(application_id=app.id, author_staff_id=staff.id, body="Entretien très réussi"))
    session.add(
        OutboxMail(
            code="dossier_received",
            to_address=account.email,
            subject="Dossier reçu",
            body_html="<p>Bonjour</p>",
            body_text="Bonjour",
            account_id=account.id,
            application_id=app.id,
        )
    )
    session.add(
        OutboxMail(code="email_change_old_address", to_address=account.email, subject="Changement",
                   body_html="<p>Bonjour</p>", body_text="Bonjour")
    )  # fmt: skip
    session.add(AccountToken(account_id=account.id, purpose=TokenPurpose.PASSWORD_RESET, token_hash="a" * 64,
                             expires_at=NOW))  # fmt: skip
    session.add(
        AuditEvent(actor_kind=ActorKind.CANDIDATE, actor_account_id=account.id, action="dossier.personal_saved",
                   entity_type="candidate", entity_id=candidate.id, candidate_id=candidate.id,
                   before={"birth_name": "DUPONT"}, after={"birth_name": "DURAND"}, client_address="192.0.2.7")
    )  # fmt: skip
    session.add(
        AuditEvent(actor_kind=ActorKind.STAFF, actor_staff_id=staff.id, action="note.added", entity_type="note",
                   entity_id=1, application_id=app.id, after={"body": "Entretien très réussi"})
    )  # fmt: skip
    session.commit()
    return {
        "account": account.id,
        "email": account.email,
        "candidate": candidate.id,
        "application": app.id,
        "file": stored.storage_key,
    }


def _archived_world(session: Session, clock: Any, archived_at: datetime) -> dict[str, Any]:
    clock.set(archived_at - timedelta(days=200))
    old = f.campaign(session, is_active=False, archived_at=archived_at, ends_on=date(2023, 9, 30))
    program = f.program(session, campaign_id=old.id)
    world = _dossier(session, program=program, seen=archived_at - timedelta(days=10))
    decided = session.get(Application, world["application"])
    assert decided is not None
    f.published_decision(session, application=decided, kind=DecisionKind.FAVORABLE, comment="Très bon dossier")
    decided.answer = AnswerKind.CONFIRMED
    decided.transmitted_at = archived_at - timedelta(days=150)
    session.add(decided)
    for kind in (DecisionKind.UNFAVORABLE, DecisionKind.WAITING_LIST, None):  # more figures for the statistics
        other = f.application(session, candidate_id=f.candidate(session).id, program=program)
        if kind is not None:
            f.published_decision(
                session, application=other, kind=kind, rank=2 if kind == DecisionKind.WAITING_LIST else None
            )
    author = f.staff_member(session)
    key = f"erasure-{world['candidate']}"
    message = StaffMessage(author_staff_id=author.id, role="centre_manager", subject_fr="Entretien", body_fr="Bonjour")
    message.idempotency_key, message.recipients = key, 1
    session.add(message)
    session.flush()
    session.add(
        StaffMessageRecipient(
            message_id=message.id,
            candidate_id=world["candidate"],
            application_ids=[world["application"]],
            language="fr",
            subject="Entretien",
            content_html="<p>Bonjour Zoé</p>",
        )
    )
    session.commit()
    return world | {"campaign": old.id, "program": program}


def _statistics(campaign_id: int) -> list[Any]:
    with new_session() as session:
        actor = f.staff_actor(session, StaffRole.CENTRAL_OFFICE)
        session.commit()
        stats = compute_statistics(session, actor=actor, campaign_id=campaign_id)
        curve = [(r.key, r.counts, r.capacity) for r in stats.rows]
        return [curve, stats.total.counts]


def _run(clock: Any, at: datetime = NOW) -> Any:
    clock.set(at)
    run = run_job(erasure_job.JOB)
    assert run is not None and run.status == JobStatus.SUCCEEDED, run and run.message
    return run


def _erased(world: dict[str, Any]) -> bool:
    with new_session() as session:
        candidate = session.get(Candidate, world["candidate"])
        account = session.get(Account, world["account"])
        assert candidate is not None and account is not None
        return candidate.anonymised_at is not None and account.deleted_at is not None


def _assert_nothing_personal_left(world: dict[str, Any]) -> None:
    with new_session() as session:
        candidate = session.get(Candidate, world["candidate"])
        account = session.get(Account, world["account"])
        assert candidate and account
        assert (candidate.birth_name, candidate.first_names, candidate.birth_date, candidate.phone) == (
            ANONYMOUS_NAME, "", None, ""
        )  # fmt: skip
        assert account.email.endswith("@anonyme.invalid") and account.last_name == ANONYMOUS_NAME
        assert account.password_hash is None and not account.dossier_number.startswith("T")
        assert account.email_bounced_at is None and account.email_bounce_reason == ""
        bac = session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == candidate.id)).one()
        assert (bac.series, bac.year, bac.establishment_label) == (BacSeries.GENERAL, 2021, "")
        for model, column in (
            (Address, Address.candidate_id),
            (StaffMessageRecipient, StaffMessageRecipient.candidate_id),  # what a staff message said to them
            (QuestionAnswer, QuestionAnswer.application_id),
            (Note, Note.application_id),
            (SubmittedDocument, SubmittedDocument.application_id),
            (OutboxMail, OutboxMail.account_id),
            (AccountToken, AccountToken.account_id),
        ):
            key = (
                world["candidate"]
                if model in (Address, StaffMessageRecipient)
                else world["account"]
                if "account" in column.key
                else None
            )
            key = key if key is not None else world["application"]
            assert session.exec(select(model).where(column == key)).all() == [], model
        assert session.exec(select(StoredFile).where(StoredFile.storage_key == world["file"])).first() is None
        to_them = session.exec(select(OutboxMail.code).where(OutboxMail.to_address == world["email"])).all()
        assert to_them in ([], ["account_deleted"])  # mails not linked to the account go too, but the confirmation
        events = session.exec(
            select(AuditEvent).where(
                (col(AuditEvent.candidate_id) == world["candidate"])
                | (col(AuditEvent.application_id) == world["application"])
            )
        ).all()
        assert events and all(e.before == {} and e.after == {} for e in events)
        assert all(e.client_address is None for e in events if e.actor_kind == ActorKind.CANDIDATE)
    assert not file_store.path_of(world["file"]).exists()


@pytest.mark.parametrize("offset", [-SECOND, SECOND], ids=["past-the-threshold", "one-second-too-young"])
def test_a_candidate_of_an_expired_campaign_is_erased_from_the_threshold_on(
    session: Session, clock: Any, offset: timedelta
) -> None:
    world = _archived_world(session, clock, THRESHOLD + offset)
    before = _statistics(world["campaign"])
    run = _run(clock)
    assert _statistics(world["campaign"]) == before  # the campaign's figures read the same
    if offset < timedelta(0):
        assert _erased(world)
        _assert_nothing_personal_left(world)
        assert "Candidats des campagnes expirées effacés : 4" in run.message
    else:
        assert not _erased(world) and file_store.path_of(world["file"]).exists()
        assert run.processed == 0


def test_a_second_run_changes_nothing_and_statistics_hold(session: Session, clock: Any) -> None:
    world = _archived_world(session, clock, THRESHOLD - timedelta(days=40))
    before = _statistics(world["campaign"])
    assert _run(clock).processed == 4
    again = _run(clock)
    assert again.processed == 0 and "effacés : 0" in again.message
    assert _statistics(world["campaign"]) == before


def test_staff_still_open_an_anonymised_application_and_read_no_identity(session: Session, clock: Any) -> None:
    world = _archived_world(session, clock, THRESHOLD - SECOND)
    _run(clock)
    with transaction() as check:
        office = f.staff_actor(check, StaffRole.CENTRAL_OFFICE)
    with transaction() as check:
        view = open_application_for_staff(check, actor=office, application_id=world["application"])
    shown = repr(view)
    assert ANONYMOUS_NAME in shown and "DUPONT" not in shown and "3 rue des Lilas" not in shown
    assert world["email"] not in shown and "Ma motivation" not in shown


def test_a_candidate_in_force_keeps_their_dossier_only_the_old_applications_go(session: Session, clock: Any) -> None:
    world = _archived_world(session, clock, THRESHOLD - SECOND)
    clock.set(NOW - timedelta(days=30))
    current = f.program(session, campaign_id=f.campaign(session).id)
    newer = f.application(session, candidate_id=world["candidate"], program=current)
    session.add(QuestionAnswer(application_id=newer.id, question_id=f.question(session).id, text_value="Toujours"))
    session.commit()
    run = _run(clock)
    assert "Candidatures des campagnes expirées anonymisées : 1" in run.message
    with new_session() as check:
        old = check.get(Application, world["application"])
        kept = check.get(Application, newer.id)
        candidate = check.get(Candidate, world["candidate"])
        assert old and kept and candidate
        assert old.anonymised_at is not None and kept.anonymised_at is None
        assert candidate.anonymised_at is None and candidate.birth_name == "DUPONT"  # the newer campaign's dossier
        answers = check.exec(select(QuestionAnswer.application_id)).all()
        assert answers == [newer.id]
        assert check.exec(select(Note)).all() == []
    assert not file_store.path_of(world["file"]).exists()


# --- « Supprimer mon compte » ----------------------------------------------------------------------------------------


def _request(world: dict[str, Any], word: str = "SUPPRIMER") -> Any:
    actor = Actor("candidate", account_id=world["account"])
    with transaction() as session:
        return request_erasure(session, actor=actor, confirmation=word)


def _current_world(session: Session, clock: Any, *, transmitted: bool) -> dict[str, Any]:
    clock.set(NOW)
    active = f.campaign(session, ends_on=date(2026, 9, 30))
    program = f.program(session, campaign_id=active.id)
    world = _dossier(session, program=program, seen=NOW)
    if transmitted:
        app = session.get(Application, world["application"])
        assert app is not None
        app.transmitted_at = NOW - timedelta(days=1)
        session.add(app)
        session.commit()
    return world | {"campaign": active.id}


def test_without_a_transmitted_application_the_account_is_erased_at_once(session: Session, clock: Any) -> None:
    world = _current_world(session, clock, transmitted=False)
    with new_session() as check:
        email = check.get(Account, world["account"]).email  # type: ignore[union-attr]
    outcome = _request(world)
    assert outcome.erased and outcome.due_at is None
    _assert_nothing_personal_left(world)
    with new_session() as check:
        cancelled = check.get(Application, world["application"])
        assert cancelled is not None and cancelled.cancelled_at == NOW  # no longer counted as open by staff
    with new_session() as check:
        [mail] = check.exec(select(OutboxMail).where(OutboxMail.to_address == email)).all()
        assert mail.code == "account_deleted" and mail.account_id is None
        [event] = check.exec(select(AuditEvent).where(AuditEvent.action == "account.erased")).all()
        assert (event.entity_id, event.before, event.after) == (world["account"], {}, {})
    assert _request(world).erased  # a second « Confirmer »: nothing more, no failure


def test_a_wrong_confirmation_word_is_refused_and_erases_nothing(session: Session, clock: Any) -> None:
    world = _current_world(session, clock, transmitted=False)
    with pytest.raises(DomainError) as refused:
        _request(world, "oui")
    assert refused.value.field == "confirmation"
    assert not _erased(world)
    assert _request(world, " delete ").erased  # either language's word, any case


@pytest.mark.parametrize("offset", [-SECOND, timedelta(0)], ids=["one-second-early", "at-the-date"])
def test_with_a_transmitted_application_the_erasure_waits_for_the_retention(
    session: Session, clock: Any, offset: timedelta
) -> None:
    world = _current_world(session, clock, transmitted=True)
    outcome = _request(world)
    due = datetime(2028, 9, 30, 22, 0, tzinfo=UTC)  # the campaign's last day ends at midnight Paris, + 2 years
    assert (outcome.erased, outcome.due_at, outcome.held_applications) == (False, due, 1)
    assert _request(world).due_at == due  # a second click records nothing more
    with new_session() as check:
        assert len(check.exec(select(ErasureRequest)).all()) == 1
        assert check.exec(select(OutboxMail.code).where(OutboxMail.code == "account_erasure_scheduled")).all()
        assert pending_erasure(check, actor=Actor("candidate", account_id=world["account"])) == outcome
        office = f.staff_actor(check, StaffRole.CENTRAL_OFFICE)
        check.commit()
        [row] = erasure_requests(check, actor=office)
        assert row.dossier_number is not None and row.done_at is None
    before = _statistics(world["campaign"])
    run = _run(clock, due + offset)
    assert _erased(world) is (offset >= timedelta(0))
    assert _statistics(world["campaign"]) == before
    if offset >= timedelta(0):
        _assert_nothing_personal_left(world)
        assert "Demandes d'effacement exécutées : 1" in run.message
        with new_session() as check:
            [row] = erasure_requests(check, actor=office)
            assert row.dossier_number is None and row.done_at == due


def test_only_the_central_office_reads_the_register(session: Session, clock: Any) -> None:
    manager = f.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=f.centre(session).id)
    session.commit()
    with pytest.raises(DomainError):
        erasure_requests(session, actor=manager)
