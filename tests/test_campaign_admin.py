"""Campaigns: create, edit, archive, and the switch to a new campaign (services)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import clock as app_clock
from app.db import transaction
from app.models import (
    Application,
    AuditEvent,
    Campaign,
    Candidate,
    Program,
    Question,
    RequiredDocument,
    Scope,
    StaffRole,
)
from app.services.admin.common import StaleEdit
from app.services.applications import applying, question_answers
from app.services.applications import views as applications_views
from app.services.dossier.schemas import DossierInvalid
from app.services.offer import campaigns
from app.services.offer.campaigns import Shift
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden, NotFound
from app.services.review import staff_view as staff_review
from tests import factories

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def staff_actor(session: Session, role: StaffRole, **kw) -> Actor:
    assignment = factories.staff_with_role(session, role, **kw)
    return Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)


def values(**kw) -> dict:
    base = {
        "code": "2027",
        "label_fr": "Campagne 2027",
        "label_en": "2027 intake",
        "starts_on": date(2026, 10, 1),
        "ends_on": date(2027, 9, 30),
        "sign_in_closes_at": None,
        "definitive_acceptance": False,
    }
    return base | kw


@dataclass
class World:
    admin: Actor
    old: Campaign
    program: Program
    inactive_program: Program
    candidate: Candidate
    application: Application


@pytest.fixture
def world(session: Session, clock) -> World:
    clock.set(NOW)
    admin = staff_actor(session, StaffRole.CENTRAL_OFFICE)
    old = factories.campaign(session, code="2026", starts_on=date(2025, 10, 1), ends_on=date(2026, 9, 30))
    centre = factories.centre(session)
    committee = factories.committee(session, centre.id)
    paris = app_clock.paris_datetime
    program = factories.program(
        session,
        campaign_id=old.id,
        centre_id=centre.id,
        committee_id=committee.id,
        code="M-INFO",
        window_opens_at=paris(2026, 2, 1, 9, 0),
        window_closes_at=paris(2026, 4, 15, 23, 59),
        return_by=paris(2026, 4, 22, 23, 59),
        jury_on=paris(2026, 5, 12, 14, 0),
        publication_on=paris(2026, 5, 20, 10, 0),
        confirmation_delay_days=7,
        preselection_at=paris(2026, 5, 5, 9, 30),
    )
    inactive = factories.program(session, campaign_id=old.id, centre_id=centre.id, committee_id=committee.id)
    inactive.is_active = False
    factories.required_document(session, code="LM-M-INFO-2026", program_id=program.id, label_fr="Lettre")
    factories.required_document(session, code="CV-M-INFO", program_id=program.id, is_shared=True)
    factories.required_document(session, code="OLD-CV", program_id=program.id, is_active=False)
    factories.required_document(session, code="BAC")  # institution-wide: not copied
    factories.question(session, code="Q-ALT", program_id=program.id)
    candidate = factories.complete_candidate(session, campaign_id=old.id)
    session.commit()
    with transaction() as s:
        application = applying.apply_to_program(
            s, actor=Actor("candidate", account_id=candidate.account_id), program_id=program.id
        )
    return World(admin, old, program, inactive, candidate, application)


def create(session: Session, actor: Actor, **kw) -> Campaign:
    campaign = campaigns.save_campaign(
        session, actor=actor, campaign_id=None, expected_version=None, values=values(**kw)
    )
    session.commit()
    return campaign


def switch(session: Session, w: World, new: Campaign, shift: Shift | None = None) -> campaigns.SwitchResult:
    result = campaigns.switch_campaign(
        session, actor=w.admin, new_campaign_id=new.id, expected_version=new.version, shift=shift
    )
    session.commit()
    return result


# --- Creating and editing ------------------------------------------------------------------------------------------


def test_a_new_campaign_is_prepared_not_active_and_audited(session: Session, world: World) -> None:
    new = create(session, world.admin, code=" c-27 ")
    assert (new.code, new.is_active, new.archived_at) == ("C-27", False, None)
    assert campaigns.campaign_state(new) == "prepared"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "campaign.created")).one()
    assert event.entity_id == new.id and event.after["code"] == "C-27"
    lines = campaigns.list_campaigns(session, actor=world.admin)
    assert [(line.campaign.code, line.state, line.programs, line.applications) for line in lines] == [
        ("C-27", "prepared", 0, 0),
        ("2026", "active", 2, 1),
    ]


def test_fields_are_checked_one_by_one(session: Session, world: World) -> None:
    with pytest.raises(DossierInvalid) as refused:
        campaigns.save_campaign(
            session,
            actor=world.admin,
            campaign_id=None,
            expected_version=None,
            values=values(code="deux mots", label_fr="", starts_on=None),
        )
    assert set(refused.value.errors) == {"code", "label_fr", "starts_on"}
    with pytest.raises(DossierInvalid) as refused:
        campaigns.save_campaign(
            session,
            actor=world.admin,
            campaign_id=None,
            expected_version=None,
            values=values(ends_on=date(2026, 9, 1), sign_in_closes_at=app_clock.paris_datetime(2026, 9, 1)),
        )
    assert set(refused.value.errors) == {"ends_on", "sign_in_closes_at"}
    with pytest.raises(DossierInvalid) as refused:
        create(session, world.admin, code="2026")
    assert refused.value.errors == {"code": "Une autre campagne porte déjà ce code."}


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(session: Session, world: World) -> None:
    new = create(session, world.admin)
    opened = new.version
    campaigns.save_campaign(
        session,
        actor=world.admin,
        campaign_id=new.id,
        expected_version=opened,
        values=values(label_fr="Campagne 2026-2027"),
    )
    session.commit()
    with pytest.raises(StaleEdit):
        campaigns.save_campaign(
            session, actor=world.admin, campaign_id=new.id, expected_version=opened, values=values(label_fr="Autre")
        )
    session.rollback()
    assert session.get(Campaign, new.id).label_fr == "Campagne 2026-2027"


@pytest.mark.parametrize("role", [StaffRole.CENTRE_MANAGER, StaffRole.COMMITTEE_MEMBER])
def test_centre_managers_and_committee_members_are_refused(session: Session, world: World, role: StaffRole) -> None:
    centre = factories.centre(session)
    scope = {"centre_id": centre.id} if role == StaffRole.CENTRE_MANAGER else {}
    if role == StaffRole.COMMITTEE_MEMBER:
        scope = {"committee_id": factories.committee(session, centre.id).id}
    actor = staff_actor(session, role, **scope)
    with pytest.raises(Forbidden):
        campaigns.list_campaigns(session, actor=actor)
    with pytest.raises(Forbidden):
        campaigns.save_campaign(session, actor=actor, campaign_id=None, expected_version=None, values=values())
    with pytest.raises(Forbidden):
        campaigns.switch_campaign(session, actor=actor, new_campaign_id=world.old.id, expected_version=None)
    with pytest.raises(Forbidden):
        campaigns.list_campaigns(session, actor=Actor("candidate", account_id=world.candidate.account_id))


def test_a_read_only_central_office_sees_but_cannot_change(session: Session, world: World) -> None:
    reader = staff_actor(session, StaffRole.CENTRAL_OFFICE, read_only=True)
    assert len(campaigns.list_campaigns(session, actor=reader)) == 1
    with pytest.raises(Forbidden):
        campaigns.save_campaign(session, actor=reader, campaign_id=None, expected_version=None, values=values())
    with pytest.raises(Forbidden):
        campaigns.archive_campaign(session, actor=reader, campaign_id=world.old.id, expected_version=None)


# --- The switch ----------------------------------------------------------------------------------------------------


def test_switch_archives_the_old_campaign_and_activates_the_new_one(session: Session, world: World) -> None:
    new = create(session, world.admin)
    result = switch(session, world, new)
    old = session.get(Campaign, world.old.id)
    new = session.get(Campaign, new.id)
    assert (old.is_active, old.archived_at) == (False, NOW)
    assert (new.is_active, new.activated_at, new.previous_campaign_id) == (True, NOW, old.id)
    assert campaigns.active_campaign(session).id == new.id
    assert (result.programs_copied, result.documents_copied, result.questions_copied) == (1, 2, 1)
    assert result.shift_days == (date(2026, 10, 1) - date(2025, 10, 1)).days == 365
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "campaign.switched")).one()
    assert event.before == {"active_campaign": "2026"} and event.after["programs_copied"] == 1


def test_switch_copies_active_programmes_with_shifted_calendars_pieces_and_questions(
    session: Session, world: World
) -> None:
    new = create(session, world.admin)
    switch(session, world, new)
    copies = session.exec(select(Program).where(Program.campaign_id == new.id)).all()
    assert [p.code for p in copies] == ["M-INFO"]  # the inactive programme stays behind
    copy, source = copies[0], world.program
    paris = app_clock.paris_datetime
    # 365 days later, at the same Paris wall-clock time (summer time included).
    assert copy.window_opens_at == paris(2027, 2, 1, 9, 0)
    assert copy.window_closes_at == paris(2027, 4, 15, 23, 59)
    assert copy.return_by == paris(2027, 4, 22, 23, 59)
    assert copy.jury_on == paris(2027, 5, 12, 14, 0)
    assert copy.publication_on == paris(2027, 5, 20, 10, 0)
    assert copy.preselection_at == paris(2027, 5, 5, 9, 30)
    assert copy.confirmation_by is None and copy.confirmation_delay_days == 7
    assert (copy.centre_id, copy.committee_id, copy.capacity, copy.label_fr) == (
        source.centre_id,
        source.committee_id,
        source.capacity,
        source.label_fr,
    )
    pieces = session.exec(select(RequiredDocument).where(RequiredDocument.program_id == copy.id)).all()
    assert sorted((p.code, p.is_shared) for p in pieces) == [("CV-M-INFO-2027", True), ("LM-M-INFO-2027", False)]
    assert {p.scope for p in pieces} == {Scope.PROGRAM}
    questions = session.exec(select(Question).where(Question.program_id == copy.id)).all()
    assert [q.code for q in questions] == ["Q-ALT-2027"]
    # The old programme keeps its own rows: old applications still point at them.
    assert len(session.exec(select(RequiredDocument).where(RequiredDocument.program_id == source.id)).all()) == 3


def test_switch_by_a_number_of_days_or_years(session: Session, world: World) -> None:
    new = create(session, world.admin)
    switch(session, world, new, Shift("years", 1))
    copy = session.exec(select(Program).where(Program.campaign_id == new.id)).one()
    assert copy.window_closes_at == app_clock.paris_datetime(2027, 4, 15, 23, 59)
    shift = Shift("days", 10)
    assert shift.apply(app_clock.paris_datetime(2026, 3, 25, 12, 0), days=10) == app_clock.paris_datetime(
        2026, 4, 4, 12, 0
    )  # across the change to summer time
    assert Shift("years", 1).apply(app_clock.paris_datetime(2028, 2, 29, 8, 0), days=0) == app_clock.paris_datetime(
        2029, 2, 28, 8, 0
    )
    with pytest.raises(DossierInvalid) as refused:
        campaigns.switch_campaign(
            session, actor=world.admin, new_campaign_id=new.id, expected_version=None, shift=Shift("days", 0)
        )
    assert set(refused.value.errors) == {"amount"}


def test_old_applications_stay_readable_but_candidates_can_no_longer_change_them(
    session: Session, world: World
) -> None:
    new = create(session, world.admin)
    switch(session, world, new)
    candidate = Actor("candidate", account_id=world.candidate.account_id)
    mine = applications_views.list_my_applications(session, actor=candidate)
    assert [a.id for a in mine] == [world.application.id]
    detail = applications_views.get_my_application(session, actor=candidate, application_id=world.application.id)
    assert detail.summary.program_code == "M-INFO"
    with pytest.raises(DomainError) as refused:
        applying.cancel_application(session, actor=candidate, application_id=world.application.id)
    assert refused.value.code == "campaign_archived"
    session.rollback()
    question = session.exec(select(Question).where(Question.code == "Q-ALT")).one()
    with pytest.raises(DomainError) as refused:
        question_answers.answer_question(
            session, actor=candidate, application_id=world.application.id, question_id=question.id, value=True
        )
    assert refused.value.code == "campaign_archived"
    session.rollback()
    assert session.get(Application, world.application.id).cancelled_at is None
    # Staff still open it.
    view = staff_review.open_application_for_staff(session, actor=world.admin, application_id=world.application.id)
    assert view.application.id == world.application.id and view.application.campaign_id == world.old.id


def test_the_new_campaign_is_open_for_applying(session: Session, world: World, clock) -> None:
    new = create(session, world.admin)
    switch(session, world, new)
    copy = session.exec(select(Program).where(Program.campaign_id == new.id)).one()
    candidate = Actor("candidate", account_id=world.candidate.account_id)
    with transaction() as s, pytest.raises(NotFound):
        applying.apply_to_program(s, actor=candidate, program_id=world.program.id)  # the old offer is closed
    clock.set(copy.window_opens_at + timedelta(days=1))
    with transaction() as s:
        application = applying.apply_to_program(s, actor=candidate, program_id=copy.id)
    assert application.campaign_id == new.id
    live = session.exec(
        select(Application).where(
            Application.candidate_id == world.candidate.id, col(Application.cancelled_at).is_(None)
        )
    ).all()
    assert {a.campaign_id for a in live} == {world.old.id, new.id}


def test_only_one_campaign_can_be_active(session: Session, world: World) -> None:
    session.add(
        Campaign(
            code="X", label_fr="X", label_en="X", starts_on=date(2027, 1, 1), ends_on=date(2027, 2, 1), is_active=True
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_switch_refusals(session: Session, world: World) -> None:
    with pytest.raises(DomainError) as refused:
        campaigns.switch_campaign(session, actor=world.admin, new_campaign_id=world.old.id, expected_version=None)
    assert refused.value.code == "switch_to_active"
    session.rollback()
    earlier = create(session, world.admin, code="2025", starts_on=date(2024, 10, 1), ends_on=date(2025, 9, 30))
    with pytest.raises(DomainError) as refused:
        campaigns.switch_campaign(session, actor=world.admin, new_campaign_id=earlier.id, expected_version=None)
    assert refused.value.code == "switch_backwards"
    session.rollback()
    new = create(session, world.admin)
    with pytest.raises(StaleEdit):
        campaigns.switch_campaign(session, actor=world.admin, new_campaign_id=new.id, expected_version=new.version + 1)
    session.rollback()
    switch(session, world, new)
    with pytest.raises(DomainError) as refused:
        campaigns.switch_campaign(session, actor=world.admin, new_campaign_id=world.old.id, expected_version=None)
    assert refused.value.code == "switch_to_archived"
    session.rollback()
    with pytest.raises(DomainError) as refused:
        campaigns.save_campaign(
            session, actor=world.admin, campaign_id=world.old.id, expected_version=None, values=values(code="2026")
        )
    assert refused.value.code == "campaign_archived_edit"
    session.rollback()
    assert session.get(Campaign, new.id).is_active


def test_programmes_already_in_the_new_campaign_are_kept(session: Session, world: World) -> None:
    new = create(session, world.admin)
    factories.program(
        session,
        campaign_id=new.id,
        centre_id=world.program.centre_id,
        committee_id=world.program.committee_id,
        code="M-INFO",
        label_fr="Déjà prête",
    )
    session.commit()
    result = switch(session, world, new)
    assert (result.programs_copied, result.programs_skipped) == (0, ["M-INFO"])
    assert session.exec(select(Program.label_fr).where(Program.campaign_id == new.id)).all() == ["Déjà prête"]


def test_first_activation_without_an_active_campaign(session: Session, world: World) -> None:
    campaigns.archive_campaign(session, actor=world.admin, campaign_id=world.old.id, expected_version=None)
    session.commit()
    assert campaigns.active_campaign(session) is None
    new = create(session, world.admin)
    result = switch(session, world, new)
    assert result.old_campaign is None and result.programs_copied == 0
    assert session.get(Campaign, new.id).is_active
    with pytest.raises(DomainError) as refused:
        campaigns.archive_campaign(session, actor=world.admin, campaign_id=world.old.id, expected_version=None)
    assert refused.value.code == "campaign_already_archived"


def test_derived_codes_are_unique_and_short_enough() -> None:
    taken = {"LM-2027"}
    assert campaigns.derive_code("LM-2026", old_suffix="2026", new_suffix="2027", taken=taken) == "LM-2027-2"
    assert campaigns.derive_code("LM", old_suffix="2026", new_suffix="2027", taken=taken) == "LM-2027-3"
    long = campaigns.derive_code("X" * 30, old_suffix="2026", new_suffix="2027", taken=set())
    assert len(long) == 30 and long.endswith("-2027")
