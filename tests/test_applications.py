"""Applying, following, cancelling, answering questions, assistance and the return-date reminder (services)."""

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from app import clock as app_clock
from app.config import reset_settings
from app.db import new_session, transaction
from app.models import (
    Application,
    AuditEvent,
    Candidate,
    Committee,
    DecisionKind,
    DocumentStatus,
    DossierStatus,
    Note,
    OutboxMail,
    Program,
    QuestionAnswer,
    QuestionKind,
    SubmittedDocument,
)
from app.services.accounts.assistance import send_assistance_request
from app.services.applications import actions as service
from app.services.applications import applying, question_answers
from app.services.applications import jobs as applications_jobs
from app.services.applications import views as applications_views
from app.services.platform import notifications
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, NotFound
from tests import factories

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@dataclass
class World:
    campaign_id: int
    centre_id: int
    committee_id: int
    program: Program
    candidate: Candidate
    actor: Actor
    email: str


def actor_of(candidate: Candidate) -> Actor:
    return Actor("candidate", account_id=candidate.account_id)


@pytest.fixture
def world(session: Session, clock) -> World:
    clock.set(NOW)
    campaign = factories.campaign(session)
    centre = factories.centre(session)
    committee = factories.committee(session, centre.id, alert_on_new_application=True, alert_on_cancellation=True)
    program = factories.program(session, campaign_id=campaign.id, centre_id=centre.id, committee_id=committee.id)
    candidate = factories.complete_candidate(session)
    email = session.exec(select(OutboxMail.to_address)).first()  # none yet
    assert email is None
    from app.models import Account

    account = session.get(Account, candidate.account_id)
    session.commit()
    return World(campaign.id, centre.id, committee.id, program, candidate, actor_of(candidate), account.email)


def other_program(session: Session, w: World, **kw) -> Program:
    kw.setdefault("centre_id", w.centre_id)
    if "committee_id" not in kw:
        kw["committee_id"] = w.committee_id if kw["centre_id"] == w.centre_id else None
    if kw["committee_id"] is None:
        kw["committee_id"] = factories.committee(session, kw["centre_id"]).id
    return factories.program(session, campaign_id=w.campaign_id, **kw)


def mails(session: Session, code: str) -> list[OutboxMail]:
    return list(session.exec(select(OutboxMail).where(OutboxMail.code == code).order_by(col(OutboxMail.id))).all())


def apply(w: World, program_id: int | None = None, actor: Actor | None = None) -> Application:
    with transaction() as s:
        return applying.apply_to_program(s, actor=actor or w.actor, program_id=program_id or w.program.id)


# --- Applying -----------------------------------------------------------------------------------------------------


def test_apply_creates_the_application_its_pieces_mails_and_audit(session: Session, world: World) -> None:
    w = world
    institution_piece = factories.required_document(session)
    centre_piece = factories.required_document(session, centre_id=w.centre_id, is_conditional=True)
    program_piece = factories.required_document(session, program_id=w.program.id)
    factories.required_document(session, centre_id=factories.centre(session).id)  # another centre's
    factories.required_document(session, is_active=False)
    session.commit()

    application = apply(w)

    assert application.dossier_status == DossierStatus.PENDING
    assert (application.committee_id, application.centre_id, application.campaign_id) == (
        w.committee_id,
        w.centre_id,
        w.campaign_id,
    )
    pieces = session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application.id)).all()
    assert {p.required_document_id for p in pieces} == {institution_piece.id, centre_piece.id, program_piece.id}
    assert {p.status for p in pieces} == {DocumentStatus.PENDING}
    [created] = mails(session, "application_created")
    assert created.to_address == w.email and created.application_id == application.id
    assert f"/candidat/candidatures/{application.id}" in created.body_text
    [alert] = mails(session, "committee_new_application")
    assert alert.to_address == session.get(Committee, w.committee_id).contact_email
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "application.created")).one()


def test_no_committee_alert_unless_asked(session: Session, world: World) -> None:
    committee = factories.committee(session, world.centre_id, alert_on_new_application=False)
    program = other_program(session, world, committee_id=committee.id)
    session.commit()
    apply(world, program.id)
    assert mails(session, "committee_new_application") == []
    assert len(mails(session, "application_created")) == 1


