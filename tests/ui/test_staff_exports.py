"""« Exporter » on the list, and /gestion/exports: the job is built in the background, its progress and errors
are shown, and the file downloads for its owner only."""

import asyncio
import io
from datetime import timedelta

from nicegui.testing import User
from openpyxl import load_workbook
from sqlmodel import select

from app import clock
from app.db import new_session
from app.models import DossierStatus, ExportJob, ExportStatus, StaffRole, StaffRoleAssignment
from tests import factories
from tests.ui.handler_clicks import open_panel
from tests.ui.staff_sessions import make_staff, sign_in


def manager_with_applications(login: str = "sci", count: int = 12) -> int:
    """A centre manager of « UFR Sciences » with ``count`` applications there; returns the staff id."""
    with new_session() as session:
        sciences = factories.centre(session, label_fr="UFR Sciences")
        campaign_id = factories.campaign(session).id
        program = factories.program(session, campaign_id=campaign_id, centre_id=sciences.id, label_fr="Master Chimie")
        for index in range(count):
            candidate = factories.candidate(session, birth_name=f"CANDIDAT{index:02d}")
            status = DossierStatus.COMPLETE if index % 3 == 0 else DossierStatus.PENDING
            factories.application(session, candidate_id=candidate.id, program=program, dossier_status=status)
        sciences_id = sciences.id or 0
        session.commit()
    return make_staff(login, StaffRole.CENTRE_MANAGER, centre_id=sciences_id)


async def wait_for_job(staff_id: int) -> ExportJob:
    for _attempt in range(100):
        with new_session() as session:
            job = session.exec(select(ExportJob).where(ExportJob.staff_id == staff_id)).first()
        if job is not None and job.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return job
        await asyncio.sleep(0.1)
    raise AssertionError("the export was not built in time")


async def test_a_manager_exports_the_filtered_list_and_downloads_it(user: User) -> None:
    staff_id = manager_with_applications()
    await sign_in(user, "sci")
    await user.open("/gestion/candidatures")
    user.find(marker="filter-dossier_status").click()
    user.find("Complet").click()
    user.find(marker="apply-filters").click()
    await user.should_see("4 candidatures")
    open_panel(user, "export-panel")  # « Exporter » is drawn when it opens
    user.find(marker="export-list").click()
    await user.should_see("Export demandé")
    job = await wait_for_job(staff_id)
    assert job.status == ExportStatus.DONE and (job.done, job.total) == (4, 4)
    user.find(marker="exports-link").click()
    await user.should_see("Mes exports")
    await user.should_see(marker=f"download-{job.id}")
    await user.should_see("Terminé")
    response = await user.http_client.get(f"/gestion/exports/{job.id}/fichier")
    assert response.status_code == 200 and job.filename in response.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 5 and rows[0][0] == "N° de dossier"
    status = rows[0].index("Statut du dossier")  # the default columns, as on screen
    assert {row[status] for row in rows[1:]} == {"Complet"}


async def test_progress_and_errors_are_shown_and_the_file_is_refused_to_others(user: User) -> None:
    staff_id = manager_with_applications("ana")
    with new_session() as session:
        assignment = session.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == staff_id)).one()
        running = ExportJob(
            staff_id=staff_id,
            role_assignment_id=assignment.id,
            kind="xlsx",
            status=ExportStatus.RUNNING,
            total=200,
            done=50,
            started_at=clock.now(),
        )
        failed = ExportJob(
            staff_id=staff_id,
            role_assignment_id=assignment.id,
            kind="dossiers_zip",
            status=ExportStatus.FAILED,
            error="La sélection compte 1500 candidatures : 1000 au plus pour ce téléchargement.",
            finished_at=clock.now() - timedelta(minutes=1),
        )
        session.add_all([running, failed])
        session.commit()
    make_staff("bob", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "ana")
    await user.open("/gestion/exports")
    await user.should_see("25 % (50 sur 200)")
    bar = next(iter(user.find(marker=f"progress-{running.id}").elements))
    assert (bar.props["role"], bar.props["aria-valuenow"], bar.props["aria-valuemax"]) == ("progressbar", "25", "100")
    await user.should_see("1000 au plus pour ce téléchargement")
    error = next(iter(user.find(marker=f"error-{failed.id}").elements))
    assert error.props["role"] == "alert"
    with new_session() as session:  # the worker moves on: the page follows by itself
        row = session.get(ExportJob, running.id)
        assert row is not None
        row.done = 150
        session.add(row)
        session.commit()
    await user.should_see("75 % (150 sur 200)", retries=40)

    # Finished, it is still Ana's alone: Bob (central office) gets nothing, an anonymous visitor is sent to sign in.
    with new_session() as session:
        row = session.get(ExportJob, running.id)
        assert row is not None
        stored = factories.stored_file(session, b"PK\x05\x06" + b"\0" * 18, media_type="application/zip")
        row.status, row.file_id, row.filename = ExportStatus.DONE, stored.id, "candidatures.xlsx"
        session.add(row)
        session.commit()
    assert (await user.http_client.get(f"/gestion/exports/{running.id}/fichier")).status_code == 200
    user.find(marker="sign-out").click()
    anonymous = await user.http_client.get(f"/gestion/exports/{running.id}/fichier")
    assert anonymous.status_code == 303
    await sign_in(user, "bob")
    assert (await user.http_client.get(f"/gestion/exports/{running.id}/fichier")).status_code == 404
    await user.open("/gestion/exports")
    await user.should_see(marker="no-export")
