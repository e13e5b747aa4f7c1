"""Parameters set by the central office: bounds, effect on the rules, cache, concurrency, rights (services)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from app.config import get_settings
from app.db import transaction
from app.models import AuditEvent, PortalParameter, StaffRole
from app.services.accounts import rules as accounts_rules
from app.services.admin import portal_parameters
from app.services.admin.common import StaleEdit
from app.services.applications import applying
from app.services.dossier.schemas import DossierInvalid
from app.services.platform import parameters, process_cache
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden
from app.upload_guard import ENVELOPE_BYTES, upload_limit_bytes
from tests import factories

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
MB = 1024 * 1024


@pytest.fixture
def admin(session: Session, clock) -> Actor:
    clock.set(NOW)
    assignment = factories.staff_with_role(session, StaffRole.ADMINISTRATOR)
    session.commit()
    return Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)


def save(session: Session, actor: Actor, name: str, value, version: int = 0) -> PortalParameter:
    row = portal_parameters.save_parameter(session, actor=actor, name=name, value=value, expected_version=version)
    session.commit()
    return row


def test_every_parameter_exists_in_the_settings_with_a_default_inside_its_bounds() -> None:
    settings = get_settings()
    for definition in parameters.DEFINITIONS:
        value = getattr(settings, definition.name)
        assert isinstance(value, int)
        assert definition.minimum <= value <= definition.maximum, definition.name
    assert parameters.BY_NAME["password_min_length"].minimum == 10


def test_a_value_outside_its_bounds_or_not_a_number_is_refused_next_to_its_field(
    session: Session, admin: Actor
) -> None:
    for value, message in (
        (9, "Indiquez une valeur entre {min} et {max}."),
        ("douze", "Indiquez un nombre entier."),
        (12.5, "Indiquez un nombre entier."),
        ("", "Indiquez un nombre entier."),
    ):
        with pytest.raises(DossierInvalid) as refused:
            portal_parameters.save_parameter(
                session, actor=admin, name="password_min_length", value=value, expected_version=0
            )
        assert refused.value.errors == {"password_min_length": message}
    assert refused.value.params_of == {}
    with pytest.raises(DossierInvalid) as refused:
        portal_parameters.save_parameter(session, actor=admin, name="max_file_mb", value=0, expected_version=0)
    assert refused.value.params_of == {"max_file_mb": {"min": 1, "max": 100}}
    assert session.exec(select(PortalParameter)).all() == []


def test_thresholds_stay_ordered(session: Session, admin: Actor) -> None:
    with pytest.raises(DossierInvalid) as refused:
        portal_parameters.save_parameter(session, actor=admin, name="sva_red_days", value=30, expected_version=0)
    assert refused.value.errors["sva_red_days"].startswith("Le seuil rouge")
    assert refused.value.params_of == {"sva_red_days": {"orange": 30}}
    with pytest.raises(DossierInvalid):
        portal_parameters.save_parameter(session, actor=admin, name="max_piece_mb", value=5, expected_version=0)  # < 10
    save(session, admin, "sva_red_days", 60)
    save(session, admin, "sva_orange_days", 50)  # now allowed: red is 60
    assert (parameters.current("sva_orange_days"), parameters.current("sva_red_days")) == (50, 60)


def test_a_saved_value_is_effective_at_once_audited_and_reset_to_its_default(session: Session, admin: Actor) -> None:
    assert parameters.current("password_min_length") == 12
    row = save(session, admin, "password_min_length", "14")
    assert row.value == {"value": 14} and row.version == 1 and row.updated_by_staff_id == admin.staff_id
    assert parameters.current("password_min_length") == 14
    assert parameters.effective_settings().password_min_length == 14
    assert "Au moins 14 caractères" in [rule.label.format(**rule.params) for rule in accounts_rules.password_rules()]
    assert accounts_rules.broken_password_rules("Abcdefgh1!xyz")  # 13 characters: now too short
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "parameter.updated")).one()
    assert (event.before, event.after) == (
        {"name": "password_min_length", "value": 12},
        {"name": "password_min_length", "value": 14},
    )
    [view] = [
        v for v in portal_parameters.list_parameters(session, actor=admin) if v.definition.name == "password_min_length"
    ]
    assert (view.value, view.default, view.overridden, view.version) == (14, 12, True, 1)
    portal_parameters.reset_parameter(session, actor=admin, name="password_min_length", expected_version=1)
    session.commit()
    assert parameters.current("password_min_length") == 12
    assert session.get(PortalParameter, "password_min_length") is None
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "parameter.reset")).one()


def test_a_rolled_back_save_changes_nothing(session: Session, admin: Actor) -> None:
    assert parameters.current("reset_hours") == 2
    with pytest.raises(RuntimeError), transaction() as s:
        portal_parameters.save_parameter(s, actor=admin, name="reset_hours", value=5, expected_version=0)
        raise RuntimeError("the request failed after the save")
    assert parameters.current("reset_hours") == 2


def test_a_concurrent_edit_is_refused(session: Session, admin: Actor) -> None:
    save(session, admin, "activation_days", 7)
    with pytest.raises(StaleEdit):  # opened when no override existed
        portal_parameters.save_parameter(session, actor=admin, name="activation_days", value=9, expected_version=0)
    session.rollback()
    save(session, admin, "activation_days", 8, version=1)
    with pytest.raises(StaleEdit):  # opened at version 1, saved meanwhile (now 2)
        portal_parameters.save_parameter(session, actor=admin, name="activation_days", value=9, expected_version=1)
    session.rollback()
    with pytest.raises(StaleEdit):
        portal_parameters.reset_parameter(session, actor=admin, name="activation_days", expected_version=1)
    session.rollback()
    assert parameters.current("activation_days") == 8


def test_another_instance_sees_a_change_after_the_cache_delay(
    session: Session, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    save(session, admin, "assistance_max_per_hour", 7)
    assert parameters.current("assistance_max_per_hour") == 7
    # Another instance saves: this process's cache is not told.
    session.execute(update(PortalParameter).values(value={"value": 3}))
    session.commit()
    assert parameters.current("assistance_max_per_hour") == 7  # cached
    later = process_cache.time.monotonic() + parameters.CACHE_SECONDS + 1
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: later)
    assert parameters.current("assistance_max_per_hour") == 3


def test_the_upload_guard_follows_the_parameter(session: Session, admin: Actor) -> None:
    assert upload_limit_bytes() == 30 * MB + ENVELOPE_BYTES  # the files chosen together: as much as a piece
    save(session, admin, "max_file_mb", 4)
    save(session, admin, "max_piece_mb", 8)
    assert parameters.current("max_piece_mb") == 8  # what the upload widget's page reads
    assert upload_limit_bytes() == 8 * MB + ENVELOPE_BYTES


def test_the_institution_limit_follows_the_parameter(session: Session, admin: Actor) -> None:
    campaign = factories.campaign(session)
    programs = [factories.program(session, campaign_id=campaign.id) for _ in range(3)]  # three centres
    candidate = factories.complete_candidate(session)
    session.commit()
    actor = Actor("candidate", account_id=candidate.account_id)
    save(session, admin, "max_applications_per_institution", 1)
    with transaction() as s:
        applying.apply_to_program(s, actor=actor, program_id=programs[0].id)
    with transaction() as s, pytest.raises(DomainError) as refused:
        applying.apply_to_program(s, actor=actor, program_id=programs[1].id)
    assert (refused.value.code, refused.value.params) == ("institution_limit", {"max": 1})
    save(session, admin, "max_applications_per_institution", 2, version=1)
    with transaction() as s:
        assert applying.apply_to_program(s, actor=actor, program_id=programs[1].id).id


@pytest.mark.parametrize("role", [StaffRole.CENTRE_MANAGER, StaffRole.COMMITTEE_MEMBER])
def test_other_roles_are_refused_and_read_only_roles_only_read(session: Session, admin: Actor, role: StaffRole) -> None:
    centre = factories.centre(session)
    scope = {"centre_id": centre.id}
    if role == StaffRole.COMMITTEE_MEMBER:
        scope = {"committee_id": factories.committee(session, centre.id).id}
    other = factories.staff_with_role(session, role, **scope)
    actor = Actor("staff", staff_id=other.staff_id, role_assignment_id=other.id)
    with pytest.raises(Forbidden):
        portal_parameters.list_parameters(session, actor=actor)
    with pytest.raises(Forbidden):
        portal_parameters.save_parameter(session, actor=actor, name="reset_hours", value=3, expected_version=0)
    reader = factories.staff_with_role(session, StaffRole.CENTRAL_OFFICE, read_only=True)
    reader_actor = Actor("staff", staff_id=reader.staff_id, role_assignment_id=reader.id)
    assert len(portal_parameters.list_parameters(session, actor=reader_actor)) == len(parameters.DEFINITIONS)
    with pytest.raises(Forbidden):
        portal_parameters.save_parameter(session, actor=reader_actor, name="reset_hours", value=3, expected_version=0)
    with pytest.raises(Forbidden):
        portal_parameters.reset_parameter(session, actor=reader_actor, name="reset_hours", expected_version=0)
