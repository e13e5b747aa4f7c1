"""An examining committee's member in a real browser, against the demo campus (issue #22 item 1): the head of the
Computer Science department (« Avis du directeur ») signs in, finds the master's applications in the list, opens
one still awaiting the department's opinion, gives it, and reads it back with their name."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from app.services.demo.data import DOSSIER_NUMBERS, STAFF_PASSWORD
from tests.browser.conftest import assert_no_traceback, screenshot
from tests.browser.test_staff_journey import (
    APPLICATIONS_TABLE,
    arrive,
    click_link,
    read_list,
    sign_in_with_the_form,
    until,
    wait_for_text,
)
from tests.portal_process import Portal

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Member:
    login: str
    password: str


def test_the_head_of_department_gives_the_opinion_of_their_committee(
    demo_portal: Portal, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    try:
        url = demo_portal.url
        sign_in_with_the_form(browser, url, Member("rdumas", STAFF_PASSWORD))
        click_link(browser, "Candidatures")
        arrive(browser, url + "/gestion/candidatures")
        listed = until(browser, lambda d: read_list(d), "the list of applications")
        assert listed.total == 5  # the live applications of the one programme the committee examines

        # c03's application has the teaching team's opinion, not yet the department's.
        number = DOSSIER_NUMBERS["c03"]
        link = browser.find_element(By.XPATH, f'{APPLICATIONS_TABLE}/tbody/tr//a[normalize-space()="{number}"]')
        href = link.get_attribute("href")
        link.click()
        arrive(browser, href)
        wait_for_text(browser, "Avis des commissions")
        wait_for_text(browser, "Direction du département Informatique")
        assert "Avis requis manquants" in browser.find_element(By.TAG_NAME, "main").text
        assert not browser.find_elements(By.XPATH, "//main//button[normalize-space()='Enregistrer la décision']")
        screenshot(browser, tmp_path / "1-opinions.png")

        favourable = (By.XPATH, "//main//*[@role='radio'][normalize-space()='Favorable']")
        until(browser, ec.element_to_be_clickable(favourable), "the « Favorable » choice").click()
        save = (By.XPATH, '//main//button[normalize-space()="Enregistrer l\'avis"]')
        until(browser, ec.element_to_be_clickable(save), "« Enregistrer l'avis »").click()
        wait_for_text(browser, "Romain Dumas, le")  # the page redrew from the committed opinion
        assert "Avis requis manquants" not in browser.find_element(By.TAG_NAME, "main").text
        screenshot(browser, tmp_path / "2-opinion-saved.png")

        assert_no_traceback(demo_portal)
    except AssertionError:
        screenshot(browser, tmp_path / "failure.png")
        raise
