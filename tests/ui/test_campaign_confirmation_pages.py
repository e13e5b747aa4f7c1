"""After a new campaign has begun: the home's banner, « Je confirme mon dossier », then applying again, and the
previous campaign's applications under « Campagnes précédentes », read-only (screens)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from nicegui.testing import User
from sqlmodel import select

from app.db import new_session, transaction
from app.models import Candidate
from app.services.accounts.passwords import hash_password
from app.services.applications.applying import apply_to_program
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.static_html import marked, should_see_marked
from tests.ui.test_applications_pages import PASSWORD, sign_in

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@dataclass
class Setup:
    email: str
    candidate_id: int
    new_campaign_id: int
    new_program_id: int
    old_application_id: int


@pytest.fixture
def setup(database_url: str, clock) -> Setup:
    """A candidate whose dossier was confirmed for 2026 and who applied then; 2027 is now the active campaign."""
    clock.set(NOW)
    with new_session() as session:
        old = factories.campaign(session, code="2026", label_fr="Campagne 2026", label_en="2026 intake")
        centre = factories.centre(session)
        committee = factories.committee(session, centre.id)
        kw = dict(centre_id=centre.id, committee_id=committee.id)
        old_program = factories.program(session, campaign_id=old.id, label_fr="Master Chimie 2026", **kw)
        account = factories.account(session, password_hash=hash_password(PASSWORD))
        candidate = factories.complete_candidate(
            session, account_id=account.id, campaign_id=old.id, confirmed_campaign_id=old.id
        )
        session.commit()
        with transaction() as s:
            old_application = apply_to_program(
                s, actor=Actor("candidate", account_id=account.id), program_id=old_program.id
            )
        old.is_active, old.archived_at = False, NOW
        session.add(old)
        session.flush()
        new = factories.campaign(
            session,
            code="2027",
            label_fr="Campagne 2027",
            label_en="2027 intake",
            starts_on=date(2026, 3, 1),
            previous_campaign_id=old.id,
        )
        new_program = factories.program(session, campaign_id=new.id, label_fr="Master Chimie 2027", **kw)
        session.commit()
        return Setup(account.email, candidate.id, new.id, new_program.id, old_application.id)


async def test_the_banner_asks_to_confirm_and_applying_waits_for_it(user: User, setup: Setup) -> None:
    await sign_in(user, setup.email, "/candidat")
    await user.should_see(marker="campaign-confirmation")
    await user.should_see("Vérifiez et confirmez votre dossier pour la nouvelle campagne")
    await user.should_see("Campagne 2027")
    await user.should_see("Vos candidatures précédentes (Campagne 2026) restent consultables")
    await user.should_see(marker="dossier-to-confirm")
    await user.should_not_see(marker="dossier-complete")

    with transaction() as s, pytest.raises(DomainError) as refused:
        apply_to_program(s, actor=Actor("candidate", account_id=_account_id(setup)), program_id=setup.new_program_id)
    assert refused.value.code == "dossier_unconfirmed"

    await click(user, "confirm-dossier")
    await user.should_see("Votre dossier est confirmé pour la nouvelle campagne (Campagne 2027)")
    with new_session() as session:
        assert session.get(Candidate, setup.candidate_id).confirmed_campaign_id == setup.new_campaign_id

    await user.open("/candidat")
    await user.should_not_see(marker="campaign-confirmation")
    await user.should_see(marker="dossier-complete")
    with transaction() as s:
        application = apply_to_program(
            s, actor=Actor("candidate", account_id=_account_id(setup)), program_id=setup.new_program_id
        )
        assert application.campaign_id == setup.new_campaign_id


async def test_the_banner_speaks_english(user: User, setup: Setup) -> None:
    await sign_in(user, setup.email, "/candidat")
    await user.http_client.get("/langue/en")
    await user.open("/candidat")
    await user.should_see("Check and confirm your file for the new campaign: 2027 intake")
    await user.should_see("I confirm my file for the new campaign")


async def test_the_previous_campaign_is_listed_apart_and_read_only(user: User, setup: Setup) -> None:
    await sign_in(user, setup.email, "/candidat/candidatures")
    await should_see_marked(user, "previous-campaigns")
    previous = marked(user, "previous-campaigns")
    assert "Campagnes précédentes" in previous.text and "Campagne 2026" in previous.text
    assert "Master Chimie 2026" in previous.text
    await should_see_marked(user, "no-application")  # nothing yet in the open campaign

    await user.open(f"/candidat/candidatures/{setup.old_application_id}")
    await user.should_see(marker="archived-notice")
    await user.should_not_see(marker="cancel-application")


def _account_id(setup: Setup) -> int:
    with new_session() as session:
        return session.exec(select(Candidate.account_id).where(Candidate.id == setup.candidate_id)).one()
