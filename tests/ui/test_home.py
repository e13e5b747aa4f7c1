"""Home page: the institution, the open programmes by centre and diploma type, search, English, empty state."""

from datetime import UTC, datetime, timedelta

from nicegui.testing import User
from sqlmodel import Session

from app.clock import paris_datetime
from app.models import Procedure
from tests import factories
from tests.ui.static_html import follow_marked, headings, marked

NOW = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)


def _headings(user: User, level: int) -> list[str]:
    return headings(user, level)


def _seed_offer(session: Session) -> None:
    campaign = factories.campaign(session)
    sciences = factories.centre(session, label_fr="UFR Sciences et Techniques", label_en="Faculty of Science")
    law = factories.centre(session, label_fr="Faculté de Droit", label_en="Law School")
    master = factories.diploma_type(session, label_fr="Master", label_en="Master's degree", display_order=1)
    licence_pro = factories.diploma_type(
        session, label_fr="Licence professionnelle", label_en="Professional bachelor", display_order=2
    )
    factories.program(
        session,
        campaign_id=campaign.id,
        centre_id=sciences.id,
        diploma_type_id=master.id,
        code="M1CHIM",
        label_fr="Chimie des matériaux",
        label_en="Materials chemistry",
        keywords="polymères",
        info_url="https://formations.univ.example/m1chim",
        window_opens_at=NOW - timedelta(days=20),
        window_closes_at=paris_datetime(2026, 4, 30, 23, 59),
        return_by=None,
    )
    factories.program(
        session,
        campaign_id=campaign.id,
        centre_id=sciences.id,
        diploma_type_id=licence_pro.id,
        code="LPBIO",
        label_fr="Biotechnologies",
        label_en="Biotechnology",
        procedure=Procedure.PAPER,
    )
    factories.program(
        session,
        campaign_id=campaign.id,
        centre_id=law.id,
        diploma_type_id=master.id,
        code="M1DAFF",
        label_fr="Droit des affaires",
        label_en="Business law",
    )
    factories.program(  # closed yesterday
        session,
        campaign_id=campaign.id,
        centre_id=law.id,
        diploma_type_id=master.id,
        code="M2FISC",
        label_fr="Droit fiscal",
        label_en="Tax law",
        window_opens_at=NOW - timedelta(days=40),
        window_closes_at=NOW - timedelta(days=1),
        return_by=None,
    )
    factories.program(  # opens in May
        session,
        campaign_id=campaign.id,
        centre_id=law.id,
        diploma_type_id=master.id,
        code="M1PUB",
        label_fr="Droit public",
        label_en="Public law",
        window_opens_at=paris_datetime(2026, 5, 4, 9, 0),
        window_closes_at=paris_datetime(2026, 6, 15, 23, 59),
        return_by=None,
    )
    session.commit()


async def test_home_names_the_institution_and_lists_open_programmes_by_centre_and_type(
    user: User, session: Session, clock
) -> None:
    clock.set(NOW)
    _seed_offer(session)
    await user.open("/")
    await user.should_see("Université d'Orléans : candidater à une formation")
    await user.should_see("suivre l'évolution de votre candidature ;")
    await user.should_see("3 formations ouvertes aux candidatures")
    assert _headings(user, 2) == ["Faculté de Droit", "UFR Sciences et Techniques", "Prochainement"]
    assert _headings(user, 3)[:3] == ["Master", "Master", "Licence professionnelle"]

    card = marked(user, "program-M1CHIM")
    assert card is not None
    texts = [n.text for n in card.walk() if n.tag in {"h4", "p", "span", "strong", "a"}]
    assert "Chimie des matériaux" in texts
    assert "Code : M1CHIM · Dossier dématérialisé · Capacité d'accueil : 20 places" in texts
    assert "Candidatures jusqu'au 30 avril 2026 à 23:59" in texts  # Paris time, not UTC (21:59)
    assert "29 jours restants" in texts
    assert "Voir la formation" in texts
    await user.should_see("Code : LPBIO · Dossier papier")

    # Closed programmes are not offered; the next ones are announced with their opening date.
    assert marked(user, "program-M2FISC") is None
    await user.should_not_see("Droit fiscal")
    assert marked(user, "program-M1PUB") is None
    assert marked(user, "upcoming-M1PUB") is not None
    await user.should_see("Ouverture le 4 mai 2026")


async def test_search_narrows_the_list(user: User, session: Session, clock) -> None:
    clock.set(NOW)
    _seed_offer(session)
    await user.open("/")
    user.find(marker="search").type("polymeres")
    await user.should_see("1 formation ouverte aux candidatures")
    assert marked(user, "program-M1CHIM") is not None
    assert marked(user, "program-M1DAFF") is None
    user.find(marker="search").clear().type("astrophysique")
    await user.should_see("Aucune formation ouverte ne correspond à « astrophysique ».")
    assert marked(user, "program-M1CHIM") is None


async def test_search_from_the_address(user: User, session: Session, clock) -> None:
    clock.set(NOW)
    _seed_offer(session)
    await user.open("/?q=droit")
    assert marked(user, "program-M1DAFF") is not None
    assert marked(user, "program-M1CHIM") is None


async def test_english_shows_english_labels_and_dates(user: User, session: Session, clock) -> None:
    clock.set(NOW)
    _seed_offer(session)
    await user.open("/")
    follow_marked(user, "lang-en")
    await user.should_see(
        "Université d'Orléans: apply for a programme", retries=20
    )  # the link reloads the page in the new language
    assert user.back_history[-1] == "/langue/en?suite=/"  # a plain link: it works before any script has loaded
    await user.should_see("Materials chemistry")
    await user.should_see("Law School")
    await user.should_see("Master's degree")
    await user.should_see("Applications until 30 April 2026 at 23:59")
    await user.should_see("Online application file")
    await user.should_see("Opens on 4 May 2026")
    await user.should_not_see("Chimie des matériaux")


async def test_empty_state_when_nothing_is_open(user: User, session: Session, clock) -> None:
    clock.set(NOW)
    factories.program(  # the only programme closed last month
        session,
        window_opens_at=NOW - timedelta(days=60),
        window_closes_at=NOW - timedelta(days=30),
        return_by=None,
    )
    session.commit()
    await user.open("/")
    await user.should_see("Aucune formation n'est ouverte aux candidatures en ce moment.")
    assert _headings(user, 2) == []


async def test_last_day_is_announced(user: User, session: Session, clock) -> None:
    clock.set(paris_datetime(2026, 4, 30, 8, 0))
    factories.program(session, code="LAST", window_closes_at=paris_datetime(2026, 4, 30, 23, 59))
    session.commit()
    await user.open("/")
    await user.should_see("Dernier jour pour candidater")