def test_a_paper_procedure_still_lists_its_pieces(session: Session, world: World) -> None:
    from app.models import Procedure

    program = other_program(session, world, procedure=Procedure.PAPER)
    factories.required_document(session, program_id=program.id)
    session.commit()
    application = apply(world, program.id)
    assert session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application.id)).one()


@pytest.mark.parametrize(
    ("offset", "allowed"),
    [
        (-timedelta(seconds=1), "upcoming"),
        (timedelta(0), "ok"),
    ],
)
def test_window_opening_edge(session: Session, world: World, clock, offset: timedelta, allowed: str) -> None:
    opens = NOW + timedelta(days=1)
    program = other_program(session, world, window_opens_at=opens, window_closes_at=opens + timedelta(days=5))
    session.commit()
    clock.set(opens + offset)
    if allowed == "ok":
        assert apply(world, program.id).id
    else:
        with pytest.raises(DomainError) as refused:
            apply(world, program.id)
        assert refused.value.code == "window_not_open"


@pytest.mark.parametrize(("offset", "allowed"), [(timedelta(0), True), (timedelta(seconds=1), False)])
def test_window_closing_edge(session: Session, world: World, clock, offset: timedelta, allowed: bool) -> None:
    closes = NOW + timedelta(days=1)
    program = other_program(session, world, window_closes_at=closes, return_by=closes + timedelta(days=3))
    session.commit()
    clock.set(closes - timedelta(seconds=1))
    clock.set(closes + offset)
    if allowed:
        assert apply(world, program.id).id
    else:
        with pytest.raises(DomainError) as refused:
            apply(world, program.id)
        assert refused.value.code == "window_closed"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Opens Saturday 28 March 2026 00:00 in Paris (UTC+1): 27 March 23:00 UTC.
        (datetime(2026, 3, 27, 22, 59, 59, tzinfo=UTC), "window_not_open"),
        (datetime(2026, 3, 27, 23, 0, 0, tzinfo=UTC), None),
        # Closes Monday 30 March 2026 23:59:59 in Paris, after the switch to summer time (UTC+2): 21:59:59 UTC.
        (datetime(2026, 3, 30, 21, 59, 59, tzinfo=UTC), None),
        (datetime(2026, 3, 30, 22, 0, 0, tzinfo=UTC), "window_closed"),  # still 23:00 "in winter time"
    ],
)
def test_window_set_in_paris_time_across_the_dst_change(
    session: Session, world: World, clock, moment: datetime, expected: str | None
) -> None:
    program = other_program(
        session,
        world,
        window_opens_at=app_clock.paris_datetime(2026, 3, 28),
        window_closes_at=app_clock.paris_datetime(2026, 3, 30, 23, 59, 59),
        return_by=app_clock.paris_datetime(2026, 4, 15, 23, 59, 59),
    )
    session.commit()
    assert program.window_opens_at == datetime(2026, 3, 27, 23, 0, tzinfo=UTC)
    assert program.window_closes_at == datetime(2026, 3, 30, 21, 59, 59, tzinfo=UTC)
    clock.set(moment)
    if expected is None:
        assert apply(world, program.id).id
    else:
        with pytest.raises(DomainError) as refused:
            apply(world, program.id)
        assert refused.value.code == expected


def test_incomplete_dossier_is_refused(session: Session, world: World) -> None:
    bare = factories.candidate(session)  # no address, no baccalauréat
    session.commit()
    with pytest.raises(DomainError) as refused:
        apply(world, actor=actor_of(bare))
    assert refused.value.code == "dossier_incomplete"
    assert refused.value.params["missing"]
    no_dossier = factories.account(session)
    session.commit()
    with pytest.raises(DomainError) as refused:
        apply(world, actor=Actor("candidate", account_id=no_dossier.id))
    assert refused.value.code == "dossier_incomplete"


def test_inactive_programme_or_campaign_is_not_found(session: Session, world: World) -> None:
    program = other_program(session, world, is_active=False)
    session.commit()
    with pytest.raises(NotFound):
        apply(world, program.id)
    with pytest.raises(NotFound):
        apply(world, 999_999)


