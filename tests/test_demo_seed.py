"""The demo campus: idempotent, every phase of a campaign on screen relative to the clock, consistent rows."""

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from app import clock as app_clock
from app.models import (
    Account,
    AnswerKind,
    Application,
    Baccalaureate,
    Campaign,
    Candidate,
    CandidateAnswer,
    Decision,
    DecisionKind,
    DocumentStatus,
    DossierStatus,
    IssuedDossierNumber,
    Procedure,
    Program,
    StaffMember,
    StaffRole,
    StaffRoleAssignment,
    SubmittedDocument,
)
from app.services.accounts.passwords import verify_password
from app.services.demo.campus import DEMO_IDENTITIES, seed_demo_campus
from app.services.demo.data import STAFF_PASSWORD

# A summer moment and a winter one, so that both Paris offsets are exercised.
MOMENTS = [datetime(2026, 6, 15, 8, 30, tzinfo=UTC), datetime(2027, 1, 10, 22, 45, tzinfo=UTC)]


@pytest.fixture
def seeded(session: Session, clock) -> Session:
    clock.set(MOMENTS[0])
    assert seed_demo_campus(session) is True
    session.commit()
    return session


def _counts(session: Session) -> dict[str, int]:
    return {t.name: session.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}


def _programs(session: Session) -> list[Program]:
    active = session.exec(select(Campaign).where(Campaign.is_active)).one()
    return list(session.exec(select(Program).where(Program.campaign_id == active.id)).all())


def test_seeding_twice_changes_nothing(seeded: Session) -> None:
    before = _counts(seeded)
    assert seed_demo_campus(seeded) is False
    seeded.commit()
    assert _counts(seeded) == before
    assert before["application"] >= 40 and before["submitteddocument"] > before["application"]


def test_every_phase_of_the_calendar_is_on_screen(seeded: Session) -> None:
    now = app_clock.now()
    programs = _programs(seeded)
    assert len(programs) >= 12
    assert all(p.label_fr and p.label_en and p.keywords and p.capacity and p.info_url for p in programs)
    assert all(".example/" in (p.info_url or "") for p in programs)
    open_now = [p for p in programs if p.window_opens_at <= now < p.window_closes_at]
    assert len(open_now) >= 3
    assert any(p.window_closes_at - now < timedelta(days=2) for p in open_now)
    assert any(p.window_opens_at > now for p in programs)  # not yet open
    closed = [p for p in programs if p.return_by and p.return_by < now]
    published = seeded.exec(select(Application).where(Application.last_decision_published)).all()
    decided = {
        a.program_id for a in seeded.exec(select(Application).where(Application.last_decision_kind.is_not(None)))
    }  # type: ignore[union-attr]
    assert any(p.jury_on and p.jury_on > now and p.id not in decided for p in closed), "closed, awaiting the jury"
    assert any(a.confirmation_deadline and now < a.confirmation_deadline < now + timedelta(days=7) for a in published)
    assert any(p.procedure == Procedure.PAPER for p in programs)
    assert {p.has_waiting_list for p in programs} == {True, False}
    assert any(p.preselection_at and p.preselection_at > now and p.preselection_place for p in programs)
    assert any(p.confirmation_by for p in programs) and any(p.confirmation_delay_days for p in programs)
    active = seeded.exec(select(Campaign).where(Campaign.is_active)).one()
    assert active.starts_on <= app_clock.today_paris() <= active.ends_on
    assert seeded.exec(select(Campaign).where(Campaign.archived_at.is_not(None))).first() is not None  # type: ignore[union-attr]


def test_staff_hold_every_role(seeded: Session) -> None:
    assignments = seeded.exec(select(StaffRoleAssignment)).all()
    assert {a.role for a in assignments} == set(StaffRole)
    assert any(a.is_president for a in assignments if a.role == StaffRole.COMMITTEE_MEMBER)
    roles_by_staff: dict[int, Counter[StaffRole]] = defaultdict(Counter)
    for a in assignments:
        roles_by_staff[a.staff_id][a.role] += 1
    assert any(r[StaffRole.CENTRE_MANAGER] >= 2 and r[StaffRole.COMMITTEE_MEMBER] >= 1 for r in roles_by_staff.values())
    staff = seeded.exec(select(StaffMember)).all()
    assert all(s.email.endswith("@univ-orleans.example") and s.password_hash for s in staff)


