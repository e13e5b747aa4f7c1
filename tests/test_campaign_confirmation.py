"""Accounts across campaigns: after the switch the candidate keeps their account and dossier, must confirm the dossier
for the new campaign before applying, and reads their previous campaign's applications (services)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import Session, select

from app import clock as app_clock
from app.db import make_engine, transaction
from app.models import Account, Application, AuditEvent, Campaign, Candidate, Program, StaffRole
from app.services.applications import applying
from app.services.applications import views as applications_views
from app.services.dossier import campaign_confirmation, tabs
from app.services.offer import campaigns
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden
from app.services.platform.migrations import alembic_config
from tests import factories

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@dataclass
class World:
    admin: Actor
    old: Campaign
    new: Campaign
    program: Program
    candidate: Candidate
    actor: Actor


def _program(session: Session, campaign: Campaign, **kw) -> Program:
    paris = app_clock.paris_datetime
    return factories.program(
        session,
        campaign_id=campaign.id,
        code="M-INFO",
        window_opens_at=paris(2026, 2, 1, 9, 0),
        window_closes_at=paris(2026, 4, 15, 23, 59),
        return_by=paris(2026, 4, 22, 23, 59),
        **kw,
    )


@pytest.fixture
def world(session: Session, clock) -> World:
    clock.set(NOW)
    assignment = factories.staff_with_role(session, StaffRole.ADMINISTRATOR)
    admin = Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)
    old = factories.campaign(session, code="2026", label_fr="Campagne 2026", starts_on=date(2025, 10, 1))
    program = _program(session, old)
    candidate = factories.complete_candidate(session, campaign_id=old.id, confirmed_campaign_id=old.id)
    new = factories.campaign(
        session,
        code="2027",
        label_fr="Campagne 2027",
        label_en="2027 intake",
        starts_on=date(2026, 3, 1),
        ends_on=date(2027, 2, 28),
        is_active=False,
    )
    session.commit()
    actor = Actor("candidate", account_id=candidate.account_id)
    with transaction() as s:
        applying.apply_to_program(s, actor=actor, program_id=program.id)
    return World(admin, old, new, program, candidate, actor)


def switch(world: World) -> Program:
    """Switch to the new campaign; the offer is copied forward (same dates: the switch shifts them by the gap)."""
    with transaction() as s:
        campaigns.switch_campaign(
            s, actor=world.admin, new_campaign_id=world.new.id, expected_version=None, shift=campaigns.Shift("days", 1)
        )
    with transaction() as s:
        copy = s.exec(select(Program).where(Program.campaign_id == world.new.id)).one()
        s.expunge(copy)
        return copy


def apply(world: World, program: Program) -> Application:
    with transaction() as s:
        application = applying.apply_to_program(s, actor=world.actor, program_id=program.id)
        s.expunge(application)
        return application


def confirm(actor: Actor) -> Candidate:
    with transaction() as s:
        candidate = campaign_confirmation.confirm_dossier_for_campaign(s, actor=actor)
        s.expunge(candidate)
        return candidate


def pending(actor: Actor, lang: str = "fr") -> campaign_confirmation.PendingConfirmation | None:
    with transaction() as s:
        return campaign_confirmation.dossier_confirmation(s, actor=actor, lang=lang)


def test_switch_then_confirm_then_apply(world: World) -> None:
    assert pending(world.actor) is None  # confirmed for the active campaign
    copy = switch(world)

    to_confirm = pending(world.actor)
    assert to_confirm is not None
    assert (to_confirm.campaign_id, to_confirm.campaign_label, to_confirm.previous_label) == (
        world.new.id,
        "Campagne 2027",
        "Campagne 2026",
    )
    assert pending(world.actor, "en").campaign_label == "2027 intake"

    with pytest.raises(DomainError) as refused:
        apply(world, copy)
    assert refused.value.code == "dossier_unconfirmed"
    with transaction() as s:
        assert s.exec(select(Application).where(Application.campaign_id == world.new.id)).all() == []

    confirmed = confirm(world.actor)
    assert (confirmed.confirmed_campaign_id, confirmed.campaign_id) == (world.new.id, world.new.id)
    assert pending(world.actor) is None
    application = apply(world, copy)
    assert application.campaign_id == world.new.id


def test_the_account_and_the_dossier_are_kept_across_the_switch(world: World) -> None:
    with transaction() as s:
        before = tabs.open_dossier(s, actor=world.actor)
        identity = (before.candidate.birth_name, before.candidate.birth_date, before.baccalaureate.year)
        number = before.account.dossier_number
    switch(world)
    with transaction() as s:
        after = tabs.open_dossier(s, actor=world.actor)
        assert after.candidate.id == world.candidate.id  # the same dossier, not a new one
        assert (after.candidate.birth_name, after.candidate.birth_date, after.baccalaureate.year) == identity
        assert after.account.dossier_number == number
        assert after.address.line1 == "1 rue de Bourgogne"
        assert s.exec(select(Candidate)).all() == [after.candidate]


def test_the_previous_campaigns_applications_stay_readable_not_changeable(world: World) -> None:
    switch(world)
    with transaction() as s:
        rows = applications_views.list_my_applications(s, actor=world.actor, lang="fr")
    assert [(row.archived, row.campaign_label, row.can_cancel) for row in rows] == [(True, "Campagne 2026", False)]
    with transaction() as s, pytest.raises(DomainError) as refused:
        applying.cancel_application(s, actor=world.actor, application_id=rows[0].id)
    assert refused.value.code in {"campaign_archived", "cancel_refused"}


def test_confirming_is_audited_once_and_idempotent(world: World) -> None:
    switch(world)
    confirm(world.actor)
    confirm(world.actor)  # a second tab: nothing more happens
    with transaction() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "dossier.confirmed_for_campaign")).all()
        assert [(e.candidate_id, e.before, e.after) for e in events] == [
            (world.candidate.id, {"campaign": "2026"}, {"campaign": "2027"})
        ]


def test_nothing_to_confirm_without_an_active_campaign(world: World) -> None:
    with transaction() as s:
        old = s.get(Campaign, world.old.id)
        campaigns.archive_campaign(s, actor=world.admin, campaign_id=old.id, expected_version=None)
    assert pending(world.actor) is None
    with pytest.raises(DomainError) as refused:
        confirm(world.actor)
    assert refused.value.code == "no_active_campaign"


def test_a_dossier_started_in_the_new_campaign_needs_no_confirmation(world: World, session: Session) -> None:
    copy = switch(world)
    account = factories.account(session)
    session.commit()
    newcomer = Actor("candidate", account_id=account.id)
    with transaction() as s:
        opened = tabs.open_dossier(s, actor=newcomer)
        assert opened.candidate.confirmed_campaign_id == world.new.id
    assert pending(newcomer) is None
    with transaction() as s:
        campaign_confirmation.require_confirmed_for(s, s.get(Candidate, opened.candidate.id), copy.campaign_id)


def test_an_ine_another_account_confirmed_for_the_campaign_is_refused(world: World, session: Session) -> None:
    switch(world)
    with transaction() as s:
        mine = s.get(Candidate, world.candidate.id)
        mine.ine = "1234567890A"
        s.add(mine)
    other = factories.complete_candidate(session, campaign_id=world.new.id, confirmed_campaign_id=world.new.id)
    other.ine = "1234567890A"
    session.add(other)
    session.commit()
    with pytest.raises(DomainError) as refused:
        confirm(world.actor)
    assert (refused.value.code, refused.value.field) == ("ine_taken", "ine")
    with transaction() as s:
        assert s.get(Candidate, world.candidate.id).confirmed_campaign_id == world.old.id  # nothing written


def test_only_the_candidate_confirms_and_not_while_viewed_as_them(world: World, session: Session) -> None:
    switch(world)
    with pytest.raises(Forbidden):
        confirm(world.admin)
    viewer = Actor("candidate", account_id=world.candidate.account_id, impersonated_by_staff_id=world.admin.staff_id)
    with pytest.raises(DomainError):
        confirm(viewer)
    with transaction() as s:
        assert s.get(Candidate, world.candidate.id).confirmed_campaign_id == world.old.id
        assert s.get(Account, world.candidate.account_id).deleted_at is None


def test_the_dossiers_carried_beyond_an_archived_campaign_are_told_apart(world: World, session: Session) -> None:
    """What the retention job needs: a dossier confirmed for a later campaign is not the archived campaign's to
    erase; one left behind is."""
    left_behind = factories.complete_candidate(session, campaign_id=world.old.id, confirmed_campaign_id=world.old.id)
    session.commit()
    switch(world)
    confirm(world.actor)
    with transaction() as s:
        old = s.get(Campaign, world.old.id)
        carried = set(s.exec(select(Candidate.id).where(campaign_confirmation.carried_beyond(old))).all())
        new = s.get(Campaign, world.new.id)
        beyond_new = s.exec(select(Candidate.id).where(campaign_confirmation.carried_beyond(new))).all()
    assert carried == {world.candidate.id} and left_behind.id not in carried
    assert beyond_new == []


# --- The migration: existing dossiers count as confirmed for the campaign active then ------------------------------


def test_the_migration_counts_existing_dossiers_as_confirmed_for_the_active_campaign(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "7b3e9d41c2a6")  # the revision before Candidate.confirmed_campaign_id
    engine = make_engine(empty_database_url)
    now = datetime(2026, 3, 10, tzinfo=UTC)
    try:
        tables = sa.MetaData()
        tables.reflect(engine, only=["campaign", "account", "candidate"])
        campaign, account, candidate = (tables.tables[name] for name in ("campaign", "account", "candidate"))
        common = {"label_fr": "C", "label_en": "C", "ends_on": date(2027, 1, 1), "created_at": now, "version": 1}
        common["definitive_acceptance"] = False
        with engine.begin() as conn:
            conn.execute(
                campaign.insert(),
                [
                    {"id": 1, "code": "2025", "starts_on": date(2024, 10, 1), "is_active": False, **common},
                    {"id": 2, "code": "2026", "starts_on": date(2025, 10, 1), "is_active": True, **common},
                ],
            )
            conn.execute(
                account.insert(),
                [
                    {"id": n, "dossier_number": f"N{n}", "email": f"{n}@mail.example", "last_name": "N",
                     "first_name": "P", "language": "fr", "failed_sign_ins": 0, "created_at": now, "search_text": ""}
                    for n in (1, 2)
                ],
            )  # fmt: skip
            person = {"civility": "unspecified", "birth_name": "N", "usage_name": "", "first_names": "P",
                      "birth_country": "FR", "birth_place": "", "nationality": "FR", "phone": "", "mobile": "",
                      "locked_fields": [], "updated_at": now, "version": 1, "search_text": ""}  # fmt: skip
            conn.execute(
                candidate.insert(),
                [
                    {"id": 1, "account_id": 1, "campaign_id": 1, **person},
                    {"id": 2, "account_id": 2, "campaign_id": None, **person},
                ],
            )
        command.upgrade(config, "head")
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, confirmed_campaign_id FROM candidate ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(1, 2), (2, 2)]
    finally:
        engine.dispose()
