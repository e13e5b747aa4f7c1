"""/admin/campagnes, /admin/parametres, /admin/messages, /admin/faq and /faq: the journeys and the refusals."""

from datetime import date

import pytest
from nicegui.testing import User
from sqlmodel import select

from app import clock as app_clock
from app.db import new_session
from app.models import Campaign, FaqEntry, PortalParameter, Program, StaffRole
from app.services.offer.faq_guide import GUIDE_FAQ
from tests import factories
from tests.ui.admin_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in

NOW = app_clock.paris_datetime(2026, 3, 10, 10)


@pytest.fixture(autouse=True)
def fixed_clock(clock):
    clock.set(NOW)
    return clock


def element(user: User, marker: str):
    return user.find(marker=marker).elements.pop()


def active_campaign_with_a_programme() -> None:
    with new_session() as session:
        campaign = factories.campaign(session, code="2026", starts_on=date(2025, 10, 1), ends_on=date(2026, 9, 30))
        factories.program(session, campaign_id=campaign.id, code="M-INFO")
        session.commit()


async def test_the_central_office_creates_a_campaign_then_switches_to_it(user: User) -> None:
    active_campaign_with_a_programme()
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open("/admin/campagnes")
    await user.should_see(marker="campaign-2026")
    user.find(marker="new-campaign").click()
    user.find(marker="code").type("2027")
    user.find(marker="label_en").type("2027 intake")
    user.find(marker="starts_on").type("01/10/2026")
    user.find(marker="ends_on").type("01/09/2026")
    await click(user, "save")
    assert element(user, "label_fr").error == "Ce champ est obligatoire."
    assert element(user, "code").value == "2027"  # nothing typed is lost
    user.find(marker="label_fr").type("Campagne 2027")
    user.find(marker="ends_on").clear().type("30/09/2027")
    await click(user, "save")
    await user.should_see("Campagne « 2027 » enregistrée.")
    await user.should_see(marker="campaign-2027")
    await user.should_see("Les candidats gardent leur compte et leur dossier")  # what the switch does to them
    user.find(marker="switch").click()
    await click(user, "confirm-switch")
    await user.should_see("Campagne « 2027 » active. Recopié : 1 formation, 0 pièce et 0 question.")
    with new_session() as session:
        new = session.exec(select(Campaign).where(Campaign.code == "2027")).one()
        old = session.exec(select(Campaign).where(Campaign.code == "2026")).one()
        assert new.is_active and not old.is_active and old.archived_at is not None
        assert session.exec(select(Program.code).where(Program.campaign_id == new.id)).all() == ["M-INFO"]
    await user.should_see("Archivée")  # the list is redrawn
    user.find(marker="edit-2026").click()
    await user.should_see(marker="archived-note")
    await user.should_not_see(marker="save")


async def test_a_centre_manager_and_a_committee_member_are_refused(user: User) -> None:
    with new_session() as session:
        centre = factories.centre(session)
        committee = factories.committee(session, centre.id)
        session.commit()
        centre_id, committee_id = centre.id, committee.id
    make_staff("manager", StaffRole.CENTRE_MANAGER, centre_id=centre_id)
    make_staff("member", StaffRole.COMMITTEE_MEMBER, committee_id=committee_id)
    await sign_in(user, "manager")
    for path in ("/admin/campagnes", "/admin/parametres", "/admin/messages", "/admin/faq"):
        await user.open(path)
        await user.should_see(marker="refusal")
    await click(user, "sign-out")
    await sign_in(user, "member")
    await user.open("/admin/campagnes")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="new-campaign")


async def test_a_read_only_role_sees_but_cannot_save(user: User) -> None:
    active_campaign_with_a_programme()
    make_staff("reader", StaffRole.CENTRAL_OFFICE, read_only=True)
    await sign_in(user, "reader")
    await user.open("/admin/campagnes")
    await user.should_see(marker="read-only")
    await user.should_not_see(marker="new-campaign")
    await user.open("/admin/parametres")
    await user.should_see(marker="param-password_min_length")
    await user.should_not_see(marker="save-password_min_length")


async def test_parameters_are_saved_with_errors_next_to_the_field_and_reset(user: User) -> None:
    make_staff("admin", StaffRole.ADMINISTRATOR)
    await sign_in(user, "admin")
    await user.open("/admin/parametres")
    await user.should_see("Longueur minimale du mot de passe")
    user.find(marker="param-password_min_length").clear().type("8")
    await click(user, "save-password_min_length")
    assert element(user, "param-password_min_length").error == "Indiquez une valeur entre 10 et 128."
    user.find(marker="param-password_min_length").clear().type("14")
    await click(user, "save-password_min_length")
    await user.should_see("Paramètre enregistré : Longueur minimale du mot de passe = 14.")
    with new_session() as session:
        assert session.get(PortalParameter, "password_min_length").value == {"value": 14}
    await user.should_see(marker="reset-password_min_length")  # the list is redrawn with the override
    await click(user, "reset-password_min_length")
    await user.should_see("Valeur par défaut rétablie : Longueur minimale du mot de passe = 12.")
    with new_session() as session:
        assert session.get(PortalParameter, "password_min_length") is None


async def test_a_banner_is_published_and_shown_to_candidates(user: User) -> None:
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open("/admin/messages")
    user.find(marker="new-announcement").click()
    user.find(marker="message_fr").type("Le portail sera fermé dimanche de 8 h à 10 h.")
    await click(user, "save")
    assert element(user, "message_en").error == "Ce champ est obligatoire."
    user.find(marker="message_en").type("The portal will be closed on Sunday from 8 to 10 am.")
    await click(user, "save")
    await user.should_see("Message enregistré.")
    await user.should_not_see(marker="banners")  # not shown to staff unless flagged
    await click(user, "sign-out")
    await user.open("/")
    await user.should_see("Le portail sera fermé dimanche de 8 h à 10 h.")
    banner = element(user, "banner-information")
    assert banner.props["role"] == "status"


async def test_the_faq_is_edited_and_shown_to_candidates(user: User) -> None:
    from app.services.offer import faq

    with new_session() as session:
        faq.seed_guide_faq(session)
        session.commit()
    await user.open("/faq")
    await user.should_see("Foire aux questions")
    await user.should_see(GUIDE_FAQ[0][0])
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open("/admin/faq")
    await click(user, "new-faq")
    user.find(marker="question_fr").type("Puis-je modifier ma candidature après l'avoir transmise ?")
    user.find(marker="question_en").type("Can I change my application once submitted?")
    user.find(marker="answer_fr").type("Non : contactez la scolarité.")
    user.find(marker="answer_en").type("No: contact the admissions office.")
    await click(user, "save")
    await user.should_see("Question enregistrée.")
    with new_session() as session:
        assert len(session.exec(select(FaqEntry)).all()) == len(GUIDE_FAQ) + 1
    await user.open("/faq")
    await user.should_see("Puis-je modifier ma candidature après l'avoir transmise ?")
