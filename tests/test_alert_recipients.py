"""Who receives a committee's alert: its contact address, then whom the centre's « Destinataires des alertes »
names (nobody, the centre's contact address, all its managers), then the members who asked for copies."""

import pytest
from sqlmodel import Session, select

from app.models import AlertRecipients, ApplicationCentre, Committee, OutboxMail, StaffRole, StaffRoleAssignment
from app.services.admin import committee_members as members
from app.services.decisions.answers import withdraw
from tests import factories
from tests.test_waiting_list import build


def _staff(session: Session, email: str, role: StaffRole, *, active: bool = True, **scope: object):
    person = factories.staff_member(session, email=email, is_active=active)
    assignment = StaffRoleAssignment(staff_id=person.id, role=role, **scope)
    session.add(assignment)
    return assignment


def _world(session: Session, recipients: AlertRecipients) -> dict:
    world = build(session, capacity=1, offers=1, waiting=0)
    program = world["program"]
    centre = session.get(ApplicationCentre, program.centre_id)
    committee = session.get(Committee, program.committee_id)
    assert centre is not None and committee is not None
    centre.alert_recipients, centre.contact_email = recipients, "scolarite@ufr.example"
    committee.contact_email = "jury@ufr.example"
    session.add_all([centre, committee])
    manager = StaffRole.CENTRE_MANAGER
    _staff(session, "gest1@ufr.example", manager, centre_id=centre.id)
    _staff(session, "old@ufr.example", manager, active=False, centre_id=centre.id)
    _staff(session, "other@ufr.example", manager, centre_id=factories.centre(session).id)
    member = StaffRole.COMMITTEE_MEMBER
    _staff(session, "prof@ufr.example", member, committee_id=committee.id, receives_alerts=True)
    _staff(session, "quiet@ufr.example", member, committee_id=committee.id)
    session.commit()
    return world


def alert(session: Session, world: dict) -> OutboxMail:
    holder, held = world["holders"][0]
    withdraw(session, actor=factories.candidate_actor(session, holder), application_id=held.id)
    session.commit()
    return session.exec(select(OutboxMail).where(OutboxMail.code == "committee_withdrawal")).one()


@pytest.mark.parametrize(
    ("recipients", "copies"),
    [
        (AlertRecipients.NOBODY, ["prof@ufr.example"]),
        (AlertRecipients.CONTACT, ["scolarite@ufr.example", "prof@ufr.example"]),
        (AlertRecipients.MANAGERS, ["gest1@ufr.example", "prof@ufr.example"]),  # active managers of this centre
    ],
)
def test_the_centre_setting_and_the_members_who_asked_get_copies(
    session: Session, clock, recipients: AlertRecipients, copies: list[str]
) -> None:
    mail = alert(session, _world(session, recipients))
    assert (mail.to_address, mail.cc_addresses) == ("jury@ufr.example", copies)


def test_an_address_is_mailed_once_and_a_committee_without_address_still_alerts_the_others(
    session: Session, clock
) -> None:
    world = _world(session, AlertRecipients.CONTACT)
    committee = session.get(Committee, world["program"].committee_id)
    assert committee is not None
    committee.contact_email = ""
    session.add(committee)
    centre = session.get(ApplicationCentre, world["program"].centre_id)
    assert centre is not None
    centre.contact_email = "PROF@ufr.example"  # the member's own address, in capitals
    session.add(centre)
    session.commit()
    mail = alert(session, world)
    assert (mail.to_address, mail.cc_addresses) == ("prof@ufr.example", [])


def test_a_committee_that_asks_no_alert_copies_nobody(session: Session, clock) -> None:
    world = _world(session, AlertRecipients.MANAGERS)
    committee = session.get(Committee, world["program"].committee_id)
    assert committee is not None
    committee.alert_on_withdrawal = False
    session.add(committee)
    session.commit()
    holder, held = world["holders"][0]
    withdraw(session, actor=factories.candidate_actor(session, holder), application_id=held.id)
    session.commit()
    assert session.exec(select(OutboxMail).where(OutboxMail.code == "committee_withdrawal")).all() == []


def test_a_member_asks_for_copies_from_the_administration(session: Session, clock) -> None:
    program = factories.program(session)
    office = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    person = factories.staff_member(session, display_name="Claire Voisin")
    session.commit()
    added = members.add_member(
        session, actor=office, committee_id=program.committee_id, staff_id=person.id, receives_alerts=True
    )
    session.commit()
    [listed] = members.list_members(session, actor=office, committee_id=program.committee_id)
    assert listed.receives_alerts
    members.set_member_alerts(session, actor=office, assignment_id=added.id or 0, receives_alerts=False)
    session.commit()
    session.refresh(added)
    assert added.receives_alerts is False