def test_candidates_and_their_accounts(seeded: Session) -> None:
    candidates = seeded.exec(select(Candidate)).all()
    accounts = seeded.exec(select(Account)).all()
    assert len(candidates) >= 30
    numbers = [a.dossier_number for a in accounts]
    assert all(re.fullmatch(r"[0-9A-Z]{8}", n) for n in numbers) and len(set(numbers)) == len(numbers)
    issued = set(seeded.exec(select(IssuedDossierNumber.number)).all())
    assert set(numbers) <= issued
    assert all(a.email == a.email.lower() and a.email.endswith(".example") for a in accounts)
    assert sum(a.activated_at is None for a in accounts) == 1
    assert all(re.fullmatch(r"[A-Z' -]+", c.birth_name + c.first_names) for c in candidates)
    assert any(not re.fullmatch(r"[A-Za-z' -]+", a.last_name + a.first_name) for a in accounts)  # accents kept
    assert sum(c.ine is None for c in candidates) >= 2  # foreign candidates
    assert any(c.student_number for c in candidates)
    with_bac = set(seeded.exec(select(Baccalaureate.candidate_id)).all())
    applying = set(seeded.exec(select(Application.candidate_id)).all())
    assert any(c.id not in with_bac and c.id not in applying for c in candidates)


def test_applications_in_every_state(seeded: Session) -> None:
    apps = seeded.exec(select(Application)).all()
    live = [a for a in apps if a.cancelled_at is None]
    assert {a.dossier_status for a in live} == set(DossierStatus)
    assert any(a.cancelled_at for a in apps)
    for published in (True, False):
        kinds = {a.last_decision_kind for a in live if a.last_decision_published is published}
        assert set(DecisionKind) <= kinds, f"published={published}: {kinds}"
    assert {a.answer for a in live} >= {AnswerKind.CONFIRMED, AnswerKind.WITHDRAWN, None}
    assert any(a.called_from_waiting_list_at for a in live)
    pending = [a for a in live if a.dossier_status == DossierStatus.PENDING]
    statuses = {a.id: set() for a in apps}
    for doc in seeded.exec(select(SubmittedDocument)).all():
        statuses[doc.application_id].add(doc.status)
    assert any(DocumentStatus.PENDING in statuses[a.id] for a in pending)
    assert any(statuses[a.id] <= {DocumentStatus.SUBMITTED, DocumentStatus.NOT_APPLICABLE} for a in pending)


def test_rows_are_consistent(seeded: Session) -> None:
    now = app_clock.now()
    programs = {p.id: p for p in seeded.exec(select(Program)).all()}
    decisions: dict[int, list[Decision]] = defaultdict(list)
    for dec in seeded.exec(select(Decision).order_by(Decision.entered_at, Decision.id)).all():
        decisions[dec.application_id].append(dec)
    answers: dict[int, list[CandidateAnswer]] = defaultdict(list)
    for ans in seeded.exec(select(CandidateAnswer).order_by(CandidateAnswer.at)).all():
        answers[ans.application_id].append(ans)
    documents: dict[int, list[SubmittedDocument]] = defaultdict(list)
    for doc in seeded.exec(select(SubmittedDocument)).all():
        documents[doc.application_id].append(doc)
    for app in seeded.exec(select(Application)).all():
        prog = programs[app.program_id]
        assert (app.committee_id, app.centre_id, app.campaign_id) == (
            prog.committee_id,
            prog.centre_id,
            prog.campaign_id,
        )
        assert prog.window_opens_at <= app.created_at <= now
        last = decisions[app.id][-1] if decisions[app.id] else None
        assert app.last_decision_kind == (last.kind if last else None)
        assert app.last_decision_published == bool(last and last.published_at)
        assert app.confirmation_deadline == (last.confirmation_deadline if last else None)
        if last and last.kind == DecisionKind.FAVORABLE and last.published_at:
            assert app.confirmation_deadline and app.confirmation_deadline > last.published_at
        if last and last.kind == DecisionKind.UNFAVORABLE:
            assert last.refusal_reason_id
        if last and last.kind == DecisionKind.PRESELECTION:
            assert last.preselection_at and last.preselection_place
        assert (app.waiting_list_rank is not None) == (last is not None and last.kind == DecisionKind.WAITING_LIST)
        assert app.answer == (answers[app.id][-1].kind if answers[app.id] else None)
        assert app.answer_at == (answers[app.id][-1].at if answers[app.id] else None)
        statuses = {doc.status for doc in documents[app.id]}
        assert statuses, "every application lists its pieces"
        if app.dossier_status != DossierStatus.PENDING:
            assert app.received_at and app.dossier_status_at >= app.received_at
            assert DocumentStatus.PENDING not in statuses
        if app.transmitted_at:
            assert app.transmitted_at <= (prog.return_by or now)
        if app.dossier_status == DossierStatus.COMPLETE:
            assert app.complete_at and statuses <= {DocumentStatus.VALIDATED, DocumentStatus.NOT_APPLICABLE}
        if app.dossier_status == DossierStatus.INCOMPLETE:
            assert any(d.status == DocumentStatus.REFUSED and d.comment for d in documents[app.id])
        if last:
            assert app.dossier_status in {DossierStatus.COMPLETE, DossierStatus.INCOMPLETE} and app.cancelled_at is None
        assert all(d.merged_file_id is None for d in documents[app.id])


