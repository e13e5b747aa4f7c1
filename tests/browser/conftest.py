"""Real-browser tests: Debian's headless Chromium driven by Selenium against ``python main.py``."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.portal_process import Portal, run_portal

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="session")
def demo_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The demo portal as ``python main.py`` serves it on a fresh data directory."""
    with run_portal(tmp_path_factory.mktemp("portal") / "var") as portal:
        yield portal


def chromium(*extra_flags: str):  # type: ignore[no-untyped-def]
    """A headless Chromium from Debian, driven by Selenium; the caller quits it. Skips the test without one."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--window-size=1280,1024",
        *extra_flags,
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    return driver


@pytest.fixture(scope="session")
def browser() -> Iterator:
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


def assert_no_server_error(portal: Portal) -> None:
    """Nothing went wrong on the portal's side: its log holds no traceback."""
    port = portal.url.rsplit(":", 1)[1]
    log = (portal.data_dir.parent / f"portal-{port}.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log[log.index("Traceback") :][:3000]


def screenshot(driver, path: Path) -> None:  # type: ignore[no-untyped-def]
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))


@pytest.fixture(autouse=True)
def fresh_visitor(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each journey starts as a new visitor: no session, no language chosen by the previous test."""
    yield
    if "browser" in request.fixturenames:
        request.getfixturevalue("browser").delete_all_cookies()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A real browser on a loaded two-core CI machine can lose NiceGUI's websocket for a moment (the page shows
    « Connexion perdue ») and miss one step: each journey gets one more run; a real regression fails twice."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))
