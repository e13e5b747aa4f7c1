"""The scope of each staff role over applications: lists and single actions agree."""

import pytest
from sqlmodel import Session, select

from app.models import Application, StaffRole
from app.services.accounts.staff_roles import current_role
from app.services.applications.staff_scope import require_application_in_scope, scope_filter
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden, NotFound
from tests import factories


def staff(session: Session, role: StaffRole, *, read_only: bool = False, **scope: int) -> Actor:
    assignment = factories.staff_with_role(session, role, read_only=read_only, **scope)
    return Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)


@pytest.fixture
def world(session: Session) -> dict:
    campaign = factories.campaign(session)
    centres = [factories.centre(session), factories.centre(session)]
    committees = [factories.committee(session, centre.id) for centre in centres]
    applications = []
    for committee in committees:
        program = factories.program(
            session, campaign_id=campaign.id, centre_id=committee.centre_id, committee_id=committee.id
        )
        applications.append(
            factories.application(session, candidate_id=factories.candidate(session).id, program=program)
        )
    session.commit()
    return {"centres": centres, "committees": committees, "applications": applications}


@pytest.mark.parametrize(
    ("role", "scope", "visible"),
    [
        (StaffRole.ADMINISTRATOR, None, {0, 1}),
        (StaffRole.CENTRAL_OFFICE, None, {0, 1}),
        (StaffRole.CENTRE_MANAGER, "centre", {0}),
        (StaffRole.COMMITTEE_MEMBER, "committee", {0}),
    ],
)
def test_each_role_sees_and_acts_on_its_scope_only(session: Session, world: dict, role, scope, visible) -> None:
    kwargs = {}
    if scope == "centre":
        kwargs["centre_id"] = world["centres"][0].id
    elif scope == "committee":
        kwargs["committee_id"] = world["committees"][0].id
    actor = staff(session, role, **kwargs)
    session.commit()
    listed = session.exec(select(Application.id).where(scope_filter(current_role(session, actor=actor)))).all()
    expected = {world["applications"][i].id for i in visible}
    assert set(listed) == expected
    for application in world["applications"]:
        if application.id in expected:
            found, _role = require_application_in_scope(session, actor=actor, application_id=application.id, write=True)
            assert found.id == application.id
        else:
            with pytest.raises(NotFound):
                require_application_in_scope(session, actor=actor, application_id=application.id)


def test_a_read_only_role_reads_but_cannot_act(session: Session, world: dict) -> None:
    actor = staff(session, StaffRole.CENTRE_MANAGER, read_only=True, centre_id=world["centres"][0].id)
    session.commit()
    application = world["applications"][0]
    require_application_in_scope(session, actor=actor, application_id=application.id)
    with pytest.raises(Forbidden):
        require_application_in_scope(session, actor=actor, application_id=application.id, write=True)


def test_candidates_have_no_staff_scope(session: Session, world: dict) -> None:
    with pytest.raises(Forbidden):
        require_application_in_scope(
            session, actor=Actor("candidate", account_id=1), application_id=world["applications"][0].id
        )


def test_an_archived_campaigns_applications_stay_readable_but_no_staff_role_changes_them(
    session: Session, world: dict
) -> None:
    from app import clock
    from app.models import Campaign
    from app.services.platform.errors import DomainError

    actor = staff(session, StaffRole.ADMINISTRATOR)
    application = world["applications"][0]
    campaign = session.get(Campaign, application.campaign_id)
    campaign.is_active, campaign.archived_at = False, clock.now()
    session.add(campaign)
    session.commit()
    found, _role = require_application_in_scope(session, actor=actor, application_id=application.id)
    assert found.id == application.id
    with pytest.raises(DomainError) as error:
        require_application_in_scope(session, actor=actor, application_id=application.id, write=True)
    assert error.value.code == "campaign_archived"


# --- The candidate's dossier follows the scope of their applications ----------------------------------------------

DOSSIER_CALLS = (
    "open_dossier",
    "save_personal_information",
    "save_address",
    "save_baccalaureate",
    "save_entry",
    "delete_entry",
)