def test_waiting_lists_and_capacity(seeded: Session) -> None:
    by_program: dict[int, list[Application]] = defaultdict(list)
    for app in seeded.exec(select(Application).where(Application.cancelled_at.is_(None))).all():  # type: ignore[union-attr]
        by_program[app.program_id].append(app)
    for program_id, apps in by_program.items():
        program = seeded.get(Program, program_id)
        assert program is not None
        offers = [
            a for a in apps if a.last_decision_kind == DecisionKind.FAVORABLE and a.answer != AnswerKind.WITHDRAWN
        ]
        assert len(offers) <= (program.capacity or 0), program.code
        for published in (True, False):
            ranks = sorted(
                a.waiting_list_rank
                for a in apps
                if a.last_decision_kind == DecisionKind.WAITING_LIST and a.last_decision_published is published
            )
            assert ranks == list(range(1, len(ranks) + 1)), program.code
            if ranks:
                assert program.has_waiting_list
    full = [
        p
        for p in _programs(seeded)
        if p.has_waiting_list and any(a.called_from_waiting_list_at for a in by_program[p.id])
    ]
    assert full, "a programme called its waiting list"


def test_demo_identities_sign_in(seeded: Session) -> None:
    kinds = Counter(i.kind for i in DEMO_IDENTITIES)
    assert kinds["candidate"] >= 2 and kinds["staff"] >= 5
    for identity in DEMO_IDENTITIES:
        assert identity.label_fr and identity.label_en
        if identity.kind == "candidate":
            account = seeded.exec(select(Account).where(Account.dossier_number == identity.login)).one()
            assert account.activated_at is not None
            password_hash = account.password_hash
        else:
            staff = seeded.exec(select(StaffMember).where(StaffMember.login == identity.login)).one()
            password_hash = staff.password_hash
        assert verify_password(password_hash, identity.password), identity.login
    roles = {
        a.role
        for a in seeded.exec(select(StaffRoleAssignment).join(StaffMember)).all()
        if seeded.get(StaffMember, a.staff_id).login in {i.login for i in DEMO_IDENTITIES}  # type: ignore[union-attr]
    }
    assert roles == set(StaffRole)


def test_dates_follow_the_clock(session: Session, clock) -> None:
    moment = clock.set(MOMENTS[1] + timedelta(days=365))
    assert seed_demo_campus(session) is True
    session.commit()
    programs = _programs(session)
    assert any(p.window_opens_at <= moment < p.window_closes_at for p in programs)
    assert any(p.window_opens_at > moment for p in programs)
    active = session.exec(select(Campaign).where(Campaign.is_active)).one()
    assert active.code == "2028"
    assert active.starts_on <= app_clock.today_paris() <= active.ends_on


