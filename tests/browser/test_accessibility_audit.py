"""The candidate's pages under axe-core (WCAG 2.0 and 2.1, A and AA), in a real browser: every page a candidate
sees, anonymous then signed in as demo candidates in several states, in French and English, at 1366 and 390 px wide,
with the main dialogs open. No serious or critical violation; the report (JSON) and full-page screenshots are left
in the test's tmp dir, and the summary table is printed (``-s`` shows it)."""

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import create_engine, text

from app.i18n import gettext
from app.services.demo.data import CANDIDATE_PASSWORD, DOSSIER_NUMBERS
from app.ui.candidate_nav import DOSSIER_TABS
from tests.browser.axe_audit import SETTLED, Finding, axe_source, run_axe, table, write_report
from tests.portal_process import Portal

pytestmark = pytest.mark.browser

SIZES = {1366: 900, 390: 844}  # a common laptop, a common phone (portrait)
PROGRAMME = "M-INFO-IA"  # open now: its page has « Candidater »
# The buttons opening a dialog or a widget worth auditing open (French labels, translated for English).
ASSISTANCE, APPLY, CANCEL, WITHDRAW = "Assistance", "Candidater", "Annuler cette candidature", "Se désister"
UPLOAD = "Ajouter des fichiers (PDF, JPEG, PNG)"

ANONYMOUS = [
    "/",
    "/formations",
    f"/formations/{PROGRAMME}",
    "/faq",
    "/accessibilite",
    "/mentions-legales",
    "/donnees-personnelles",
    "/connexion",
    "/compte/creer",
    "/compte/mot-de-passe-oublie",
]


@dataclass(frozen=True)
class Visit:
    path: str  # ``app:CODE`` stands for the page of the candidate's application to programme CODE
    opens: tuple[str, ...] = ()  # labels of the buttons whose dialog or widget is audited open, one at a time


@dataclass(frozen=True)
class Candidate:
    key: str  # demo_data's person key
    state: str
    visits: list[Visit] = field(default_factory=list)


CANDIDATES = [
    Candidate(
        "c01",
        "pieces missing",
        [
            Visit("/candidat", (ASSISTANCE,)),
            *[Visit(f"/candidat/dossier/{tab}") for tab in DOSSIER_TABS],
            Visit("/candidat/candidatures"),
            Visit("/candidat/messages"),  # the demo's message about the master's information meeting
            Visit("app:M-INFO-IA", (ASSISTANCE, CANCEL, UPLOAD)),
            Visit("app:L3-CHIMIE"),  # pieces all given, not yet transmitted
            Visit("/formations"),  # signed in: « Candidater » buttons
            Visit("/formations/BUT-INFO-2", (APPLY,)),  # open, not applied to: « Candidater ? » asks first
            Visit("/compte"),
        ],
    ),
    Candidate("c03", "dossier transmitted", [Visit("/candidat/candidatures"), Visit("app:M-INFO-IA")]),
    Candidate("c04", "piece refused", [Visit("app:M-INFO-IA")]),
    Candidate(
        "c27",
        "offer to confirm",
        [Visit("/candidat"), Visit("/candidat/candidatures"), Visit("app:M-BIOMC", (WITHDRAW,))],
    ),
    Candidate("c05", "waiting list", [Visit("/candidat/candidatures"), Visit("app:M-BIOMC")]),
    Candidate("c14", "invited to an interview", [Visit("app:ING-GC")]),
    Candidate(
        "c35",
        "dossier to complete, no application",
        [Visit("/candidat"), Visit("/candidat/dossier/informations"), Visit("/candidat/candidatures")],
    ),
]
# A few screens kept as full-page screenshots at both widths, to look at.
SHOTS = {
    "/",
    "/formations",
    "/connexion",
    "/candidat",
    "/candidat/dossier/informations",
    "/candidat/dossier/cursus-interne",
    "/candidat/candidatures",
}


