"""A small campus for the administration of pieces, questions and decision types: two centres, one programme
each, and one actor per role that matters for the rights."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.models import Program, Scope, StaffRole
from app.services.admin.scoped import Target
from app.services.platform.actors import Actor
from tests import factories


@dataclass
class OfferWorld:
    campaign_id: int
    centre_a: int  # its managers may edit its offer
    centre_b: int  # its managers may not
    program_a: Program
    program_b: Program
    admin: Actor
    central: Actor
    central_read_only: Actor
    manager_a: Actor
    manager_a_read_only: Actor
    manager_b: Actor
    committee_member: Actor
    candidate: Actor


def offer_world(session: Session, **program_kw: Any) -> OfferWorld:
    """Committed, so that other sessions (and the pages) see it."""
    campaign = factories.campaign(session)
    centre_a = factories.centre(session, managers_edit_offer=True)
    centre_b = factories.centre(session, managers_edit_offer=False)
    program_a = factories.program(session, campaign_id=campaign.id, centre_id=centre_a.id, **program_kw)
    program_b = factories.program(session, campaign_id=campaign.id, centre_id=centre_b.id, **program_kw)
    account = factories.account(session)
    factories.complete_candidate(session, account_id=account.id)
    world = OfferWorld(
        campaign_id=campaign.id,
        centre_a=centre_a.id,
        centre_b=centre_b.id,
        program_a=program_a,
        program_b=program_b,
        admin=factories.staff_actor(session, StaffRole.ADMINISTRATOR),
        central=factories.staff_actor(session, StaffRole.CENTRAL_OFFICE),
        central_read_only=factories.staff_actor(session, StaffRole.CENTRAL_OFFICE, read_only=True),
        manager_a=factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centre_a.id),
        manager_a_read_only=factories.staff_actor(
            session, StaffRole.CENTRE_MANAGER, centre_id=centre_a.id, read_only=True
        ),
        manager_b=factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centre_b.id),
        committee_member=factories.staff_actor(
            session, StaffRole.COMMITTEE_MEMBER, committee_id=program_a.committee_id
        ),
        candidate=Actor("candidate", account_id=account.id),
    )
    session.commit()
    return world


def centre_a(world: OfferWorld) -> Target:
    """The place « centre A » (its managers may edit its offer)."""
    return Target(Scope.CENTRE, centre_id=world.centre_a)


def program_a(world: OfferWorld) -> Target:
    """The place « centre A's programme »."""
    return Target(Scope.PROGRAM, program_id=world.program_a.id)
