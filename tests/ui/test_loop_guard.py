"""The guard behind every screen test: a page that queries on the event loop fails, one that queries in a worker
thread does not (app/db.py, ECANDIDAT_LOOP_GUARD=1 in tests/conftest.py)."""

import pytest
from nicegui import run, ui
from nicegui.testing import User
from sqlmodel import select

from app.db import loop_violations, new_session
from app.models import Program


def _count_programs() -> int:
    with new_session() as session:
        return len(session.exec(select(Program)).all())


async def test_a_page_querying_on_the_event_loop_fails(user: User, caplog: pytest.LogCaptureFixture) -> None:
    @ui.page("/essai-boucle")
    def blocking_page() -> None:
        ui.label(f"{_count_programs()} formations")  # the query runs on the event loop

    with pytest.raises((AssertionError, RuntimeError)):  # the page fails (a 500 outside tests)
        await user.open("/essai-boucle")
    assert loop_violations and loop_violations[0].startswith("SELECT")
    loop_violations.clear()  # this test meant it: the fixture would fail it otherwise
    caplog.clear()


async def test_a_page_querying_in_a_worker_thread_passes(user: User) -> None:
    @ui.page("/essai-thread")
    async def worker_page() -> None:
        ui.label(f"{await run.io_bound(_count_programs)} formations")

    await user.open("/essai-thread")
    await user.should_see("0 formations")
    assert not loop_violations
