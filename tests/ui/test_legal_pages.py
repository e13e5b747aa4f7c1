"""The accessibility statement, the legal notice and the privacy page are built from the settings (the institution,
its publisher, host, DPO and accessibility status), in French and English, and state no duration that no job
applies (issue 21 item 6)."""

import re
from datetime import date

import pytest
from nicegui.testing import User
from pydantic import ValidationError

from app.config import Settings, get_settings, reset_settings
from app.services.platform import retention
from app.services.platform.jobs import registered_jobs
from tests.ui.static_html import follow_marked, page_blocks

LEGAL_PAGES = ("/accessibilite", "/mentions-legales", "/donnees-personnelles")
# A number followed by a unit of time, in either language: a duration the page states.
DURATION = re.compile(
    r"\b(\d+)\s+(jours?|heures?|minutes?|semaines?|mois|ans?|années?|days?|hours?|minutes?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
# Durations the pages state that are lifetimes checked at the moment of use, not purges: the download link of a
# candidate's copy of their data (its expiry is tested in tests/test_my_data.py).
ENFORCED_AT_USE = {"limit-data_export_link_hours": "data_export_link_hours"}
INSTITUTION = {
    "ECANDIDAT_INSTITUTION_NAME": "Université de Tours",
    "ECANDIDAT_LEGAL_PUBLISHER_KIND": "epa",
    "ECANDIDAT_LEGAL_PUBLISHER_ADDRESS": "60 rue du Plat d'Étain, 37000 Tours",
    "ECANDIDAT_LEGAL_PUBLICATION_DIRECTOR": "Alix Durand, président",
    "ECANDIDAT_LEGAL_HOST": "Hébergeur Régional, 1 quai Sud, 37000 Tours",
    "ECANDIDAT_DPO_EMAIL": "dpo@univ-tours.example",
    "ECANDIDAT_ASSISTANCE_EMAIL": "aide@univ-tours.example",
    "ECANDIDAT_ACCESSIBILITY_STATUS": "full",
    "ECANDIDAT_ACCESSIBILITY_ASSESSED_BY": "Audits Accessibles SARL",
    "ECANDIDAT_ACCESSIBILITY_ASSESSED_ON": "2026-10-15",
    "ECANDIDAT_ACCESSIBILITY_STATEMENT_ON": "2026-11-02",
    "ECANDIDAT_ACCESSIBILITY_CONTACT_EMAIL": "accessibilite@univ-tours.example",
    "ECANDIDAT_ACCESSIBILITY_PLAN_URL": "https://www.univ-tours.example/schema-accessibilite",
}


def _plain(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)  # French typography's non-breaking spaces


def _element_texts(user: User) -> list[tuple[str, list[str]]]:
    """Every text element of the page with its markers and its ancestors' (static blocks come as one text)."""
    found: list[tuple[str, list[str]]] = []

    def walk(element, markers: list[str]) -> None:
        own = markers + list(getattr(element, "_markers", []))
        text = getattr(element, "text", "")
        if isinstance(text, str) and text:
            found.append((_plain(text), own))
        for slot in element.slots.values():
            for child in slot.children:
                walk(child, own)

    with user:
        walk(user.client.layout, [])
    found.append((_plain(page_blocks(user).text), []))
    return found


def _page_text(user: User) -> str:
    return " ".join(text for text, _ in _element_texts(user))


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch):
    for name, value in INSTITUTION.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


async def test_the_legal_notice_names_the_configured_institution(user: User, configured) -> None:
    await user.open("/mentions-legales")
    await user.should_see("Éditeur")
    texts = _page_text(user)
    assert "Université de Tours, établissement public à caractère administratif" in texts
    assert "Adresse : 60 rue du Plat d'Étain, 37000 Tours" in texts
    assert "Alix Durand, président" in texts
    assert "Hébergeur : Hébergeur Régional, 1 quai Sud, 37000 Tours" in texts
    assert "Université d'Orléans" not in texts and "présidence de l'établissement" not in texts


