"""The staff list (/gestion/candidatures) in a real browser, as the central office sees it on the demo campus: a
table read as one (column headers with ``scope="col"``, the sorted one with ``aria-sort``), a checkbox per row
named after its dossier that the keyboard ticks and the server keeps, a link per row; no serious or critical axe
violation at 1366 and 390 px."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.services.demo.campus import DEMO_IDENTITIES
from tests.browser.axe_audit import SETTLED, axe_source, run_axe, table
from tests.browser.conftest import screenshot
from tests.browser.test_staff_journey import (
    APPLICATIONS_TABLE,
    read_list,
    sign_in_with_the_form,
    until,
    wait_until_live,
)
from tests.portal_process import Portal

pytestmark = pytest.mark.browser

BOXES = "//main//table//tbody//*[@role='checkbox']"


def _open_the_list(portal: Portal, browser):  # type: ignore[no-untyped-def]
    sign_in_with_the_form(browser, portal.url, next(i for i in DEMO_IDENTITIES if i.login == "nperrin"))
    browser.get(portal.url + "/gestion/candidatures")
    return until(browser, lambda d: read_list(d), "the list of applications")


def test_the_staff_list_reads_as_a_table_and_the_keyboard_selects(demo_portal: Portal, browser) -> None:  # type: ignore[no-untyped-def]
    listed = _open_the_list(demo_portal, browser)
    wait_until_live(browser)
    boxes = browser.find_elements(By.XPATH, BOXES)
    assert len(boxes) == len(listed.rows)
    number = listed.rows[0][1]
    assert boxes[0].get_attribute("aria-label") == f"Sélectionner le dossier {number}"
    link = browser.find_element(By.XPATH, f'{APPLICATIONS_TABLE}/tbody/tr[1]//a[normalize-space()="{number}"]')
    assert "/gestion/candidatures/" in (link.get_attribute("href") or "")
    assert listed.headers[0] == "Sélection" and len(listed.headers) == len(listed.rows[0])

    # The keyboard ticks a row; the server keeps it (the count, drawn again after a sort, says so).
    boxes[0].send_keys(Keys.SPACE)
    until(browser, lambda d: d.find_elements(By.XPATH, BOXES)[0].get_attribute("aria-checked") == "true", "the tick")
    sorted_by_name = f"{APPLICATIONS_TABLE}/thead//th[@scope='col'][@aria-sort][.//button[starts-with(., 'Nom')]]"
    assert browser.find_element(By.XPATH, sorted_by_name).get_attribute("aria-sort") == "ascending"  # the default
    browser.find_element(By.XPATH, sorted_by_name + "//button").send_keys(Keys.ENTER)
    until(browser, lambda d: "1 sélectionnée" in d.find_element(By.TAG_NAME, "main").text, "the selection kept")
    until(
        browser,
        lambda d: d.find_element(By.XPATH, sorted_by_name).get_attribute("aria-sort") == "descending",
        "the sort turned",
    )


def test_axe_finds_no_blocking_violation_on_the_staff_list(demo_portal: Portal, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source, why_not = axe_source()
    if source is None:
        pytest.skip(why_not)  # axe-core is installed by .ci/run; without it only this audit is skipped
    _open_the_list(demo_portal, browser)
    wait_until_live(browser)
    findings = []
    for width, height in ((1366, 900), (390, 844)):
        browser.set_window_size(width, height)
        until(browser, lambda d: d.execute_script(SETTLED), "a settled page")
        screenshot(browser, tmp_path / f"staff-list-{width}.png")
        findings += run_axe(browser, source, "/gestion/candidatures", "fr", width)
    print("\n" + table(findings))
    assert not [f for f in findings if f.blocking], table(findings)