def test_the_demo_managers_have_sent_messages_to_a_selection(seeded: Session) -> None:
    from app.models import AuditEvent, OutboxMail, StaffMessage, StaffMessageRecipient

    messages = seeded.exec(select(StaffMessage)).all()
    assert len(messages) == 2 and all(m.recipients > 0 for m in messages)
    recipients = seeded.exec(select(StaffMessageRecipient)).all()
    assert len(recipients) == sum(m.recipients for m in messages)
    mail_ids = {r.outbox_mail_id for r in recipients}
    mails = seeded.exec(select(OutboxMail).where(OutboxMail.code == "staff_message")).all()
    assert {m.id for m in mails} == mail_ids
    from app.models import Account

    for mail in mails:  # English readers get the English text where the sender wrote one
        account = seeded.get(Account, mail.account_id)
        assert account is not None and mail.language in {account.language, "fr"}
    history = seeded.exec(select(AuditEvent.application_id).where(AuditEvent.action == "message.sent")).all()
    assert sorted(history) == sorted(i for r in recipients for i in r.application_ids)


def test_the_demo_has_a_scored_programme_to_rank(seeded: Session) -> None:
    from app.models import AuditEvent, Score, ScoringCriterion
    from app.services.platform.actors import Actor
    from app.services.scoring.ranking import program_ranking, propose

    program = seeded.exec(select(Program).where(Program.code == "M-INFO-IA")).one()
    criteria = seeded.exec(select(ScoringCriterion).where(ScoringCriterion.program_id == program.id)).all()
    assert len(criteria) == 3
    scores = seeded.exec(select(Score)).all()
    assert len({s.staff_id for s in scores}) == 2  # several members, each keeping their own scores
    assert seeded.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "score.entered")).one()
    manager = seeded.exec(select(StaffMember).where(StaffMember.login == "jroussel")).one()
    role = seeded.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == manager.id)).first()
    actor = Actor("staff", staff_id=manager.id, role_assignment_id=role.id)
    view = program_ranking(seeded, actor=actor, program_id=program.id)
    scored = [row for row in view.rows if row.score is not None]
    assert len(scored) >= 2 and scored == sorted(scored, key=lambda row: -row.score)
    assert any(row.score is None for row in view.rows)  # one left to score, listed last
    assert propose(seeded, actor=actor, program_id=program.id, waiting_places=1, excluded=set()).rows


def test_the_demo_shows_a_bouncing_address_and_mails_that_did_not_arrive(seeded: Session) -> None:
    from app.models import MailStatus, OutboxMail
    from app.services.admin import failed_mails
    from app.services.demo import data as d
    from app.services.demo.mail_failures import BOUNCING, RETRYING
    from app.services.platform.actors import Actor

    flagged = seeded.exec(select(Account).where(Account.email_bounced_at.is_not(None))).all()  # type: ignore[union-attr]
    assert [a.dossier_number for a in flagged] == [d.DOSSIER_NUMBERS[BOUNCING]]
    assert "550 5.1.1" in flagged[0].email_bounce_reason
    assert any(i.login == flagged[0].dossier_number for i in DEMO_IDENTITIES)  # one can sign in as her
    office = seeded.exec(
        select(StaffRoleAssignment).where(StaffRoleAssignment.role == StaffRole.CENTRAL_OFFICE)
    ).first()
    assert office is not None
    actor = Actor("staff", staff_id=office.staff_id, role_assignment_id=office.id)
    rows = failed_mails.list_failed_mails(seeded, actor=actor).rows
    assert sorted((r.state, r.permanent) for r in rows) == [("failed", True), ("retrying", False)]
    assert all(r.application_id is not None and r.last_error for r in rows)
    retrying = seeded.exec(select(OutboxMail).where(OutboxMail.attempts == 3)).one()
    assert retrying.status == MailStatus.PENDING and retrying.next_attempt_at > app_clock.now()
    assert retrying.to_address.startswith(d.PEOPLE_BY_KEY[RETRYING].first.lower())