async def test_the_privacy_page_names_the_controller_and_the_dpo(user: User, configured) -> None:
    await user.open("/donnees-personnelles")
    await user.should_see("Délégué à la protection des données")
    await user.should_see("dpo@univ-tours.example")
    texts = _page_text(user)
    assert "Responsable du traitement : Université de Tours, 60 rue du Plat d'Étain, 37000 Tours" in texts
    assert "délégué à la protection des données, Université de Tours, 60 rue du Plat d'Étain" in texts
    assert "CNIL, 3 place de Fontenoy" in texts


async def test_the_accessibility_statement_follows_the_configured_audit(user: User, configured) -> None:
    await user.open("/accessibilite")
    await user.should_see("eCandidat est totalement conforme")
    texts = _page_text(user)
    assert "Cet état repose sur un audit réalisé par Audits Accessibles SARL le 15 octobre 2026." in texts
    assert "Cette déclaration a été établie le 2 novembre 2026." in texts
    assert "accessibilite@univ-tours.example" in texts
    assert "Contenus non accessibles" not in texts  # a fully compliant portal lists none
    assert "Accessibilité : totalement conforme" in texts  # the footer says the same
    await user.should_see("le schéma pluriannuel de mise en accessibilité de l'établissement")


async def test_the_demo_statement_is_a_dated_self_assessment_partly_compliant(user: User) -> None:
    await user.open("/accessibilite")
    await user.should_see("eCandidat est partiellement conforme")
    texts = _page_text(user)
    assert "Cet état repose sur une auto-évaluation réalisée le 30 novembre 2026" in texts
    assert "Contenus non accessibles" in texts
    assert "Accessibilité : partiellement conforme" in texts
    assert "assistance-ecandidat@univ-orleans.example" in texts  # no accessibility contact: the assistance


async def test_the_pages_read_in_english(user: User, configured) -> None:
    await user.open("/accessibilite")
    follow_marked(user, "lang-en")
    await user.should_see("Accessibility statement", retries=20)
    texts = _page_text(user)
    assert "an audit carried out by Audits Accessibles SARL on 15 October 2026" in texts
    assert "Accessibility: fully compliant" in texts
    await user.open("/mentions-legales")
    texts = _page_text(user)
    assert "Publisher of the portal: Université de Tours, public administrative institution." in texts
    await user.open("/donnees-personnelles")
    texts = _page_text(user)
    assert "Data protection officer:" in texts


def test_full_conformity_cannot_be_claimed_without_an_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECANDIDAT_ACCESSIBILITY_STATUS", "full")
    monkeypatch.setenv("ECANDIDAT_ACCESSIBILITY_ASSESSED_BY", "")
    with pytest.raises(ValidationError, match="ASSESSED_BY"):
        Settings()
    monkeypatch.setenv("ECANDIDAT_ACCESSIBILITY_ASSESSED_BY", "Audits Accessibles SARL")
    assert Settings().accessibility_assessed_on == date(2026, 11, 30)


@pytest.mark.parametrize("path", LEGAL_PAGES)
async def test_every_duration_the_legal_pages_state_has_its_job(user: User, path: str) -> None:
    """A number of days, hours, months or years anywhere on the three pages is a retention promise's value, drawn in
    the element marked for that promise, and the promise's job is registered: a duration written by hand, or a
    promise whose job is gone, fails here."""
    await user.open(path)
    await user.should_see(marker="main")
    jobs = registered_jobs()
    settings = get_settings()  # no parameter overrides in this test: the values the jobs read
    promises = {f"retention-{promise.setting}": promise for promise in retention.PROMISES}
    for text, markers in _element_texts(user):
        stated = DURATION.findall(text)
        if not stated:
            continue
        limit = next((ENFORCED_AT_USE[m] for m in markers if m in ENFORCED_AT_USE), None)
        if limit is not None:  # a lifetime checked when used (tested with its service), not a purge
            assert [int(n) for n, _ in stated] == [getattr(settings, limit)], text
            continue
        promise = next((promises[m] for m in markers if m in promises), None)
        assert promise is not None, f"{path}: a duration with no purge job behind it: {text!r}"
        assert promise.job in jobs, f"{path}: the job {promise.job} of {promise.setting} is not registered"
        assert [int(n) for n, _ in stated] == [getattr(settings, promise.setting)], text
