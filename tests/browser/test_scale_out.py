"""Results day on several instances, for real: Debian's nginx (deploy/nginx, over TLS) in front of two web instances
(ECANDIDAT_ROLE=web) and a worker, on a fresh PostgreSQL database and Redis, with Chromium through the proxy.

A candidate signs in; a staff member publishes their decision on the other instance and the candidate's open page
shows it; the worker delivers the decision's mail once; the candidate's instance is stopped mid-session and the
candidate, moved by nginx to the other one, is still signed in and their next action works.

nginx's access log names the instance of each request; each browser's route cookie (the key nginx hashes) is
chosen so that the candidate and the staff member are served by different instances.
"""

import os
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import nicegui
import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import create_engine
from sqlmodel import Session, select

from app.i18n import gettext
from app.models import (
    Account,
    Application,
    Candidate,
    Decision,
    DecisionKind,
    DecisionType,
    MailStatus,
    OutboxMail,
    Program,
)
from app.services.demo.data import CANDIDATE_PASSWORD, DEMO_IDENTITIES
from devtools import nginx_proxy
from tests.browser.conftest import chromium, screenshot
from tests.conftest import PG_URL, scratch_postgres_database
from tests.portal_process import Portal, run_portal, run_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(nginx_proxy.NGINX is None, reason="nginx is not installed (.ci/run installs Debian's)"),
    pytest.mark.skipif(not PG_URL, reason="ECANDIDAT_TEST_DATABASE_URL is not set: the instances share PostgreSQL"),
    pytest.mark.skipif(
        not os.environ.get("ECANDIDAT_TEST_REDIS_URL"), reason="ECANDIDAT_TEST_REDIS_URL is not set: they share Redis"
    ),
]

WAIT = 45  # seconds: two portals, a worker, nginx, PostgreSQL and two Chromiums share a busy two-core machine
APPLICATIONS = "/candidat/candidatures"
ADMIN = next(i for i in DEMO_IDENTITIES if i.kind == "staff" and i.login == "mdelaunay")  # may publish anywhere


def until(driver: Any, condition: Callable[[Any], Any], what: str, seconds: float = WAIT) -> Any:
    """Wait for ``condition``; on time-out, fail saying what was awaited and what the page shows."""
    try:
        return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,)).until(condition)
    except TimeoutException:
        main = driver.find_elements(By.TAG_NAME, "main")
        shown = main[0].text[:1500] if main else driver.page_source[:1500]
        raise AssertionError(
            f"waited {seconds} s for {what} at {driver.current_url}; the page shows:\n{shown}"
        ) from None


def main_text(driver: Any) -> str:
    found = driver.find_elements(By.TAG_NAME, "main")
    return found[0].text if found else ""


def live(driver: Any) -> bool:
    """NiceGUI's websocket has made its handshake: events now reach the instance that drew the page."""
    return driver.execute_script("return window.did_handshake === true") is True


@contextmanager
def browser_pinned_to(proxy: nginx_proxy.Proxy, route: str, tmp_path: Path, name: str) -> Iterator[Any]:
    """A Chromium of its own (its own cookies) that nginx sends to the instance ``route`` hashes to."""
    driver = chromium("--ignore-certificate-errors")  # the proxy's certificate is made by the test
    try:
        driver.get(proxy.url + "/robots.txt")  # the site's origin, to set its cookie on
        driver.delete_all_cookies()
        driver.add_cookie({"name": "ecandidat_route", "value": route, "path": "/", "secure": True})
        yield driver
    except BaseException:
        screenshot(driver, tmp_path / f"{name}-failure.png")
        raise
    finally:
        driver.quit()


def routes_to_each_instance(proxy: nginx_proxy.Proxy, instances: set[str]) -> dict[str, str]:
    """A route cookie value leading to each instance (nginx hashes the cookie: asked, not computed)."""
    found: dict[str, str] = {}
    for n in range(200):
        found.setdefault(proxy.instance_for_route(f"route-{n}"), f"route-{n}")
        if set(found) >= instances:
            return found
    raise AssertionError(f"no route cookie reached every instance: {found}")


