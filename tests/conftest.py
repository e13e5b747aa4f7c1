"""Test harness: a fresh database per test on SQLite, and the same tests on PostgreSQL when
``ECANDIDAT_TEST_DATABASE_URL`` names a server (each run works in a database of its own, dropped after).

Fixtures:
- ``database_url``: a migrated, empty database, made current for the application (settings, engine);
- ``session``: a session on it;
- ``clock``: sets "now" for calendar rules (``clock.set(datetime)``), restored after the test;
- ``user``: NiceGUI's simulated user, on the portal started by ``main.py`` against that database.
"""

import os
import shutil
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from nicegui.testing import User
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

# Tests never run in demo mode: they seed what they need. Set before the app reads its settings.
os.environ["ECANDIDAT_DEMO"] = "false"
os.environ["ECANDIDAT_JOBS_ENABLED"] = "false"  # tests run the jobs they mean to, by hand
# A page (or one of its handlers) that queries the database on the event loop fails its test (app/db.py).
os.environ["ECANDIDAT_LOOP_GUARD"] = "1"
os.environ["ECANDIDAT_SECRET_KEY"] = "test-secret-key-that-is-long-enough-0123456789"
os.environ.pop("ECANDIDAT_DATABASE_URL", None)
os.environ.pop("ECANDIDAT_SMTP_HOST", None)

from app import clock as app_clock
from app.config import reset_settings
from app.db import loop_violations, new_session, reset_engine
from app.services.accounts import passwords
from tests import compiled_once

compiled_once.install()  # each screen test imports the page modules again: compiled once, not once per test

PG_URL = os.environ.get("ECANDIDAT_TEST_DATABASE_URL", "")
PG_SKIP_REASON = "ECANDIDAT_TEST_DATABASE_URL is not set: the PostgreSQL variant of this test is skipped"

BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)),
]


def create_schema(url: str) -> None:
    """The models' tables, stamped at the latest migration (so main.py's upgrade is a no-op).

    Building from the metadata keeps the suite fast and lets a model change be tested before its
    migration exists; tests/test_schema.py checks that the migrations build the same schema.
    """
    from alembic import command

    import app.models  # noqa: F401  (registers every table)
    from app.services.platform.migrations import alembic_config

    engine = create_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    command.stamp(alembic_config(url), "head")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file with the schema, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    create_schema(f"sqlite:///{path.as_posix()}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this run's own on the test server, with the schema, dropped at the end."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    with scratch_postgres_database() as url:
        create_schema(url)
        yield url


@contextmanager
def scratch_postgres_database() -> Iterator[str]:
    """An empty database of its own on the test server, dropped afterwards."""
    name = f"ecandidat_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        reset_engine()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, for the migrations to build."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'migrated.db').as_posix()}"
    else:
        with scratch_postgres_database() as url:
            yield url


def _empty_postgres(url: str) -> None:
    """Delete every row, children first: on tables this small DELETE is far quicker than TRUNCATE."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@cache
def _quick_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


PRODUCTION_COST_MODULES = {"tests.test_passwords"}  # they check the portal's own argon2id parameters


@pytest.fixture(autouse=True)
def quick_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its lowest cost in this process: the portal's (64 MiB, 3 passes, 4 lanes, chosen to be slow) took
    a tenth of a second or more per hash or check, and tests hash and check thousands of passwords (accounts made
    by the factories, every sign-in, the dummy check of each unknown login). Same algorithm, same code paths, same
    rehash rule; tests/test_passwords.py keeps the portal's parameters, and processes started by tests (the portal,
    the commands) use them."""
    if request.module.__name__ not in PRODUCTION_COST_MODULES:
        monkeypatch.setattr(passwords, "_hasher", _quick_hasher)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty, migrated database that the application (settings, engine) now uses."""
    if request.param == "sqlite":
        db_file = tmp_path / "ecandidat.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), db_file)
        url = f"sqlite:///{db_file.as_posix()}"
    else:
        url = request.getfixturevalue("postgres_url")
        _empty_postgres(url)
    monkeypatch.setenv("ECANDIDAT_DATABASE_URL", url)
    monkeypatch.setenv("ECANDIDAT_DATA_DIR", str(tmp_path / "var"))
    reset_settings()
    reset_engine()
    yield url
    reset_engine()
    reset_settings()


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    with new_session() as session:
        yield session


class Clock:
    """Sets the application's "now"; times must be timezone-aware."""

    def set(self, moment: datetime) -> datetime:
        app_clock.set_now(moment)
        return app_clock.now()

    def now(self) -> datetime:
        return app_clock.now()


@pytest.fixture
def clock() -> Iterator[Clock]:
    yield Clock()
    app_clock.set_now(None)


SHOULD_SEE_SECONDS = 10.0  # how long ``user.should_see`` looks by default (NiceGUI's: 3 looks in 0.3 s)
_nicegui_should_see = User.should_see


async def _patient_should_see(self: User, *args: Any, retries: int | None = None, **kwargs: Any) -> None:
    """``User.should_see`` looking for up to ``SHOULD_SEE_SECONDS`` unless told otherwise: what a page shows after a
    click or a navigation is read in a worker thread, and on a loaded machine (the suite runs on every core, beside
    Chromium and real portal processes) 0.3 s was not always enough. It returns as soon as the element is there."""
    await _nicegui_should_see(self, *args, retries=retries or int(SHOULD_SEE_SECONDS * 10), **kwargs)


@pytest.fixture
async def user(
    database_url: str, caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator:
    """NiceGUI's simulated user, on the portal as ``main.py`` starts it, against this test's database."""
    from nicegui import events, storage
    from nicegui.testing.general_fixtures import get_path_to_main_file
    from nicegui.testing.user_simulation import user_simulation

    handle_event = events.handle_event

    def handle_event_in_its_page(handler, arguments, *args, **kwargs):  # type: ignore[no-untyped-def]
        """As the server does (``Element._handle_event``), an event reads the storage of its page's session, not the
        session the test task last saw: sign-in and sign-out give the browser a new session id on a later page."""
        client = getattr(arguments, "client", None)
        if client is not None and client.request is not None:
            storage.request_contextvar.set(client.request)
        return handle_event(handler, arguments, *args, **kwargs)

    monkeypatch.setattr(events, "handle_event", handle_event_in_its_page)
    monkeypatch.setattr(User, "should_see", _patient_should_see)
    package = sys.modules["app"]
    loop_violations.clear()
    try:
        async with user_simulation(main_file=get_path_to_main_file(request)) as simulated:
            yield simulated
            errors = [r for r in caplog.get_records("call") if r.levelname == "ERROR"]
            if errors:
                pytest.fail(f"unexpected ERROR logs: {[r.getMessage() for r in errors]}", pytrace=False)
            if loop_violations:  # also those a handler caught and turned into a message
                pytest.fail(f"queries sent on the event loop from a page: {loop_violations}", pytrace=False)
    finally:
        # NiceGUI's reset drops the page modules *and their parents* from sys.modules so pages re-register; a
        # fresh ``app`` package would then lack the submodules still loaded (``app.models``…), which breaks
        # ``import app.models.base`` in the migrations. Keep the one package object; pages still re-import.
        sys.modules["app"] = package
