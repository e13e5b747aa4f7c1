"""Scoring in a real browser, against a demo portal of its own (it enters decisions): a centre manager scores the
demo's unscored application of the master Informatique with the keyboard (a refused value announced, then
corrected), ranks the programme, previews the proposal, excludes a row, enters the decisions once, then reads the
ranking in English."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from app.services.demo.campus import DEMO_IDENTITIES
from tests.browser.axe_audit import SETTLED, axe_source, run_axe, table
from tests.browser.conftest import chromium, screenshot
from tests.browser.test_staff_journey import arrive, click_link, sign_in_with_the_form, until, wait_for_text
from tests.portal_process import run_portal

pytestmark = pytest.mark.browser

PROGRAM = "Master Informatique — parcours Intelligence artificielle et science des données"
RANKING_ROWS = "//main//table[caption[normalize-space()='Candidatures classées']]/tbody/tr"


def field(driver, label: str):  # type: ignore[no-untyped-def]
    """The input of the main content whose label starts with ``label``."""
    return driver.find_element(By.XPATH, f'//main//label[.//*[starts-with(normalize-space(), "{label}")]]//input')


def unscored_link(driver):  # type: ignore[no-untyped-def]
    """The candidate link of a ranked row with no score and no decision: the one left to score."""
    for row in driver.find_elements(By.XPATH, RANKING_ROWS):
        cells = [td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")]
        if cells[2] == "non notée" and cells[3] == "Aucun avis":
            return row.find_element(By.TAG_NAME, "a")
    return None


def keyboard_press(driver, label: str) -> None:  # type: ignore[no-untyped-def]
    """Reach the button named ``label`` and press it with the keyboard (Enter), as a keyboard user would."""
    button = until(
        driver,
        ec.element_to_be_clickable((By.XPATH, f'//main//button[normalize-space()="{label}"]')),
        f"the button {label!r}",
    )
    button.send_keys(Keys.ENTER)


def audit(driver, screen: str, findings: list) -> None:  # type: ignore[no-untyped-def]
    """axe-core's WCAG 2.1 A/AA rules on the page as it stands (when `.ci/run` installed axe-core)."""
    source, _why_not = axe_source()
    if source is not None:
        until(driver, lambda d: d.execute_script(SETTLED), "a settled page")
        findings += run_axe(driver, source, screen, "fr", 1280)


def test_a_manager_scores_ranks_previews_and_enters_the_decisions(tmp_path: Path) -> None:
    driver = chromium()
    findings: list = []
    try:
        with run_portal(tmp_path / "var") as portal:
            url = portal.url
            manager = next(i for i in DEMO_IDENTITIES if i.kind == "staff" and i.login == "jroussel")
            sign_in_with_the_form(driver, url, manager)
            click_link(driver, "Classements")
            arrive(driver, url + "/gestion/classements")
            link = until(driver, ec.element_to_be_clickable((By.PARTIAL_LINK_TEXT, PROGRAM)), "the programme")
            link.click()
            wait_for_text(driver, "Places libres")
            ranking_url = driver.current_url
            screenshot(driver, tmp_path / "1-ranking.png")

            # The application left to score, scored with the keyboard: a value above the scale is refused.
            until(driver, unscored_link, "an application left to score").click()
            wait_for_text(driver, "Évaluation")
            first = field(driver, "Dossier académique (sur 20")
            first.click()
            first.send_keys("25", Keys.TAB, "14,5", Keys.TAB, "8")
            keyboard_press(driver, "Enregistrer mes notes")
            until(
                driver,
                lambda d: any(
                    "saisissez une note de 0 à 20" in a.text for a in d.find_elements(By.CSS_SELECTOR, "[role=alert]")
                ),
                "the refusal announced (role=alert)",
            )
            assert field(driver, "Dossier académique (sur 20").get_attribute("aria-invalid") == "true"
            screenshot(driver, tmp_path / "2-refused.png")
            audit(driver, "/gestion/candidatures/{id} (Évaluation, refused)", findings)
            first = field(driver, "Dossier académique (sur 20")
            first.send_keys(Keys.CONTROL, "a")
            first.send_keys("16")
            keyboard_press(driver, "Enregistrer mes notes")
            wait_for_text(driver, "Votre note : 15,62 / 20")  # (2 × 16/20 + 14,5/20 + 8/10) / 4 × 20 = 15,625
            wait_for_text(driver, "Note combinée : 15,62 / 20 (Moyenne des membres)")

            # The ranking: nobody left unscored without a decision; propose, exclude a row, enter once.
            driver.get(ranking_url)
            wait_for_text(driver, "Places libres")
            assert unscored_link(driver) is None
            keyboard_press(driver, "Proposer")
            wait_for_text(driver, "Aperçu des avis proposés")
            preview = driver.find_elements(By.XPATH, "//main//table[caption[starts-with(., 'Avis proposés')]]/tbody/tr")
            proposed = len(preview)
            assert proposed >= 2
            keyboard_press(driver, "Exclure")
            wait_for_text(driver, "1 candidature exclue de la proposition.")
            screenshot(driver, tmp_path / "3-preview.png")
            audit(driver, "/gestion/classements/{id} (preview)", findings)
            keyboard_press(driver, "Saisir les avis")
            wait_for_text(driver, "Avis saisis, non publiés.")
            status = driver.find_element(By.XPATH, "//main//*[@role='status' and contains(., 'Avis saisis')]")
            assert f"Favorables : {proposed - 1}" in status.text.replace("\xa0", " ")
            screenshot(driver, tmp_path / "4-entered.png")

            # The same page in English.
            driver.get(f"{url}/langue/en?suite={ranking_url.removeprefix(url)}")
            wait_for_text(driver, "Propose decisions")
            wait_for_text(driver, "Ranked applications")

            print("\n" + table(findings))
            assert not [f for f in findings if f.blocking], table(findings)
            log = (portal.data_dir.parent / f"portal-{url.rsplit(':', 1)[1]}.log").read_text(errors="replace")
            assert "Traceback" not in log, log[log.index("Traceback") :][:3000]
    except AssertionError:
        screenshot(driver, tmp_path / "failure.png")
        raise
    finally:
        driver.quit()