def test_only_candidates_apply_and_impersonation_is_read_only(world: World) -> None:
    with pytest.raises(DomainError) as refused:
        apply(world, actor=Actor("staff", staff_id=1))
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError) as refused:
        apply(world, actor=Actor("candidate", account_id=world.candidate.account_id, impersonated_by_staff_id=1))
    assert refused.value.code == "read_only"


def test_limit_per_centre(session: Session, world: World) -> None:
    from app.models import ApplicationCentre

    centre = session.get(ApplicationCentre, world.centre_id)
    centre.max_applications = 2
    session.add(centre)
    second, third = other_program(session, world), other_program(session, world)
    elsewhere = other_program(session, world, centre_id=factories.centre(session).id)
    session.commit()
    first = apply(world)
    apply(world, second.id)
    with pytest.raises(DomainError) as refused:
        apply(world, third.id)
    assert refused.value.code == "centre_limit" and refused.value.params == {"max": 2}
    assert apply(world, elsewhere.id).id  # another centre has its own count
    with transaction() as s:
        applying.cancel_application(s, actor=world.actor, application_id=first.id)
    assert apply(world, third.id).id  # a cancelled application no longer counts


def test_limit_per_institution(session: Session, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECANDIDAT_MAX_APPLICATIONS_PER_INSTITUTION", "2")
    reset_settings()
    programs = [other_program(session, world, centre_id=factories.centre(session).id) for _ in range(3)]
    session.commit()
    apply(world, programs[0].id)
    apply(world, programs[1].id)
    with pytest.raises(DomainError) as refused:
        apply(world, programs[2].id)
    assert refused.value.code == "institution_limit"


def test_second_live_application_is_refused_then_allowed_after_cancelling(session: Session, world: World) -> None:
    first = apply(world)
    with pytest.raises(DomainError) as refused:
        apply(world)
    assert refused.value.code == "already_applied"
    with transaction() as s:
        applying.cancel_application(s, actor=world.actor, application_id=first.id)
    assert apply(world).id != first.id


def test_concurrent_insert_hits_the_constraint_and_keeps_the_transaction(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request that lost the race passed the look-up before the winner committed: the index decides."""
    first = apply(world)
    monkeypatch.setattr(applying, "_existing_live_application", lambda *args: None)
    with new_session() as s:
        with pytest.raises(DomainError) as refused:
            applying.apply_to_program(s, actor=world.actor, program_id=world.program.id)
        assert refused.value.code == "already_applied"
        # The savepoint kept the caller's transaction alive: it can still work and commit.
        s.add(Note(application_id=first.id, author_staff_id=factories.staff_member(s).id, body="toujours utilisable"))
        s.commit()
    assert len(session.exec(select(Application)).all()) == 1


def test_two_simultaneous_requests_create_one_application(session: Session, world: World) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click() -> None:
        barrier.wait()
        try:
            apply(world)
            outcomes.append("created")
        except DomainError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["already_applied", "created"]
    assert len(session.exec(select(Application)).all()) == 1


# --- Following ----------------------------------------------------------------------------------------------------


def test_list_shows_status_missing_pieces_published_decision_and_days_left(
    session: Session, world: World, clock
) -> None:
    factories.required_document(session, label_fr="Relevé de notes")
    factories.required_document(session, label_fr="CV")
    factories.required_document(session, label_fr="Attestation", is_conditional=True)
    session.commit()
    application = apply(world)
    docs = {
        d.required_document_id: d
        for d in session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application.id))
    }
    statuses = iter([DocumentStatus.REFUSED, DocumentStatus.SUBMITTED, DocumentStatus.NOT_APPLICABLE])
    for doc in sorted(docs.values(), key=lambda d: d.required_document_id):
        doc.status = next(statuses)
        session.add(doc)
    session.commit()

    [row] = applications_views.list_my_applications(session, actor=world.actor)
    assert row.program_label == world.program.label_fr
    assert row.dossier_status == DossierStatus.PENDING
    assert [p.label for p in row.missing] == ["Relevé de notes"]
    assert row.decision is None and row.confirmation_deadline is None
    # return_by is NOW + 15 days (factory), in Paris calendar days.
    assert row.return_days_left == 15
    assert row.can_cancel is False  # a refused piece is a manager's action

    # An unpublished decision is invisible; once published it shows, with the confirmation deadline.
    decision = factories.decision(session, application_id=application.id, kind=DecisionKind.FAVORABLE)
    session.commit()
    [row] = applications_views.list_my_applications(session, actor=world.actor)
    assert row.decision is None and row.confirmation_deadline is None
    decision.published_at = NOW
    decision.confirmation_deadline = NOW + timedelta(days=20)
    session.add(decision)
    session.commit()
    clock.set(NOW + timedelta(days=19, hours=14))  # 23:00 UTC = next Paris day
    [row] = applications_views.list_my_applications(session, actor=world.actor)
    assert row.decision.kind == DecisionKind.FAVORABLE and row.decision.label == "Avis favorable"
    assert row.confirmation_days_left == 0
    assert row.return_days_left is None  # passed


def test_list_uses_a_constant_number_of_queries(session: Session, world: World) -> None:
    from sqlalchemy import event

    factories.required_document(session)
    programs = [other_program(session, world) for _ in range(4)]
    session.commit()
    for program in programs:
        apply(world, program.id)

    def count(n_programs: int) -> int:
        statements: list[str] = []
        engine = session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            with new_session() as s:
                rows = applications_views.list_my_applications(s, actor=world.actor)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len(rows) == n_programs
        return len(statements)

    four = count(4)
    apply(world)
    assert count(5) == four


def test_detail_shows_pieces_questions_and_refuses_others(session: Session, world: World) -> None:
    factories.required_document(session, label_fr="CV")
    yes_no = factories.question(session, program_id=world.program.id, label_fr="Alternance ?")
    factories.question(session, program_id=other_program(session, world).id)  # another programme's
    session.commit()
    application = apply(world)
    detail = applications_views.get_my_application(session, actor=world.actor, application_id=application.id)
    assert [p.label for p in detail.pieces] == ["CV"]
    assert [q.id for q in detail.questions] == [yes_no.id]
    assert detail.can_answer and detail.summary.can_cancel

    intruder = factories.complete_candidate(session)
    session.commit()
    for call in (
        lambda s: applications_views.get_my_application(s, actor=actor_of(intruder), application_id=application.id),
        lambda s: applying.cancel_application(s, actor=actor_of(intruder), application_id=application.id),
        lambda s: question_answers.answer_question(
            s, actor=actor_of(intruder), application_id=application.id, question_id=yes_no.id, value=True
        ),
    ):
        with new_session() as s, pytest.raises(NotFound):
            call(s)
    # The same answer for an id that does not exist: nothing tells the two apart.
    with new_session() as s, pytest.raises(NotFound):
        applications_views.get_my_application(s, actor=actor_of(intruder), application_id=999_999)
    assert applications_views.list_my_applications(session, actor=actor_of(intruder)) == []


# --- Cancelling ---------------------------------------------------------------------------------------------------


def test_cancel_deletes_pieces_and_tells_candidate_and_committee(session: Session, world: World) -> None:
    factories.required_document(session)
    session.commit()
    application = apply(world)
    with transaction() as s:
        cancelled = applying.cancel_application(s, actor=world.actor, application_id=application.id)
    assert cancelled.cancelled_at == NOW
    assert session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application.id)).all() == []
    assert [m.to_address for m in mails(session, "application_cancelled")] == [world.email]
    assert len(mails(session, "committee_cancellation")) == 1
    assert applications_views.list_my_applications(session, actor=world.actor) == []
    with new_session() as s, pytest.raises(NotFound):
        applying.cancel_application(s, actor=world.actor, application_id=application.id)


@pytest.mark.parametrize("action", ["received", "decision", "unpublished_decision", "validated_piece", "note"])
def test_cancel_refused_after_a_managers_action(session: Session, world: World, action: str) -> None:
    factories.required_document(session)
    session.commit()
    application = apply(world)
    app_row = session.get(Application, application.id)
    if action == "received":
        app_row.dossier_status = DossierStatus.RECEIVED
        session.add(app_row)
    elif action in ("decision", "unpublished_decision"):
        decision = factories.decision(session, application_id=application.id, kind=DecisionKind.UNFAVORABLE)
        if action == "decision":
            decision.published_at = NOW
    elif action == "validated_piece":
        doc = session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application.id)).one()
        doc.status = DocumentStatus.VALIDATED
        session.add(doc)
    else:
        session.add(Note(application_id=application.id, author_staff_id=factories.staff_member(session).id, body="vu"))
    session.commit()
    [row] = applications_views.list_my_applications(session, actor=world.actor)
    assert row.can_cancel is False
    with new_session() as s, pytest.raises(DomainError) as refused:
        applying.cancel_application(s, actor=world.actor, application_id=application.id)
    assert refused.value.code == "cancel_refused"


# --- Questions ----------------------------------------------------------------------------------------------------


def test_questions_are_validated_and_answered_before_the_return_date(session: Session, world: World, clock) -> None:
    yes_no = factories.question(session)
    text = factories.question(session, centre_id=world.centre_id, kind=QuestionKind.TEXT, max_length=10)
    optional = factories.question(session, program_id=world.program.id, kind=QuestionKind.TEXT, is_mandatory=False)
    inactive = factories.question(session, is_active=False)
    elsewhere = factories.question(session, centre_id=factories.centre(session).id)
    session.commit()
    application = apply(world)

    def answer(question_id: int, value):
        with transaction() as s:
            return question_answers.answer_question(
                s, actor=world.actor, application_id=application.id, question_id=question_id, value=value
            )

    def refused(question_id: int, value) -> str:
        with pytest.raises(DomainError) as error:
            answer(question_id, value)
        return error.value.code

    assert answer(yes_no.id, True).bool_value is True
    assert answer(yes_no.id, False).bool_value is False  # changed, not duplicated
    assert refused(yes_no.id, "oui") == "answer_yes_no"
    assert refused(yes_no.id, None) == "answer_required"
    assert refused(text.id, "x" * 11) == "answer_too_long"
    assert refused(text.id, "   ") == "answer_required"
    assert answer(text.id, "  dix lettr ").text_value == "dix lettr"
    assert answer(optional.id, "oui").text_value == "oui"
    assert answer(optional.id, "") is None  # an optional answer can be cleared
    assert refused(inactive.id, True) == "not_found"
    assert refused(elsewhere.id, True) == "not_found"
    assert len(session.exec(select(QuestionAnswer)).all()) == 2

    clock.set(world.program.return_by + timedelta(seconds=1))
    assert refused(yes_no.id, True) == "answers_closed"


# --- Assistance ---------------------------------------------------------------------------------------------------


def test_assistance_goes_to_the_centre_or_the_institution_with_a_copy(session: Session, world: World) -> None:
    def send(**kw) -> str:
        with transaction() as s:
            return send_assistance_request(s, actor=world.actor, **kw)

    from app.config import get_settings
    from app.models import ApplicationCentre

    centre_email = session.get(ApplicationCentre, world.centre_id).contact_email
    assert send(subject="Pièce", message="Bonjour", program_id=world.program.id) == centre_email
    assert send(subject="Compte", message="Bonjour") == get_settings().assistance_email
    first, second = mails(session, "assistance_request")
    assert first.to_address == centre_email and first.cc_addresses == [world.email]
    assert world.program.code in first.subject
    from app.models import Account

    number = session.get(Account, world.candidate.account_id).dossier_number
    assert number in first.body_text and number in second.body_text

    for kw, code in (
        ({"subject": " ", "message": "x"}, "subject_required"),
        ({"subject": "x", "message": "\n "}, "message_required"),
        ({"subject": "x" * 151, "message": "x"}, "subject_too_long"),
        ({"subject": "x", "message": "x" * 5001}, "message_too_long"),
    ):
        with pytest.raises(DomainError) as error:
            send(**kw)
        assert error.value.code == code
    with pytest.raises(NotFound):
        send(subject="x", message="x", program_id=999_999)
    with pytest.raises(DomainError) as error, transaction() as s:
        send_assistance_request(s, actor=Actor.anonymous(), subject="x", message="x")
    assert error.value.code == "forbidden"


def test_assistance_is_throttled(session: Session, world: World) -> None:
    for _ in range(5):
        with transaction() as s:
            send_assistance_request(s, actor=world.actor, subject="x", message="x")
    with pytest.raises(DomainError) as error, transaction() as s:
        send_assistance_request(s, actor=world.actor, subject="x", message="x")
    assert error.value.code == "assistance_throttled"


# --- Return-date reminder -----------------------------------------------------------------------------------------


def test_reminders_are_sent_once_per_return_date_and_not_for_transmitted(session: Session, world: World, clock) -> None:
    factories.required_document(session, label_fr="Lettre de motivation")
    session.commit()
    application = apply(world)
    transmitted_program = other_program(session, world)
    session.commit()
    transmitted = apply(world, transmitted_program.id)
    row = session.get(Application, transmitted.id)
    row.transmitted_at, row.dossier_status = NOW, DossierStatus.RECEIVED
    session.add(row)
    session.commit()

    def run(now: datetime) -> int:
        with transaction() as s:
            return applications_jobs.send_return_date_reminders(s, now)[0]

    return_by = world.program.return_by  # NOW + 15 days
    assert run(return_by - timedelta(days=3, seconds=1)) == 0  # not yet within 3 days
    assert run(return_by - timedelta(days=3)) == 1
    assert run(return_by - timedelta(days=2)) == 0  # already reminded for this date
    [mail] = mails(session, "return_date_reminder")
    assert mail.application_id == application.id and "Lettre de motivation" in mail.body_text

    # Staff grant a later date: a new reminder for the new date.
    session.expire_all()
    row = session.get(Application, application.id)
    row.return_by_override = return_by + timedelta(days=10)
    session.add(row)
    session.commit()
    assert run(return_by + timedelta(days=8)) == 1
    assert run(return_by + timedelta(days=11)) == 0  # past the date: nothing
    assert len(mails(session, "return_date_reminder")) == 2


# --- Live updates -------------------------------------------------------------------------------------------------


def test_changes_are_announced_after_commit_only(session: Session, world: World) -> None:
    seen: list[int] = []

    def listener() -> None:
        seen.append(1)

    notifications.subscribe(world.candidate.id, listener)
    try:
        with pytest.raises(RuntimeError), transaction() as s:
            applying.apply_to_program(s, actor=world.actor, program_id=world.program.id)
            raise RuntimeError("rolled back")
        assert seen == []
        apply(world)
        assert seen == [1]
        # A refused action announces nothing either.
        with pytest.raises(DomainError):
            apply(world)
        assert seen == [1]
    finally:
        notifications.unsubscribe(world.candidate.id, listener)
    assert notifications.subscriber_count(world.candidate.id) == 0


def test_a_candidates_row_is_read_once_per_session_by_the_services_of_one_page(session: Session, world: World) -> None:
    import sqlalchemy as sa

    application = apply(world)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with new_session() as s:
        engine = s.get_bind()
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            first = service.own_candidate(s, world.actor)
            _candidate, again = service.own_application(s, world.actor, application.id)
            assert service.own_candidate(s, world.actor) is first
            reads = [q for q in statements if q.lstrip().startswith("SELECT candidate.")]
            assert len(reads) == 1  # own_application and the second call used the row already read
            assert again.id == application.id
            assert service.own_candidate(s, world.actor, lock=True) is first
            assert len([q for q in statements if q.lstrip().startswith("SELECT candidate.")]) == 2  # a lock asks
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)


def test_an_application_is_read_once_per_session_and_a_cancelled_one_is_not_found_again(
    session: Session, world: World
) -> None:
    import sqlalchemy as sa

    application = apply(world)
    intruder = factories.candidate_actor(session, factories.candidate(session))
    session.commit()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with transaction() as s:
        engine = s.get_bind()
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            _candidate, first = service.own_application(s, world.actor, application.id)
            assert service.own_application(s, world.actor, application.id)[1] is first
            reads = [q for q in statements if q.lstrip().startswith("SELECT application.")]
            assert len(reads) == 1  # the page's services share the row already read
            service.own_application(s, world.actor, application.id, write=True)
            assert len([q for q in statements if q.lstrip().startswith("SELECT application.")]) == 2  # a write asks
            with pytest.raises(NotFound):  # the row read is another candidate's: refused as before
                service.own_application(s, intruder, application.id)
            applying.cancel_application(s, actor=world.actor, application_id=application.id)
            with pytest.raises(NotFound):  # cancelled in this very session: no longer the candidate's
                service.own_application(s, world.actor, application.id)
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
