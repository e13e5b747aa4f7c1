"""Administration of the offer: centres, diploma types, committees (members, signature), programmes and their
calendar, dates of several programmes at once; rights per role; concurrent edits refused."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import Session, select

from app import clock as app_clock
from app.db import new_session, transaction
from app.models import (
    Application,
    ApplicationCentre,
    AuditEvent,
    Committee,
    DecisionKind,
    FileKind,
    Program,
    StaffRole,
    StaffRoleAssignment,
    StoredFile,
)
from app.services.admin import centres as admin_centres
from app.services.admin import committee_members as members
from app.services.admin import committees as admin_committees
from app.services.admin import diploma_types as admin_diploma_types
from app.services.admin import program_dates as bulk
from app.services.admin import programs as admin_programs
from app.services.admin.common import StaleEdit
from app.services.decisions import committee_signature as signature
from app.services.decisions.letters import letter_context
from app.services.dossier.schemas import DossierInvalid
from app.services.offer import calendar_rules as cal
from app.services.platform import file_store
from app.services.platform.errors import DomainError, Forbidden
from tests import factories

NOW = app_clock.paris_datetime(2026, 3, 10, 10)


def at(days: int, hour: int = 12) -> object:
    moment = NOW + timedelta(days=days)
    return moment.replace(hour=hour % 24)


@pytest.fixture
def w(session: Session, clock) -> SimpleNamespace:
    clock.set(NOW)
    campaign = factories.campaign(session)
    centre = factories.centre(
        session,
        default_window_opens_at=NOW + timedelta(days=5),
        default_window_closes_at=NOW + timedelta(days=40),
        default_return_by=NOW + timedelta(days=45),
        default_jury_on=NOW + timedelta(days=60),
    )
    other = factories.centre(session, managers_edit_offer=True)
    committee = factories.committee(session, centre.id)
    other_committee = factories.committee(session, other.id)
    diploma = factories.diploma_type(session)
    ns = SimpleNamespace(
        campaign=campaign,
        centre=centre,
        other=other,
        committee=committee,
        other_committee=other_committee,
        diploma=diploma,
        admin=factories.staff_actor(session, StaffRole.ADMINISTRATOR),
        office=factories.staff_actor(session, StaffRole.CENTRAL_OFFICE),
        manager=factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centre.id),
        other_manager=factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=other.id),
        member=factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=committee.id),
    )
    read_only = factories.staff_with_role(session, StaffRole.CENTRE_MANAGER, centre_id=centre.id, read_only=True)
    from app.services.platform.actors import Actor

    ns.read_only_manager = Actor("staff", staff_id=read_only.staff_id, role_assignment_id=read_only.id)
    session.commit()
    return ns


def allow_centre(centre_id: int, allowed: bool = True) -> None:
    with transaction() as session:
        centre = session.get(ApplicationCentre, centre_id)
        centre.managers_edit_offer = allowed
        session.add(centre)


def draft(w: SimpleNamespace, actor=None, **values) -> Program:
    with transaction() as session:
        program = admin_programs.new_program(session, actor=actor or w.office, centre_id=w.centre.id)
    program.committee_id = program.committee_id or w.committee.id
    program.diploma_type_id = w.diploma.id
    program.code = "m1-info"
    program.label_fr = "Master Informatique"
    program.label_en = "Master in Computer Science"
    program.capacity = 30
    for name, value in values.items():
        setattr(program, name, value)
    return program


def save(program: Program, actor, **kw) -> Program:
    with transaction() as session:
        return admin_programs.save_program(session, actor=actor, program=program, **kw)


def saved_program(w: SimpleNamespace, **values) -> Program:
    return save(draft(w, **values), w.office)


def edit_copy(program_id: int) -> Program:
    """The programme as a form loads it: a detached copy."""
    with new_session() as session:
        return session.get(Program, program_id)


def add_applications(program: Program, count: int = 1) -> None:
    with transaction() as session:
        stored = session.get(Program, program.id)
        for _ in range(count):
            candidate = factories.candidate(session)
            factories.application(session, candidate_id=candidate.id, program=stored)


# --- Centres ---------------------------------------------------------------------------------------------------


def test_the_central_office_creates_and_edits_a_centre(session: Session, w) -> None:
    centre = admin_centres.new_centre()
    centre.code, centre.label_fr, centre.label_en = " ufr-st ", "UFR Sciences", "Faculty of Science"
    centre.contact_email = " Scol-ST@Univ.example "
    centre.max_applications = 5
    centre.info_url = "https://www.univ.example/st"
    centre.managers_edit_offer = True
    centre.default_window_opens_at = NOW + timedelta(days=1)
    centre.default_window_closes_at = NOW + timedelta(days=20)
    with transaction() as s:
        created = admin_centres.save_centre(s, actor=w.office, centre=centre)
    assert (created.code, created.contact_email, created.version) == ("UFR-ST", "scol-st@univ.example", 1)
    created.label_fr = "UFR Sciences et Techniques"
    with transaction() as s:
        updated = admin_centres.save_centre(s, actor=w.admin, centre=created)
    assert updated.version == 2
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "centre.updated")).one()
    assert event.before == {"label_fr": "UFR Sciences"} and event.after == {"label_fr": "UFR Sciences et Techniques"}
    with transaction() as s:
        admin_centres.set_centre_active(s, actor=w.office, centre_id=created.id, expected_version=2, active=False)
    assert session.get(ApplicationCentre, created.id).is_active is False


def test_a_centre_with_errors_reports_each_field(w) -> None:
    centre = admin_centres.new_centre()
    centre.code, centre.label_fr, centre.label_en = "UFR ST!", "", "Faculty"
    centre.contact_email = "not-an-address"
    centre.max_applications = 999
    centre.info_url = "www.univ.example"
    centre.default_window_opens_at = NOW + timedelta(days=10)
    centre.default_window_closes_at = NOW + timedelta(days=2)
    with pytest.raises(DossierInvalid) as refused, transaction() as s:
        admin_centres.save_centre(s, actor=w.office, centre=centre)
    assert set(refused.value.errors) == {
        "code",
        "label_fr",
        "contact_email",
        "max_applications",
        "info_url",
        "default_window_closes_at",
    }
    assert refused.value.errors["default_window_closes_at"] == cal.AFTER


def test_only_the_central_office_edits_centres_and_their_switch(w) -> None:
    allow_centre(w.centre.id)
    centre = edit_copy_centre(w.centre.id)
    centre.managers_edit_offer = False
    for actor in (w.manager, w.member, w.read_only_manager):
        with pytest.raises(Forbidden), transaction() as s:
            admin_centres.save_centre(s, actor=actor, centre=centre)
        with pytest.raises(Forbidden), transaction() as s:
            admin_centres.list_centres(s, actor=actor)


def edit_copy_centre(centre_id: int) -> ApplicationCentre:
    with new_session() as session:
        return session.get(ApplicationCentre, centre_id)


# --- Diploma types ---------------------------------------------------------------------------------------------


def test_diploma_types_are_created_ordered_and_deactivated(w) -> None:
    row = admin_diploma_types.new_diploma_type()
    row.code, row.label_fr, row.label_en, row.display_order = "lp", "Licence professionnelle", "Professional degree", 2
    with transaction() as s:
        created = admin_diploma_types.save_diploma_type(s, actor=w.office, diploma_type=row)
    duplicate = admin_diploma_types.new_diploma_type()
    duplicate.code, duplicate.label_fr, duplicate.label_en = "LP", "Autre", "Other"
    with pytest.raises(DossierInvalid) as refused, transaction() as s:
        admin_diploma_types.save_diploma_type(s, actor=w.office, diploma_type=duplicate)
    assert list(refused.value.errors) == ["code"]
    with transaction() as s:
        admin_diploma_types.set_diploma_type_active(
            s, actor=w.office, diploma_type_id=created.id, expected_version=created.version, active=False
        )
        listed = admin_diploma_types.list_diploma_types(s, actor=w.office)
    assert listed[-1].code == "LP" and listed[-1].is_active is False
    with pytest.raises(Forbidden), transaction() as s:
        admin_diploma_types.save_diploma_type(s, actor=w.manager, diploma_type=row)


# --- Programmes ------------------------------------------------------------------------------------------------


def test_a_new_programme_starts_from_the_centre_default_calendar_and_is_audited(session: Session, w) -> None:
    program = draft(w)
    assert program.window_opens_at == NOW + timedelta(days=5)
    assert program.jury_on == NOW + timedelta(days=60) and program.publication_on is None
    assert program.committee_id == w.committee.id  # the centre's only committee is proposed
    created = save(program, w.office)
    assert (created.code, created.campaign_id, created.version) == ("M1-INFO", w.campaign.id, 1)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "program.created")).one()
    assert event.entity_id == created.id and event.after["code"] == "M1-INFO"


def test_every_field_is_checked_next_to_its_input(w) -> None:
    dtype = None
    with transaction() as s:
        dtype = factories.decision_type(s, DecisionKind.UNFAVORABLE)
    program = draft(
        w,
        code="",
        label_en="",
        capacity=-1,
        info_url="ftp:/x",
        committee_id=w.other_committee.id,
        confirmation_by=NOW + timedelta(days=90),
        confirmation_delay_days=8,
        return_by=NOW + timedelta(days=10),
    )
    with pytest.raises(DossierInvalid) as refused:
        save(program, w.office)
    errors = refused.value.errors
    assert set(errors) == {"code", "label_en", "capacity", "info_url", "confirmation_delay_days", "return_by"}
    assert refused.value.field_message("return_by", lambda m: m).startswith("Cette date ne peut pas être antérieure")
    assert "Fermeture des candidatures" in refused.value.field_message("return_by", lambda m: m)
    program = draft(w, committee_id=w.other_committee.id, favorable_decision_type_id=dtype.id)
    with pytest.raises(DossierInvalid) as refused:
        save(program, w.office)
    assert refused.value.errors == {
        "committee_id": admin_programs.COMMITTEE_ELSEWHERE,
        "favorable_decision_type_id": admin_programs.NOT_FAVORABLE,
    }


def test_the_code_is_unique_in_the_campaign(w) -> None:
    saved_program(w)
    with pytest.raises(DossierInvalid) as refused:
        saved_program(w)
    assert list(refused.value.errors) == ["code"]


def test_centre_managers_edit_only_their_centre_and_only_with_the_switch(w) -> None:
    program = saved_program(w)
    copy = edit_copy(program.id)
    copy.capacity = 12
    with pytest.raises(Forbidden):
        save(copy, w.manager)  # the switch is off: read-only
    with transaction() as s:
        [row] = admin_programs.list_programs(s, actor=w.manager)
        assert row.program.id == program.id and row.editable is False
        assert admin_programs.open_program(s, actor=w.manager, program_id=program.id).editable is False
    allow_centre(w.centre.id)
    assert save(copy, w.manager).capacity == 12
    with pytest.raises(Forbidden):
        save(edit_copy(program.id), w.other_manager)  # another centre, even with its own switch on
    with pytest.raises(Forbidden):
        save(edit_copy(program.id), w.read_only_manager)
    with transaction() as s:
        assert [r.program.id for r in admin_programs.list_programs(s, actor=w.other_manager)] == []
        assert admin_programs.list_programs(s, actor=w.manager)[0].editable is True
    moved = edit_copy(program.id)
    moved.centre_id, moved.committee_id = w.other.id, w.other_committee.id
    with pytest.raises(Forbidden):
        save(moved, w.manager)  # cannot hand a programme to a centre they do not manage


def test_committee_members_see_no_offer_administration(w) -> None:
    program = saved_program(w)
    with pytest.raises(Forbidden), transaction() as s:
        admin_programs.list_programs(s, actor=w.member)
    with pytest.raises(Forbidden), transaction() as s:
        admin_programs.open_program(s, actor=w.member, program_id=program.id)
    with pytest.raises(Forbidden):
        save(edit_copy(program.id), w.member)
    with pytest.raises(Forbidden), transaction() as s:
        admin_committees.list_committees(s, actor=w.member)


def test_a_concurrent_edit_is_refused_and_nothing_is_overwritten(w) -> None:
    program = saved_program(w)
    first, second = edit_copy(program.id), edit_copy(program.id)
    first.capacity = 40
    second.label_fr = "Master Informatique (changé)"
    save(first, w.office)
    with pytest.raises(StaleEdit):
        save(second, w.admin)
    stored = edit_copy(program.id)
    assert (stored.capacity, stored.label_fr, stored.version) == (40, "Master Informatique", 2)


def test_a_passed_opening_cannot_move_later_once_applications_exist(w) -> None:
    program = saved_program(w, window_opens_at=NOW - timedelta(days=5))
    add_applications(program, 2)
    copy = edit_copy(program.id)
    copy.window_opens_at = NOW - timedelta(days=1)
    with pytest.raises(DossierInvalid) as refused:
        save(copy, w.office)
    assert refused.value.errors == {"window_opens_at": cal.OPENING_PASSED}
    copy.window_opens_at = NOW - timedelta(days=8)  # earlier is fine
    assert save(copy, w.office).window_opens_at == NOW - timedelta(days=8)


def test_shortening_the_window_with_applications_is_warned_then_allowed(session: Session, w) -> None:
    program = saved_program(w, window_opens_at=NOW - timedelta(days=5))
    add_applications(program)
    copy = edit_copy(program.id)
    copy.window_closes_at = NOW - timedelta(hours=1)
    with pytest.raises(admin_programs.CalendarWarnings) as warned:
        save(copy, w.office)
    assert [message for message, _ in warned.value.warnings] == [cal.WARN_CLOSES_NOW]
    assert edit_copy(program.id).window_closes_at == program.window_closes_at  # nothing saved yet
    assert save(copy, w.office, acknowledge=True).window_closes_at == NOW - timedelta(hours=1)


def test_applications_follow_their_programme_to_another_committee(session: Session, w) -> None:
    program = saved_program(w)
    add_applications(program, 2)
    with transaction() as s:
        second = factories.committee(s, w.centre.id)
    copy = edit_copy(program.id)
    copy.committee_id = second.id
    save(copy, w.office)
    committees = session.exec(select(Application.committee_id).where(Application.program_id == program.id)).all()
    assert set(committees) == {second.id}
    copy = edit_copy(program.id)
    copy.centre_id, copy.committee_id = w.other.id, w.other_committee.id
    with pytest.raises(DossierInvalid) as refused:
        save(copy, w.office)
    assert list(refused.value.errors) == ["centre_id"]


def test_a_programme_is_deactivated_not_deleted(w) -> None:
    program = saved_program(w)
    with transaction() as s:
        admin_programs.set_program_active(
            s, actor=w.office, program_id=program.id, expected_version=program.version, active=False
        )
    assert edit_copy(program.id).is_active is False
    with pytest.raises(StaleEdit), transaction() as s:
        admin_programs.set_program_active(
            s, actor=w.office, program_id=program.id, expected_version=program.version, active=True
        )


# --- Dates of several programmes at once ----------------------------------------------------------------------


def three_programs(w) -> list[Program]:
    return [saved_program(w, code=f"P{n}") for n in range(3)]


def test_bulk_dates_preview_names_the_programmes_that_would_break_the_rule(w) -> None:
    programs = three_programs(w)
    late = edit_copy(programs[2].id)
    late.return_by, late.jury_on = NOW + timedelta(days=80), NOW + timedelta(days=85)
    save(late, w.office)
    changes = {"jury_on": NOW + timedelta(days=70), "publication_on": NOW + timedelta(days=100)}
    with transaction() as s:
        rows = bulk.preview_bulk_dates(s, actor=w.office, program_ids=[p.id for p in programs], changes=changes)
    assert [row.refused for row in rows] == [False, False, True]
    assert rows[2].errors == {"jury_on": cal.NOT_BEFORE}
    assert edit_copy(programs[0].id).publication_on is None  # a preview changes nothing


def test_bulk_dates_are_all_or_nothing(session: Session, w) -> None:
    programs = three_programs(w)
    late = edit_copy(programs[1].id)
    late.return_by = NOW + timedelta(days=55)
    late = save(late, w.office)
    ids = [p.id for p in programs]
    with pytest.raises(bulk.BulkDatesRefused) as refused, transaction() as s:
        bulk.apply_bulk_dates(s, actor=w.office, program_ids=ids, changes={"jury_on": NOW + timedelta(days=50)})
    assert refused.value.params == {"count": 1}
    assert all(edit_copy(i).jury_on == NOW + timedelta(days=60) for i in ids)  # none changed
    changes = {"jury_on": NOW + timedelta(days=90), "confirmation_delay_days": 10}
    with transaction() as s:
        saved = bulk.apply_bulk_dates(s, actor=w.office, program_ids=ids, changes=changes)
    assert [p.jury_on for p in saved] == [NOW + timedelta(days=90)] * 3
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "program.dates_bulk_updated")).all()
    assert sorted(e.entity_id for e in events) == sorted(ids)
    # Setting a confirmation date clears the delay (a programme uses one or the other).
    with transaction() as s:
        bulk.apply_bulk_dates(
            s, actor=w.office, program_ids=ids, changes={"confirmation_by": NOW + timedelta(days=100)}
        )
    assert all(edit_copy(i).confirmation_delay_days is None for i in ids)


def test_bulk_dates_refuse_a_programme_saved_since_the_preview(w) -> None:
    programs = three_programs(w)
    ids = [p.id for p in programs]
    with transaction() as s:
        rows = bulk.preview_bulk_dates(
            s, actor=w.office, program_ids=ids, changes={"jury_on": NOW + timedelta(days=61)}
        )
    versions = {row.program_id: row.version for row in rows}
    other = edit_copy(ids[1])
    other.capacity = 3
    save(other, w.admin)
    with pytest.raises(StaleEdit), transaction() as s:
        bulk.apply_bulk_dates(
            s, actor=w.office, program_ids=ids, changes={"jury_on": NOW + timedelta(days=61)}, versions=versions
        )
    assert edit_copy(ids[0]).jury_on == NOW + timedelta(days=60)  # the first one was rolled back too


def test_bulk_dates_respect_rights_per_centre(w) -> None:
    mine = saved_program(w, code="MINE")
    with transaction() as s:
        theirs = factories.program(
            s, campaign_id=w.campaign.id, centre_id=w.other.id, committee_id=w.other_committee.id
        )
    with pytest.raises(Forbidden), transaction() as s:
        bulk.apply_bulk_dates(s, actor=w.other_manager, program_ids=[theirs.id, mine.id], changes={"jury_on": None})
    with transaction() as s:
        bulk.apply_bulk_dates(s, actor=w.other_manager, program_ids=[theirs.id], changes={"jury_on": None})
    with pytest.raises(DomainError), transaction() as s:
        bulk.apply_bulk_dates(s, actor=w.office, program_ids=[], changes={"jury_on": None})


# --- Committees, members, signature ---------------------------------------------------------------------------


def test_a_committee_is_created_with_its_letter_and_alert_settings(session: Session, w) -> None:
    allow_centre(w.centre.id)
    with transaction() as s:
        committee = admin_committees.new_committee(s, actor=w.manager, centre_id=w.centre.id)
    assert committee.contact_email == w.centre.contact_email
    committee.code, committee.label_fr, committee.label_en = "jury-m2", "Jury M2", "M2 board"
    committee.phone = "02 38 41 71 71"
    committee.address_line1, committee.postcode, committee.city = "Rue de Chartres", "45100", "Orléans"
    committee.signatory_name, committee.signatory_title = "Marie Curie", "Présidente du jury"
    committee.letters_attached_to_mail, committee.alert_on_new_application = True, True
    with transaction() as s:
        created = admin_committees.save_committee(s, actor=w.manager, committee=committee)
    assert (created.code, created.letters_attached_to_mail, created.alert_on_new_application) == ("JURY-M2", True, True)
    created.postcode = "451"
    created.country = "ZZ"
    with pytest.raises(DossierInvalid) as refused, transaction() as s:
        admin_committees.save_committee(s, actor=w.manager, committee=created)
    assert set(refused.value.errors) == {"country"}  # the French postcode rule applies to French addresses only
    created.country = "FR"
    with pytest.raises(DossierInvalid) as refused, transaction() as s:
        admin_committees.save_committee(s, actor=w.manager, committee=created)
    assert refused.value.errors == {"postcode": admin_committees.BAD_POSTCODE}
    allow_centre(w.centre.id, False)
    created.country, created.postcode = "FR", "45100"
    with pytest.raises(Forbidden), transaction() as s:
        admin_committees.save_committee(s, actor=w.manager, committee=created)


def test_a_committee_in_use_cannot_be_deactivated(w) -> None:
    saved_program(w)
    with pytest.raises(DomainError) as refused, transaction() as s:
        admin_committees.set_committee_active(
            s, actor=w.office, committee_id=w.committee.id, expected_version=w.committee.version, active=False
        )
    assert refused.value.code == "committee_in_use"
    with transaction() as s:
        admin_committees.set_committee_active(
            s,
            actor=w.office,
            committee_id=w.other_committee.id,
            expected_version=w.other_committee.version,
            active=False,
        )


def test_members_and_one_president(session: Session, w) -> None:
    with transaction() as s:
        alice = factories.staff_member(s, display_name="Alice Martin")
        bob = factories.staff_member(s, display_name="Bob Durand")
    with transaction() as s:
        first = members.add_member(s, actor=w.office, committee_id=w.committee.id, staff_id=alice.id, is_president=True)
    with pytest.raises(DossierInvalid) as refused, transaction() as s:
        members.add_member(s, actor=w.office, committee_id=w.committee.id, staff_id=bob.id, is_president=True)
    assert list(refused.value.errors) == ["is_president"]
    assert "Alice Martin" in refused.value.field_message("is_president", lambda m: m)
    with transaction() as s:
        second = members.add_member(s, actor=w.office, committee_id=w.committee.id, staff_id=bob.id, read_only=True)
    with pytest.raises(DossierInvalid), transaction() as s:
        members.add_member(s, actor=w.office, committee_id=w.committee.id, staff_id=bob.id)
    with transaction() as s:
        members.set_president(s, actor=w.office, assignment_id=second.id, president=True)
        listed = members.list_members(s, actor=w.office, committee_id=w.committee.id)
    presidents = [m.display_name for m in listed if m.is_president]
    assert presidents == ["Bob Durand"] and listed[0].display_name == "Bob Durand"
    with transaction() as s:
        members.remove_member(s, actor=w.office, assignment_id=first.id)
    assert session.get(StaffRoleAssignment, first.id) is None
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_type == "staffroleassignment")).all()
    assert {"committee.member_added", "committee.president_named", "committee.member_removed"} <= set(actions)
    with pytest.raises(Forbidden), transaction() as s:
        members.add_member(s, actor=w.manager, committee_id=w.committee.id, staff_id=alice.id)  # switch off


def test_the_signature_must_be_a_png_or_jpeg_image(w) -> None:
    for data, code in (
        (factories.pdf_bytes(), "signature_type"),
        (b"GIF89a not accepted", "signature_type"),
        (b"", "file_empty"),
        (factories.image_bytes("PNG", (5, 5)), "signature_size"),
        (factories.image_bytes("PNG", (200, 80)) + b"<script>alert(1)</script>", "file_polyglot"),
    ):
        with pytest.raises(DomainError) as refused, transaction() as s:
            signature.set_signature(
                s, actor=w.office, committee_id=w.committee.id, expected_version=1, filename="x.png", data=data
            )
        assert refused.value.code == code
    assert edit_copy_committee(w.committee.id).signature_file_id is None


def edit_copy_committee(committee_id: int) -> Committee:
    with new_session() as session:
        return session.get(Committee, committee_id)


def test_the_signature_is_stored_previewed_and_used_by_letters(session: Session, w) -> None:
    image = factories.image_bytes("JPEG", (300, 120))
    with transaction() as s:
        committee = signature.set_signature(
            s, actor=w.office, committee_id=w.committee.id, expected_version=1, filename="../sig.jpg", data=image
        )
    stored = session.get(StoredFile, committee.signature_file_id)
    assert (stored.kind, stored.media_type, stored.original_name) == (FileKind.SIGNATURE, "image/jpeg", ".._sig.jpg")
    assert file_store.read(stored.storage_key) == image
    with transaction() as s:
        assert signature.read_signature(s, actor=w.office, committee_id=w.committee.id) == ("image/jpeg", image)
    with pytest.raises(StaleEdit), transaction() as s:
        signature.set_signature(
            s, actor=w.office, committee_id=w.committee.id, expected_version=1, filename="", data=image
        )
    program = saved_program(w)
    with transaction() as s:
        candidate = factories.complete_candidate(s)
        application = factories.application(s, candidate_id=candidate.id, program=s.get(Program, program.id))
        decision = factories.published_decision(s, application=application)
        context = letter_context(s, application, decision)
    assert context is not None and context["signature"] == image