def pending_decision(database_url: str) -> tuple[Application, Account, DecisionType, Program]:
    """The application of the demo campus with an unfavourable decision entered but not published, the candidate's
    account, the decision's type and the programme."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(Application, Account, DecisionType, Program)
                .select_from(Decision)
                .join(Application, Application.id == Decision.application_id)
                .join(Candidate, Candidate.id == Application.candidate_id)
                .join(Account, Account.id == Candidate.account_id)
                .join(DecisionType, DecisionType.id == Decision.decision_type_id)
                .join(Program, Program.id == Application.program_id)
                .where(Decision.published_at.is_(None))  # type: ignore[union-attr]
                .where(DecisionType.kind == DecisionKind.UNFAVORABLE)  # no capacity can refuse it
                .order_by(Decision.id)
            ).all()
    finally:
        engine.dispose()
    assert rows, "the demo campus has no unpublished unfavourable decision to publish"
    return rows[0]


def outbox_to(database_url: str, address: str) -> list[OutboxMail]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(OutboxMail).where(OutboxMail.to_address == address)).all())
    finally:
        engine.dispose()


@contextmanager
def smtp_sink() -> Iterator[Any]:
    """An SMTP server on loopback recording what it receives (the university's relay, for the worker)."""
    from aiosmtpd.controller import Controller

    from tests.mail_fixtures import RecordingHandler

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=nginx_proxy.free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


def static_file(proxy: nginx_proxy.Proxy, cookies: str) -> Any:
    """The headers nginx answers for one of NiceGUI's scripts, asked by a signed-in browser."""
    request = urllib.request.Request(
        proxy.url + f"/_nicegui/{nicegui.__version__}/static/nicegui.js",
        headers={"Cookie": cookies, "Accept-Encoding": "gzip"},
    )
    with urllib.request.urlopen(request, timeout=30, context=nginx_proxy.insecure()) as response:
        response.read()
        return response.headers


def sign_in_with_password(driver: Any, proxy: nginx_proxy.Proxy, login: str, password: str) -> None:
    driver.get(proxy.url + "/connexion")
    until(driver, live, "the sign-in page's websocket")
    until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "input[autocomplete='username']"), "the login field")
    driver.find_element(By.CSS_SELECTOR, "input[autocomplete='username']").send_keys(login)
    password_field = driver.find_element(By.CSS_SELECTOR, "input[autocomplete='current-password']")
    password_field.send_keys(password)
    password_field.send_keys(Keys.ENTER)
    until(driver, lambda d: d.current_url == proxy.url + "/candidat", "the candidate's page after signing in")


def click_demo_identity(driver: Any, name: str) -> bool:
    for button in driver.find_elements(By.TAG_NAME, "button"):
        if name in button.text:
            button.click()
            return True
    return False


