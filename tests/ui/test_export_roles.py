"""On a web-only instance (ECANDIDAT_ROLE=web) an export asked for on the list is left queued for the worker, which
builds it; the staff member follows it on « Mes exports » as in one process."""

import pytest
from nicegui.testing import User
from sqlmodel import select

from app.config import reset_settings
from app.db import new_session
from app.models import ExportJob, ExportStatus
from app.services.exports import jobs as export_jobs
from app.worker import ExportBuilder
from tests.ui.handler_clicks import open_panel
from tests.ui.staff_sessions import sign_in
from tests.ui.test_staff_exports import manager_with_applications


async def test_a_web_instance_leaves_the_export_to_the_worker(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    staff_id = manager_with_applications()
    monkeypatch.setenv("ECANDIDAT_ROLE", "web")
    started: list[int] = []
    monkeypatch.setattr(export_jobs, "start", lambda job_id, **_kw: started.append(job_id))
    reset_settings()
    await sign_in(user, "sci")
    await user.open("/gestion/candidatures")
    open_panel(user, "export-panel")  # « Exporter » is drawn when it opens
    user.find(marker="export-list").click()
    await user.should_see("Export demandé")
    with new_session() as session:
        job = session.exec(select(ExportJob).where(ExportJob.staff_id == staff_id)).one()
    assert started == [] and job.status == ExportStatus.QUEUED  # not built by this instance

    builder = ExportBuilder(1, threads=1, worker="the-worker")
    assert builder.run_pass() == [job.id]
    builder.wait()
    with new_session() as session:
        built = session.get(ExportJob, job.id)
    assert built is not None and built.status == ExportStatus.DONE and built.claimed_by == "the-worker"
    user.find(marker="exports-link").click()
    await user.should_see(marker=f"download-{job.id}")
