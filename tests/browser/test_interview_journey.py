"""An interview booked in a real browser, against the demo campus: the shortlisted candidate « convoquée à un
entretien » picks a slot in the radio group with the keyboard and books it; the programme's centre manager then finds
her, with her dossier number, in the timetable of « Entretiens »."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from app.services.demo.data import CANDIDATE_PASSWORD, DOSSIER_NUMBERS, STAFF_PASSWORD
from tests.browser.conftest import assert_no_traceback, screenshot
from tests.browser.test_accessibility_audit import application_ids
from tests.browser.test_staff_journey import arrive, click_link, until, wait_for_text, wait_until_live
from tests.portal_process import Portal

pytestmark = pytest.mark.browser


def sign_in(driver, url: str, login: str, password: str, landing: str) -> None:  # type: ignore[no-untyped-def]
    driver.delete_all_cookies()
    driver.get(url + "/connexion")
    wait_for_text(driver, "Connexion avec un compte eCandidat")
    wait_until_live(driver)
    driver.find_element(By.CSS_SELECTOR, "main input[autocomplete='username']").send_keys(login)
    field = driver.find_element(By.CSS_SELECTOR, "main input[autocomplete='current-password']")
    field.send_keys(password, Keys.ENTER)
    arrive(driver, url + landing)


def test_a_shortlisted_candidate_books_a_slot_and_staff_see_it_in_the_timetable(
    demo_portal: Portal, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    url, number = demo_portal.url, DOSSIER_NUMBERS["c14"]
    try:
        application_id = application_ids(demo_portal)[number, "ING-GC"]
        sign_in(browser, url, number, CANDIDATE_PASSWORD, "/candidat")
        browser.get(f"{url}/candidat/candidatures/{application_id}")
        wait_for_text(browser, "Entretien")
        wait_until_live(browser)
        # The slots: a radio group named by its heading (one tab stop, arrows between the slots).
        slots = (By.CSS_SELECTOR, "main [role='radiogroup'][aria-labelledby='interview-choice-title']")
        group = until(browser, ec.presence_of_element_located(slots), "the slots' radio group")
        title = browser.find_element(By.ID, "interview-choice-title").text
        assert title in ("Réserver un créneau", "Changer de créneau")  # booked already on a rerun: a move
        first = group.find_elements(By.CSS_SELECTOR, "[role='radio']")[0]
        chosen = first.text.split(" — ")[0]  # « samedi 12 décembre 2026, 14:00 – 14:30 (heure de Paris) »
        first.send_keys(Keys.SPACE)  # the keyboard chooses, as a screen reader user would
        until(browser, lambda d: first.get_attribute("aria-checked") == "true", "the slot checked")
        book = '//main//button[normalize-space()="Réserver ce créneau" or normalize-space()="Changer pour ce créneau"]'
        until(browser, ec.element_to_be_clickable((By.XPATH, book)), "the booking button").click()
        wait_for_text(browser, "Votre créneau réservé")
        booked = browser.find_element(By.CSS_SELECTOR, "main [data-mark='interview-booked']").text
        assert chosen in booked, f"{chosen!r} not in {booked!r}"
        screenshot(browser, tmp_path / "1-booked.png")

        # The centre manager of Polytech sees her in the programme's timetable.
        sign_in(browser, url, "tbouvier", STAFF_PASSWORD, "/gestion")
        click_link(browser, "Entretiens")
        arrive(browser, url + "/gestion/entretiens")
        programme = '//main//a[contains(normalize-space(), "Génie civil")]'
        until(browser, ec.element_to_be_clickable((By.XPATH, programme)), "the programme's link").click()
        wait_for_text(browser, "Planning des entretiens")
        wait_for_text(browser, number)
        # The innermost section holding her row is her slot's: its heading is the slot she chose.
        slot = browser.find_element(By.XPATH, f'(//main//section[.//td[normalize-space()="{number}"]])[last()]')
        assert slot.find_element(By.TAG_NAME, "h3").text == chosen
        screenshot(browser, tmp_path / "2-timetable.png")

        assert_no_traceback(demo_portal)  # nothing went wrong on the server's side along the way
    except AssertionError:
        screenshot(browser, tmp_path / "failure.png")
        raise
