"""The scope of each staff role over applications: lists and single actions agree."""

import pytest
from sqlmodel import Session, select

from app.models import Application, StaffRole
from app.services.actors import Actor
from app.services.errors import Forbidden, NotFound
from app.services.staff import current_role
from app.services.staff_scope import require_application_in_scope, scope_filter
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
    from app.services.errors import DomainError

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
