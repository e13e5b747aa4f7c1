"""The privacy page (« Données personnelles ») states each retention duration from the setting its purge job reads,
and no duration without a job behind it (issue 21)."""

import re

import pytest
from nicegui.testing import User

from app.config import get_settings, reset_settings
from app.services.platform import retention
from app.services.platform.jobs import registered_jobs
from tests.ui.static_html import follow_marked


def _texts(user: User, marker: str) -> list[str]:
    with user:
        [block] = user.find(marker=marker).elements
        texts = [element.text for element in (block, *block.descendants()) if getattr(element, "text", "")]
    return [re.sub(r"[\u00a0\u202f]", " ", text) for text in texts]  # French typography's non-breaking spaces


async def test_the_page_states_the_durations_the_jobs_apply(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECANDIDAT_ACCESS_LOG_DAYS", "400")
    monkeypatch.setenv("ECANDIDAT_MAIL_RETENTION_DAYS", "45")
    monkeypatch.setenv("ECANDIDAT_ACTIVATION_DAYS", "1")
    monkeypatch.setenv("ECANDIDAT_RETENTION_YEARS", "3")
    reset_settings()
    await user.open("/donnees-personnelles")
    await user.should_see("Durée de conservation")
    expected = {
        "retention_years": "votre dossier, vos coordonnées, vos pièces et vos réponses sont effacés 3 ans après "
        "l'archivage de la campagne où vous avez candidaté (sauf si vous candidatez à nouveau entre-temps) ; seules "
        "restent, anonymes, les données des statistiques (formation, avis, année, série du baccalauréat, "
        "nationalité) ;",
        "access_log_days": "le journal des connexions et des consultations de votre dossier est conservé 400 jours, "
        "puis effacé ;",
        "mail_retention_days": "la copie des courriels que le portail vous envoie est effacée 45 jours après leur "
        "envoi (ou leur dernier essai d'envoi) ;",
        "export_retention_days": "la copie de vos données demandée depuis « Mon compte » est effacée 7 jours après "
        "sa préparation ;",
        "sign_in_throttle_minutes": "les compteurs de tentatives de connexion échouées sont effacés chaque nuit, une "
        "fois passé le blocage de 15 minutes ;",
        "activation_days": "un compte jamais activé est supprimé une fois passé son délai d'activation de 1 jour.",
    }
    assert {p.setting for p in retention.PROMISES} == set(expected)
    for setting, text in expected.items():
        assert _texts(user, f"retention-{setting}") == [text]


async def test_no_duration_on_the_page_lacks_a_job(user: User) -> None:
    """Every number in « Durée de conservation » is a promise's value, and every promise has its job."""
    await user.open("/donnees-personnelles")
    await user.should_see("Durée de conservation")
    jobs = registered_jobs()
    settings = get_settings()  # no parameter overrides in this test: the values the jobs read
    promised = {str(getattr(settings, p.setting)) for p in retention.PROMISES if p.job in jobs}
    stated = {number for text in _texts(user, "retention") for number in re.findall(r"\d+", text)}
    assert stated and stated <= promised, f"durations without a purge job: {stated - promised}"


async def test_the_durations_read_in_english(user: User) -> None:
    await user.open("/donnees-personnelles")
    follow_marked(user, "lang-en")
    await user.should_see("How long it is kept", retries=20)  # the link reloads the page in the new language
    assert _texts(user, "retention-access_log_days") == [
        "the log of sign-ins and of views of your file is kept for 365 days, then erased;"
    ]
    assert _texts(user, "retention-activation_days") == [
        "an account that is never activated is deleted once its activation period of 5 days is over."
    ]
