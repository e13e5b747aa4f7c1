"""Roles and scopes are checked by the services, whatever the screens show."""

import pytest
from sqlmodel import select

from app.models import AuditEvent, StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts import staff_roles as staff
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden
from tests import factories


def member(session, login, *roles):
    person = StaffMember(login=login, email=f"{login}@univ.example", display_name=login.title())
    session.add(person)
    session.flush()
    rows = []
    for role, kw in roles:
        row = StaffRoleAssignment(staff_id=person.id, role=role, **kw)
        session.add(row)
        session.flush()
        rows.append(row)
    return person, rows


@pytest.fixture
def campus(session):
    sciences, letters = factories.centre(session, label_fr="UFR Sciences"), factories.centre(session)
    return {
        "sciences": sciences,
        "letters": letters,
        "com_sciences": factories.committee(session, sciences.id, label_fr="Commission Master Chimie"),
        "com_letters": factories.committee(session, letters.id),
    }


def actor(person, assignment):
    return Actor("staff", staff_id=person.id, role_assignment_id=assignment.id)


def test_centre_manager_covers_their_centre_and_its_committees_only(session, campus) -> None:
    person, [row] = member(session, "gest", (StaffRole.CENTRE_MANAGER, {"centre_id": campus["sciences"].id}))
    me = actor(person, row)
    roles = [StaffRole.CENTRE_MANAGER]
    staff.require_role(session, actor=me, roles=roles, centre_id=campus["sciences"].id)
    staff.require_role(session, actor=me, roles=roles, committee_id=campus["com_sciences"].id)
    for scope in ({"centre_id": campus["letters"].id}, {"committee_id": campus["com_letters"].id}, {}):
        with pytest.raises(Forbidden):
            staff.require_role(session, actor=me, roles=roles, **scope)
    with pytest.raises(Forbidden):
        staff.require_role(session, actor=me, roles=[StaffRole.CENTRAL_OFFICE])


def test_committee_member_covers_their_committee_only(session, campus) -> None:
    person, [row] = member(session, "memb", (StaffRole.COMMITTEE_MEMBER, {"committee_id": campus["com_sciences"].id}))
    me = actor(person, row)
    roles = [StaffRole.COMMITTEE_MEMBER]
    staff.require_role(
        session, actor=me, roles=roles, committee_id=campus["com_sciences"].id, centre_id=campus["sciences"].id
    )
    for scope in ({"committee_id": campus["com_letters"].id}, {"centre_id": campus["sciences"].id}):
        with pytest.raises(Forbidden):
            staff.require_role(session, actor=me, roles=roles, **scope)


def test_read_only_roles_cannot_write(session, campus) -> None:
    person, [row] = member(
        session, "ro", (StaffRole.CENTRE_MANAGER, {"centre_id": campus["sciences"].id, "read_only": True})
    )
    staff.require_role(
        session, actor=actor(person, row), roles=[StaffRole.CENTRE_MANAGER], centre_id=campus["sciences"].id
    )
    with pytest.raises(Forbidden):
        staff.require_role(
            session,
            actor=actor(person, row),
            roles=[StaffRole.CENTRE_MANAGER],
            centre_id=campus["sciences"].id,
            write=True,
        )


def test_institution_roles_cover_everything(session, campus) -> None:
    person, [row] = member(session, "central", (StaffRole.CENTRAL_OFFICE, {}))
    staff.require_role(
        session, actor=actor(person, row), roles=[StaffRole.CENTRAL_OFFICE], centre_id=campus["letters"].id
    )
    staff.require_role(session, actor=actor(person, row), roles=[StaffRole.CENTRAL_OFFICE])


def test_someone_elses_role_or_a_candidate_is_refused(session, campus) -> None:
    _boss, [admin_row] = member(session, "boss", (StaffRole.ADMINISTRATOR, {}))
    person, [row] = member(session, "gest", (StaffRole.CENTRE_MANAGER, {"centre_id": campus["sciences"].id}))
    forged = Actor("staff", staff_id=person.id, role_assignment_id=admin_row.id)  # a forged role id
    with pytest.raises(Forbidden):
        staff.require_role(session, actor=forged, roles=[StaffRole.ADMINISTRATOR])
    with pytest.raises(Forbidden):
        staff.switch_role(session, actor=actor(person, row), assignment_id=admin_row.id)
    candidate = factories.account(session)
    for who in (Actor("candidate", account_id=candidate.id), Actor.anonymous()):
        with pytest.raises(Forbidden):
            staff.require_role(session, actor=who, roles=list(StaffRole))
        with pytest.raises(Forbidden):
            staff.list_roles(session, actor=who)


def test_roles_are_listed_with_their_scope_and_switched(session, campus) -> None:
    person, rows = member(
        session,
        "multi",
        (StaffRole.CENTRE_MANAGER, {"centre_id": campus["sciences"].id}),
        (StaffRole.COMMITTEE_MEMBER, {"committee_id": campus["com_letters"].id}),
    )
    views = staff.list_roles(session, actor=actor(person, rows[0]))
    assert [(v.role, v.scope_label_fr) for v in views] == [
        (StaffRole.CENTRE_MANAGER, "UFR Sciences"),
        (StaffRole.COMMITTEE_MEMBER, campus["com_letters"].label_fr),
    ]
    view = staff.switch_role(session, actor=actor(person, rows[0]), assignment_id=rows[1].id)
    assert view.role == StaffRole.COMMITTEE_MEMBER
    switched = actor(person, rows[1])
    staff.require_role(
        session, actor=switched, roles=[StaffRole.COMMITTEE_MEMBER], committee_id=campus["com_letters"].id
    )
    with pytest.raises(Forbidden):  # the new view no longer carries the manager's rights
        staff.require_role(session, actor=switched, roles=[StaffRole.CENTRE_MANAGER], centre_id=campus["sciences"].id)
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "staff.role_switched")).all()) == 1


def test_only_an_administrator_opens_a_candidate_view_and_it_is_audited(session, campus) -> None:
    boss, [admin_row] = member(session, "boss", (StaffRole.ADMINISTRATOR, {}))
    person, [row] = member(session, "gest", (StaffRole.CENTRE_MANAGER, {"centre_id": campus["sciences"].id}))
    account = factories.account(session)
    with pytest.raises(Forbidden):
        staff.start_impersonation(session, actor=actor(person, row), dossier_number=account.dossier_number)
    admin = actor(boss, admin_row)
    assert staff.start_impersonation(session, actor=admin, dossier_number=account.dossier_number).id == account.id
    viewer = Actor("candidate", account_id=account.id, impersonated_by_staff_id=boss.id)
    staff.record_impersonated_view(session, actor=viewer, administrator=admin, path="/candidat")
    events = session.exec(select(AuditEvent).where(AuditEvent.action.like("impersonation.%"))).all()
    assert [(e.action, e.actor_staff_id, e.entity_id) for e in events] == [
        ("impersonation.started", boss.id, account.id),
        ("impersonation.viewed", boss.id, account.id),
    ]