def _dossier_call(name: str, actor: Actor, candidate_id: int, entry_id: int) -> None:
    """One dossier service as staff would call it on ``candidate_id``, with valid values, in a unit of work."""
    from datetime import date

    from app.db import new_session, transaction
    from app.models import Address, Baccalaureate, BacSeries, Candidate, ExternalRecord, RecordOutcome
    from app.services.review import staff_dossier as dossier
    from app.services.review import staff_dossier as dossier_entries

    with new_session() as s:
        candidate = s.get(Candidate, candidate_id)
    with transaction() as s:
        if name == "open_dossier":
            dossier.open_dossier(s, actor=actor, candidate_id=candidate_id)
        elif name == "save_personal_information":
            values = dict(birth_date=date(2004, 3, 12), birth_country="FR", birth_department="45")
            for key, value in (values | dict(birth_commune_insee="45234", nationality="FR")).items():
                setattr(candidate, key, value)
            dossier.save_personal_information(s, actor=actor, candidate=candidate)
        elif name == "save_address":
            address = Address(candidate_id=candidate_id, line1="1 rue Bannier", postcode="45000", commune_insee="45234")
            dossier.save_address(s, actor=actor, address=address)
        elif name == "save_baccalaureate":
            bac = Baccalaureate(candidate_id=candidate_id, series=BacSeries.NONE)
            dossier.save_baccalaureate(s, actor=actor, baccalaureate=bac)
        elif name == "save_entry":
            entry = ExternalRecord(
                candidate_id=candidate_id,
                academic_year=2024,
                establishment_label="Université de Genève",
                country="CH",
                diploma_type="Licence",
                label="Histoire",
                outcome=RecordOutcome.OBTAINED,
            )
            dossier_entries.save_entry(s, actor=actor, entry=entry)
        else:
            dossier_entries.delete_entry(s, actor=actor, model=ExternalRecord, entry_id=entry_id)


@pytest.fixture
def entries(session: Session, world: dict) -> list[int]:
    """One external record in each candidate's dossier (for ``delete_entry``)."""
    from app.models import ExternalRecord, RecordOutcome

    rows = [
        ExternalRecord(
            candidate_id=application.candidate_id,
            academic_year=2023,
            establishment_label="Université de Tours",
            diploma_type="Master",
            label="Mathématiques",
            outcome=RecordOutcome.IN_PROGRESS,
        )
        for application in world["applications"]
    ]
    session.add_all(rows)
    session.commit()
    return [row.id for row in rows]


@pytest.mark.parametrize("call", DOSSIER_CALLS)
@pytest.mark.parametrize(
    ("role", "scope", "visible"),
    [
        (StaffRole.ADMINISTRATOR, None, {0, 1}),
        (StaffRole.CENTRAL_OFFICE, None, {0, 1}),
        (StaffRole.CENTRE_MANAGER, "centre", {0}),
        (StaffRole.COMMITTEE_MEMBER, "committee", {0}),
    ],
)
def test_staff_read_and_write_a_dossier_only_when_one_of_its_applications_is_in_their_scope(
    session: Session, world: dict, entries: list[int], role, scope, visible, call
) -> None:
    kwargs = {}
    if scope == "centre":
        kwargs["centre_id"] = world["centres"][0].id
    elif scope == "committee":
        kwargs["committee_id"] = world["committees"][0].id
    actor = staff(session, role, **kwargs)
    session.commit()
    for index, application in enumerate(world["applications"]):
        if index in visible:
            _dossier_call(call, actor, application.candidate_id, entries[index])
        else:
            with pytest.raises(NotFound):
                _dossier_call(call, actor, application.candidate_id, entries[index])


@pytest.mark.parametrize("call", DOSSIER_CALLS[1:])
def test_a_read_only_role_reads_a_dossier_in_its_scope_but_cannot_write_it(
    session: Session, world: dict, entries: list[int], call
) -> None:
    actor = staff(session, StaffRole.CENTRE_MANAGER, read_only=True, centre_id=world["centres"][0].id)
    session.commit()
    candidate_id = world["applications"][0].candidate_id
    _dossier_call("open_dossier", actor, candidate_id, entries[0])
    with pytest.raises(Forbidden):
        _dossier_call(call, actor, candidate_id, entries[0])


def test_a_dossier_reached_only_through_an_archived_campaign_is_read_only_for_its_scope(
    session: Session, world: dict, entries: list[int]
) -> None:
    from app import clock
    from app.models import Campaign
    from app.services.platform.errors import DomainError

    actor = staff(session, StaffRole.COMMITTEE_MEMBER, committee_id=world["committees"][0].id)
    application = world["applications"][0]
    campaign = session.get(Campaign, application.campaign_id)
    campaign.is_active, campaign.archived_at = False, clock.now()
    session.add(campaign)
    session.commit()
    _dossier_call("open_dossier", actor, application.candidate_id, entries[0])
    with pytest.raises(DomainError) as error:
        _dossier_call("save_address", actor, application.candidate_id, entries[0])
    assert error.value.code == "campaign_archived"