def test_a_candidate_keeps_their_session_and_live_page_across_instances_behind_nginx(tmp_path: Path) -> None:
    https_port = nginx_proxy.free_port()
    files = tmp_path / "files"  # the shared file store (an NFS mount or a volume in production)
    with ExitStack() as stack:
        database_url = stack.enter_context(scratch_postgres_database())
        sink, smtp_port = stack.enter_context(smtp_sink())
        shared = {
            "ECANDIDAT_DATABASE_URL": database_url,
            "ECANDIDAT_REDIS_URL": os.environ["ECANDIDAT_TEST_REDIS_URL"],
            "ECANDIDAT_DATA_DIR": str(files),
            "ECANDIDAT_DEMO": "true",  # the demo campus, seeded by the first instance to start
            "ECANDIDAT_SECRET_KEY": "scale-out-test-secret-key-that-is-long-enough-0123456789",
            "ECANDIDAT_BASE_URL": f"https://127.0.0.1:{https_port}",
            "ECANDIDAT_TRUSTED_PROXIES": "127.0.0.1",
            "ECANDIDAT_SMTP_HOST": "127.0.0.1",
            "ECANDIDAT_SMTP_PORT": str(smtp_port),
            "ECANDIDAT_MAIL_WORKER_INTERVAL_SECONDS": "1",
        }
        instances: list[Portal] = []
        for name in ("web1", "web2"):
            (tmp_path / name).mkdir()
            own = {"ECANDIDAT_ROLE": "web", "NICEGUI_STORAGE_PATH": str(tmp_path / name / "nicegui")}
            instances.append(
                stack.enter_context(run_portal(tmp_path / name / "var", extra_env=shared | own, timeout=150))
            )
        worker = stack.enter_context(run_worker(tmp_path / "worker.log", shared | {"ECANDIDAT_ROLE": "worker"}))
        address = {portal.url.removeprefix("http://"): portal for portal in instances}
        (tmp_path / "nginx").mkdir()
        proxy = stack.enter_context(nginx_proxy.run_nginx(tmp_path / "nginx", list(address), https_port=https_port))
        routes = routes_to_each_instance(proxy, set(address))
        candidate_instance, staff_instance = list(address)
        application, account, decision_type, programme = pending_decision(database_url)
        label = decision_type.label_fr

        # The candidate signs in through nginx, served by one instance.
        candidate = stack.enter_context(browser_pinned_to(proxy, routes[candidate_instance], tmp_path, "candidate"))
        sign_in_with_password(candidate, proxy, account.dossier_number, CANDIDATE_PASSWORD)
        candidate.get(proxy.url + APPLICATIONS)  # « Mes candidatures », live: it redraws when they change
        until(candidate, live, "the websocket of « Mes candidatures »")
        until(candidate, lambda d: programme.label_fr in main_text(d), f"their application to « {programme.label_fr} »")
        assert label not in main_text(candidate)
        served = [row for row in proxy.upstreams() if row[3].startswith("/candidat")]
        assert served and {row[0] for row in served} == {candidate_instance}

        # NiceGUI's scripts come from nginx's cache, compressed, and never carry anybody's session cookie.
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in candidate.get_cookies())
        static = [static_file(proxy, cookies) for _ in range(2)]
        assert static[-1]["x-cache-status"] == "HIT" and "immutable" in static[-1]["cache-control"]
        assert static[-1]["content-encoding"] == "gzip"
        assert not any("session=" in (answer["set-cookie"] or "") for answer in static)

        # A staff member publishes the decision on the other instance: the candidate's open page shows it.
        staff = stack.enter_context(browser_pinned_to(proxy, routes[staff_instance], tmp_path, "staff"))
        staff.get(proxy.url + "/connexion")
        until(staff, live, "the staff sign-in page's websocket")
        until(staff, lambda d: click_demo_identity(d, ADMIN.name), f"the demo button of {ADMIN.name}")
        until(staff, lambda d: "/connexion" not in d.current_url, "the staff home after signing in")
        staff.get(proxy.url + f"/gestion/candidatures/{application.id}")
        until(staff, live, "the application page's websocket")
        publish = until(
            staff,
            lambda d: next((b for b in d.find_elements(By.TAG_NAME, "button") if b.text == "Valider (publier)"), None),
            "the « Valider (publier) » button",
        )
        publish.click()
        until(staff, lambda d: "Décision publiée" in main_text(d), "the publication on the staff page")
        assert {row[0] for row in proxy.upstreams() if row[3].startswith("/gestion/")} == {staff_instance}
        until(candidate, lambda d: label in main_text(d), f"« {label} » on the candidate's page, without a reload")
        screenshot(candidate, tmp_path / "candidate-decision.png")

        # The worker (not a web instance) delivers the decision's mail, once.
        deadline = time.monotonic() + WAIT
        while not any(account.email in mail.rcpt_tos for mail in sink.received) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(3)  # three more passes of the worker: nothing is sent again
        assert sum(account.email in mail.rcpt_tos for mail in sink.received) == 1, (tmp_path / "worker.log").read_text()
        [mail] = outbox_to(database_url, account.email)
        assert mail.status == MailStatus.SENT and mail.attempts == 1
        assert worker.poll() is None

        # The candidate's instance stops mid-session: nginx sends them to the other, where they are still signed in.
        stopped = address[candidate_instance]
        stopped.process.terminate()
        stopped.process.wait(timeout=30)
        before = len(proxy.upstreams())

        def switch_to_english(driver: Any) -> bool:
            try:
                driver.find_element(By.CSS_SELECTOR, "a[hreflang='en']").click()  # a plain link: an HTTP request
            except WebDriverException:
                return False
            return True

        until(candidate, switch_to_english, "the language link after the instance stopped")
        until(candidate, lambda d: d.current_url == proxy.url + APPLICATIONS, "their applications, still signed in")
        sign_out = gettext("Se déconnecter", "en")
        until(candidate, lambda d: sign_out in d.find_element(By.TAG_NAME, "body").text, "the page in English")
        until(candidate, lambda d: decision_type.label_en in main_text(d), "their decision, in English")
        until(candidate, live, "the websocket of the page on the remaining instance")
        screenshot(candidate, tmp_path / "candidate-moved.png")
        after = [row for row in proxy.upstreams()[before:] if row[3] == APPLICATIONS or row[3].startswith("/langue/")]
        assert len(after) >= 2 and {row[0] for row in after} == {staff_instance}, after