def test_the_account_desk_has_a_member_and_a_duplicate_pair_to_merge(seeded: Session) -> None:
    from app.services.accounts import desk, desk_merge
    from app.services.demo import data as demo_data
    from app.services.platform.actors import Actor

    member = seeded.exec(select(StaffMember).where(StaffMember.login == "cguichard")).one()
    role = seeded.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == member.id)).one()
    assert role.role == StaffRole.ACCOUNT_DESK
    actor = Actor("staff", staff_id=member.id, role_assignment_id=role.id)
    found = desk.search_accounts(seeded, actor=actor, text="theo nguyen")
    numbers = {row.dossier_number for row in found.rows}
    assert numbers == {demo_data.DOSSIER_NUMBERS[demo_data.DUPLICATE_OF], demo_data.DUPLICATE_DOSSIER_NUMBER}
    kept, dropped = sorted(found.rows, key=lambda r: r.dossier_number != demo_data.DOSSIER_NUMBERS["c03"])
    preview = desk_merge.preview_merge(seeded, actor=actor, kept_id=kept.account_id, dropped_id=dropped.account_id)
    assert preview.refusals == []
    assert {line.label: line.count for line in preview.moved} == {"Expériences professionnelles": 1}


def test_the_demo_has_interviews_booked_one_marked_absent_and_one_candidate_to_choose(seeded: Session) -> None:
    from app.models import Attendance, InterviewSlot, OutboxMail, SlotBooking
    from app.services.demo.data import DOSSIER_NUMBERS

    program = seeded.exec(select(Program).where(Program.code == "ING-GC")).one()
    slots = seeded.exec(select(InterviewSlot).where(InterviewSlot.program_id == program.id)).all()
    now = app_clock.now()
    assert len(slots) == 5 and all(s.is_published and s.cancelled_at is None for s in slots)
    bookings = seeded.exec(
        select(SlotBooking, Account.dossier_number, InterviewSlot.starts_at)
        .join(InterviewSlot, InterviewSlot.id == SlotBooking.slot_id)
        .join(Application, Application.id == SlotBooking.application_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Account, Account.id == Candidate.account_id)
    ).all()
    booked = {number: (booking.attendance, starts_at < now) for booking, number, starts_at in bookings}
    assert booked == {
        DOSSIER_NUMBERS["c10"]: (Attendance.ABSENT, True),
        DOSSIER_NUMBERS["c08"]: (Attendance.EXPECTED, False),
    }
    shortlisted = seeded.exec(
        select(Account.dossier_number)
        .join(Candidate, Candidate.account_id == Account.id)
        .join(Application, Application.candidate_id == Candidate.id)
        .where(
            Application.program_id == program.id,
            Application.last_decision_kind == DecisionKind.PRESELECTION,
            Application.last_decision_published,
        )
    ).all()
    assert DOSSIER_NUMBERS["c14"] in shortlisted  # shortlisted, no slot yet: the interview journey books one
    assert seeded.exec(select(OutboxMail.id).where(OutboxMail.code == "interview_booked")).first() is not None


def test_the_demo_has_a_programme_examined_by_two_committees_with_opinions(seeded: Session) -> None:
    from app.models import CommitteeOpinion, OutboxMail, ProgramCommittee

    listed = seeded.exec(select(ProgramCommittee).order_by(ProgramCommittee.position)).all()
    assert [row.role_fr for row in listed] == ["Examen pédagogique", "Avis du directeur"]
    program = seeded.get(Program, listed[0].program_id)
    assert program is not None and program.code == "M-INFO-IA"
    for row in listed:  # a demo member per examining committee, who signs in with the staff password
        member = seeded.exec(
            select(StaffMember)
            .join(StaffRoleAssignment, StaffRoleAssignment.staff_id == StaffMember.id)
            .where(StaffRoleAssignment.committee_id == row.committee_id)
        ).one()
        assert verify_password(member.password_hash, STAFF_PASSWORD), member.login
    opinions = seeded.exec(select(CommitteeOpinion)).all()
    assert len(opinions) == 4 and len({o.application_id for o in opinions}) == 3
    assert [row.required for row in listed] == [False, True]  # the director's opinion is the required one
    # The required opinion in on two applications (c05, c04): the programme's committee was told of each.
    assert len(seeded.exec(select(OutboxMail).where(OutboxMail.code == "committee_opinions_complete")).all()) == 2