class Audit:
    """One browser, one portal: navigate, audit at both widths (starting with the current one), keep the rows."""

    def __init__(self, driver, portal: Portal, source: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
        self.driver, self.portal, self.source, self.shots = driver, portal, source, shots
        self.width = 1366
        self.findings: list[Finding] = []
        self.screens = 0
        self.landed: str | None = None  # the page the language switch came back to, already loaded

    def resize(self, width: int) -> None:
        # The viewport itself (not the window): 390 is the layout width a phone gives, its meta viewport honoured.
        metrics = {"width": width, "height": SIZES[width], "deviceScaleFactor": 1, "mobile": width < 600}
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        self.width = width
        WebDriverWait(self.driver, 10).until(lambda d: d.execute_script("return window.innerWidth") == width)

    def settle(self) -> None:
        WebDriverWait(self.driver, 10, poll_frequency=0.05).until(lambda d: d.execute_script(SETTLED))

    def open(self, path: str) -> None:
        if path != self.landed:
            self.driver.get(self.portal.url + path)
        self.landed = None
        WebDriverWait(self.driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "main h1")))
        # NiceGUI's socket up: the page's handlers (and anything drawn after load) are there.
        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return !!(window.socket && socket.connected)"))

    def audit(self, screen: str, lang: str, shot: str | None = None) -> None:
        """The current page at both widths."""
        for width in (self.width, next(w for w in SIZES if w != self.width)):
            if width != self.width:
                self.resize(width)
            self.settle()
            # Before axe, whose stylesheet fetches flash Quasar's ajax bar; English at phone width only (its longer
            # words are what break a layout), to keep the run short.
            if shot and (lang == "fr" or width < 600):
                self.screenshot(f"{shot}-{lang}-{width}.png")
            self.findings += run_axe(self.driver, self.source, screen, lang, width)
            self.screens += 1

    def screenshot(self, name: str) -> None:
        """The whole page, beyond the viewport (the capture stretches it for a moment: let it settle back)."""
        data = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "fromSurface": True}
        )["data"]
        self.shots.mkdir(parents=True, exist_ok=True)
        (self.shots / name).write_bytes(base64.b64decode(data))
        self.settle()

    def open_and_audit(self, label: str, screen: str, lang: str) -> None:
        """Press the button named ``label`` (its visible text), audit what it opens, then close it (Escape)."""
        button = self.button(gettext(label, lang))
        button.send_keys(Keys.ENTER)  # the keyboard, as its users press it
        if label == UPLOAD:  # the uploader is drawn in the piece's card (headless: no file picker shows)
            WebDriverWait(self.driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "main .q-uploader"))
        else:
            WebDriverWait(self.driver, 15).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".q-dialog")))
        self.audit(f"{screen} + {label}", lang, shot=f"{slug(screen)}-{slug(label)}")
        if label != UPLOAD:
            self.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
            WebDriverWait(self.driver, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".q-dialog"))

    def button(self, label: str):  # type: ignore[no-untyped-def]
        """The first enabled button whose visible text ends with ``label`` (an icon's ligature may come before)."""
        script = """return [...document.querySelectorAll('button')].find((b) => !b.disabled
            && b.textContent.replace(/\\s+/g, ' ').trim().endsWith(arguments[0]))"""
        return WebDriverWait(self.driver, 15).until(lambda d: d.execute_script(script, label))

    def visit(self, path: str, screen: str, lang: str, opens: tuple[str, ...] = (), shot: bool = False) -> None:
        self.open(path)
        self.audit(screen, lang, shot=slug(screen) if shot else None)
        for label in opens:
            self.open_and_audit(label, screen, lang)

    def switch_language(self, lang: str, then: str) -> None:
        """The header's link does it: ``/langue/{lang}?suite=...`` sets the language and comes back."""
        self.driver.get(f"{self.portal.url}/langue/{lang}?suite={quote(then)}")
        WebDriverWait(self.driver, 15).until(
            lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang").startswith(lang)
        )
        self.landed = then

    def sign_in(self, key: str) -> None:
        self.driver.delete_all_cookies()
        self.open("/connexion")
        self.driver.find_element(By.CSS_SELECTOR, "input[autocomplete=username]").send_keys(DOSSIER_NUMBERS[key])
        password = self.driver.find_element(By.CSS_SELECTOR, "input[autocomplete=current-password]")
        password.send_keys(CANDIDATE_PASSWORD, Keys.ENTER)
        WebDriverWait(self.driver, 15).until(ec.url_to_be(self.portal.url + "/candidat"))


def slug(text: str) -> str:
    """A file name: ASCII letters and digits, the rest dashes."""
    name = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.strip("/").lower())
    return "-".join(part for part in name.split("-") if part) or "home"


def application_ids(portal: Portal) -> dict[tuple[str, str], int]:
    """(dossier number, programme code) -> the live application's id, read from the portal's database."""
    engine = create_engine(f"sqlite:///{(portal.data_dir / 'ecandidat.db').as_posix()}")
    query = text(
        "SELECT ac.dossier_number, p.code, a.id FROM application a JOIN candidate c ON c.id = a.candidate_id "
        "JOIN account ac ON ac.id = c.account_id JOIN program p ON p.id = a.program_id WHERE a.cancelled_at IS NULL"
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    engine.dispose()
    return {(number, code): id_ for number, code, id_ in rows}


def resolve(path: str, key: str, ids: dict[tuple[str, str], int]) -> tuple[str, str]:
    """The URL path of a visit, and how the report names it."""
    if path.startswith("app:"):
        code = path.removeprefix("app:")
        return f"/candidat/candidatures/{ids[DOSSIER_NUMBERS[key], code]}", f"application {code}"
    return path, path


@pytest.fixture
def audit(demo_portal: Portal, browser, tmp_path: Path) -> Iterator[Audit]:  # type: ignore[no-untyped-def]
    source, why_not = axe_source()
    if source is None:
        pytest.skip(why_not)
    session = Audit(browser, demo_portal, source, tmp_path / "screens")
    session.resize(1366)
    try:
        yield session
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})  # the next journey gets its window back


def test_candidate_pages_have_no_serious_or_critical_axe_violation(audit: Audit, tmp_path: Path) -> None:
    for lang in ("fr", "en"):
        audit.driver.delete_all_cookies()
        audit.switch_language(lang, "/")
        for path in ANONYMOUS:
            audit.visit(path, path, lang, shot=path in SHOTS)

    ids = application_ids(audit.portal)
    for candidate in CANDIDATES:
        audit.sign_in(candidate.key)
        for lang in ("fr", "en"):
            audit.switch_language(lang, resolve(candidate.visits[0].path, candidate.key, ids)[0])
            for visit in candidate.visits:
                path, name = resolve(visit.path, candidate.key, ids)
                shot = visit.path in SHOTS or path != name  # and every application page
                audit.visit(path, f"{name} ({candidate.state})", lang, visit.opens, shot)

    write_report(tmp_path / "axe-report.json", audit.screens, audit.findings)
    summary = table(audit.findings)
    print(f"\naxe-core: {audit.screens} screens audited, report in {tmp_path / 'axe-report.json'}\n{summary}")
    blocking = [f for f in audit.findings if f.blocking]
    assert not blocking, f"{len(blocking)} serious or critical axe-core violations:\n{table(blocking)}"
