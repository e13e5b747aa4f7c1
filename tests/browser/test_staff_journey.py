"""The main staff journey in a real browser, against the demo campus: the central office signs in with the form,
searches the applications, opens a dossier, reads the statistics, then reaches the programmes in the administration."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app.services.demo.campus import DEMO_IDENTITIES
from app.services.review.staff_list_columns import DEFAULT_PAGE_SIZE
from tests.browser.conftest import assert_no_server_error, screenshot
from tests.portal_process import Portal

pytestmark = pytest.mark.browser

WAIT = 20  # seconds: generous, the 2-core machine running these may be busy
APPLICATIONS_TABLE = "//main//table[.//th[normalize-space()='N° de dossier']]"
TOTAL = re.compile(r"^(\d+) candidatures?$")


def until(driver, condition, what: str):  # type: ignore[no-untyped-def]
    """Wait up to WAIT seconds for ``condition``; on time-out, fail saying what was awaited and what the page shows."""
    try:
        # Vue re-renders the list when it refreshes: an element read mid-render is stale, so look again.
        return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(condition)
    except TimeoutException:
        main = driver.find_elements(By.TAG_NAME, "main")
        shown = main[0].text[:1500] if main else driver.page_source[:1500]
        # NiceGUI's « Connexion perdue » popup: the websocket dropped, so the page no longer reaches the server.
        lost = [p.text for p in driver.find_elements(By.ID, "popup") if p.is_displayed()]
        raise AssertionError(
            f"waited {WAIT} s for {what} at {driver.current_url}; "
            + (f"NiceGUI's connection popup is shown: {lost[0]!r}; " if lost else "")
            + f"the page shows:\n{shown}"
        ) from None


def wait_for_text(driver, text: str) -> None:  # type: ignore[no-untyped-def]
    until(driver, ec.text_to_be_present_in_element((By.TAG_NAME, "main"), text), repr(text))


def wait_until_live(driver) -> None:  # type: ignore[no-untyped-def]
    """Wait for NiceGUI's websocket handshake before typing: events queued before it are each retried on their own
    10 ms timer, so an Enter typed early may reach the server before the text typed ahead of it."""
    until(driver, lambda d: d.execute_script("return window.did_handshake === true"), "the websocket handshake")


def click_link(driver, text: str) -> None:  # type: ignore[no-untyped-def]
    """Follow the link of the main content named ``text``, as a user would."""
    link = (By.XPATH, f'//main//a[normalize-space()="{text}"]')
    until(driver, ec.element_to_be_clickable(link), f"the link {text!r}").click()


def arrive(driver, url: str) -> None:  # type: ignore[no-untyped-def]
    until(driver, ec.url_to_be(url), f"the address {url}")


@dataclass(frozen=True)
class ListShown:
    total: int  # as the heading announces it
    headers: list[str]
    rows: list[list[str]]  # the cells' text, the selection box's cell included (empty)


def read_list(driver) -> ListShown | None:  # type: ignore[no-untyped-def]
    """The list of applications as shown, once its heading's count and its rows agree; None until then."""
    totals = [m for h in driver.find_elements(By.CSS_SELECTOR, "main h2") if (m := TOTAL.match(h.text.strip()))]
    if not totals:
        return None
    total = int(totals[0].group(1))
    rows = [
        [td.text.strip() for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in driver.find_elements(By.XPATH, APPLICATIONS_TABLE + "/tbody/tr")
    ]
    if len(rows) != min(total, DEFAULT_PAGE_SIZE):  # the first page, complete
        return None
    headers = [th.text for th in driver.find_elements(By.XPATH, APPLICATIONS_TABLE + "/thead//th[@scope='col']")]
    return ListShown(total, headers, rows)


def sign_in_with_the_form(driver, url: str, staff) -> None:  # type: ignore[no-untyped-def]
    """Sign ``staff`` (a demo identity) in through /connexion's form; they land on /gestion."""
    driver.get(url + "/connexion")
    wait_for_text(driver, "Connexion avec un compte eCandidat")
    wait_until_live(driver)
    driver.find_element(By.CSS_SELECTOR, "main input[autocomplete='username']").send_keys(staff.login)
    password = driver.find_element(By.CSS_SELECTOR, "main input[autocomplete='current-password']")
    password.send_keys(staff.password)
    password.send_keys(Keys.ENTER)
    arrive(driver, url + "/gestion")


def test_the_central_office_searches_opens_a_dossier_reads_statistics_and_reaches_the_programmes(
    demo_portal: Portal, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    try:
        staff = next(i for i in DEMO_IDENTITIES if i.kind == "staff" and i.login == "nperrin")
        url = demo_portal.url

        # Sign in with the form (not the demo's one-click buttons): the staff land on their space.
        sign_in_with_the_form(browser, url, staff)
        wait_for_text(browser, f"Bonjour {staff.name}.")
        screenshot(browser, tmp_path / "1-staff-home.png")

        # « Candidatures »: a table with column headers and one row per application.
        click_link(browser, "Candidatures")
        arrive(browser, url + "/gestion/candidatures")
        listed = until(browser, lambda d: read_list(d), "the list of applications")
        everyone = listed.total
        assert everyone > 1
        for expected in ("N° de dossier", "Nom", "Formation", "Statut du dossier"):
            assert any(h.startswith(expected) for h in listed.headers), f"{expected!r} not among {listed.headers}"
        last_name = listed.rows[0][2]
        assert last_name, "the first row shows the candidate's name"
        screenshot(browser, tmp_path / "2-applications.png")

        # The free-text search narrows the list to that candidate's applications (Enter applies it).
        wait_until_live(browser)
        search = browser.find_element(By.CSS_SELECTOR, "main input[aria-label^='Rechercher']")
        search.send_keys(last_name)
        search.send_keys(Keys.ENTER)
        narrowed = until(
            browser,
            lambda d: (found := read_list(d)) and found.total < everyone and found,
            f"the search for {last_name!r}",
        )
        assert narrowed.total >= 1
        for cells in narrowed.rows:
            assert cells[2] == last_name, f"{cells} does not match the search for {last_name!r}"
        screenshot(browser, tmp_path / "3-applications-searched.png")

        # The dossier of the first match: its summary, pieces and status sections.
        dossier_number = narrowed.rows[0][1]
        link = browser.find_element(By.XPATH, f'{APPLICATIONS_TABLE}/tbody/tr//a[normalize-space()="{dossier_number}"]')
        href = link.get_attribute("href")
        link.click()
        arrive(browser, href)
        wait_for_text(browser, f"Numéro de dossier : {dossier_number}")
        assert last_name.lower() in browser.find_element(By.TAG_NAME, "h1").text.lower()
        sections = {"Dossier", "Pièces", "Statut du dossier", "Décisions", "Historique"}
        until(
            browser,
            lambda d: sections <= {h.text.strip() for h in d.find_elements(By.CSS_SELECTOR, "main h2")},
            f"the sections {sorted(sections)}",
        )
        main_text = browser.find_element(By.TAG_NAME, "main").text
        assert "Statut du dossier : " in main_text and "Statut : " in main_text  # the dossier's, then each piece's
        screenshot(browser, tmp_path / "4-dossier.png")

        # « Statistiques »: tables with a caption and headers, each followed by a drawn chart.
        click_link(browser, "Retour à l'espace de gestion")
        arrive(browser, url + "/gestion")
        click_link(browser, "Statistiques")
        arrive(browser, url + "/gestion/statistiques")
        wait_for_text(browser, "Candidatures et statut des dossiers par formation")
        table = browser.find_element(By.XPATH, "//main//table[caption[contains(., 'Candidatures et statut')]]")
        column_headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th[scope='col']")]
        assert column_headers[:2] == ["Formation", "Candidatures"]
        row_headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "tbody th[scope='row']")]
        assert len(row_headers) >= 3 and row_headers[-1] == "Total"
        charts = until(
            browser,
            lambda d: [
                c
                for c in d.find_elements(By.CSS_SELECTOR, "main [role='img']")
                if c.find_elements(By.TAG_NAME, "canvas")
            ],
            "a chart drawn on a canvas",
        )
        assert charts[0].get_attribute("aria-label").startswith("Graphique")
        assert charts[0].size["height"] > 100 and charts[0].size["width"] > 100
        screenshot(browser, tmp_path / "5-statistics.png")

        # « Administration », then « Formations et calendriers »: the programmes of the active campaign.
        click_link(browser, "Retour à l'espace de gestion")
        arrive(browser, url + "/gestion")
        click_link(browser, "Administration")
        arrive(browser, url + "/admin")
        wait_for_text(browser, "Formations et calendriers")
        screenshot(browser, tmp_path / "6-administration.png")
        click_link(browser, "Formations et calendriers")
        arrive(browser, url + "/admin/formations")
        wait_for_text(browser, "formations")
        programmes = browser.find_element(By.XPATH, "//main//table[.//th[normalize-space()='Code']]")
        headers = [th.text for th in programmes.find_elements(By.CSS_SELECTOR, "thead th")]
        assert {"Code", "Formation", "Composante", "État"} <= set(headers)
        codes = [
            row.find_elements(By.TAG_NAME, "td")[1].text
            for row in programmes.find_elements(By.CSS_SELECTOR, "tbody tr")
        ]
        assert len(codes) >= 5 and "BUT-INFO-2" in codes
        screenshot(browser, tmp_path / "7-programmes.png")

        assert_no_server_error(demo_portal)  # nothing went wrong on the server's side along the way
    except AssertionError:
        screenshot(browser, tmp_path / "failure.png")
        raise
