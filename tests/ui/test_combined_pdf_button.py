"""« Télécharger un PDF unique » on the staff list: refused clearly without a selection or over the cap, otherwise
one PDF of the selected dossiers built in the background and downloaded from « Mes exports »."""

import asyncio
import io

import pytest
from nicegui.testing import User
from pypdf import PdfReader
from sqlmodel import select

from app.config import reset_settings
from app.db import new_session
from app.models import Account, ExportJob, ExportStatus, StaffRole
from tests import factories
from tests.ui.handler_clicks import click, open_panel
from tests.ui.staff_sessions import make_staff, sign_in


def manager_with_dossiers(count: int = 3) -> tuple[int, list[str]]:
    """A centre manager with ``count`` complete dossiers in their centre; (staff id, dossier numbers)."""
    with new_session() as session:
        centre = factories.centre(session, label_fr="UFR Sciences")
        campaign_id = factories.campaign(session).id
        program = factories.program(session, campaign_id=campaign_id, centre_id=centre.id, label_fr="Master Chimie")
        numbers = []
        for index in range(count):
            candidate = factories.complete_candidate(session, birth_name=f"CANDIDAT{index:02d}")
            factories.application(session, candidate_id=candidate.id, program=program)
            numbers.append(session.get(Account, candidate.account_id).dossier_number)  # type: ignore[union-attr]
        centre_id = centre.id or 0
        session.commit()
    return make_staff("sci", StaffRole.CENTRE_MANAGER, centre_id=centre_id), numbers


async def finished_job(staff_id: int) -> ExportJob:
    for _attempt in range(300):
        with new_session() as session:
            job = session.exec(select(ExportJob).where(ExportJob.staff_id == staff_id)).first()
        if job is not None and job.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return job
        await asyncio.sleep(0.1)
    raise AssertionError("the PDF was not built in time")


async def test_the_selection_downloads_as_one_pdf_within_the_cap(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    staff_id, numbers = manager_with_dossiers()
    monkeypatch.setenv("ECANDIDAT_COMBINED_PDF_MAX_DOSSIERS", "2")
    reset_settings()
    await sign_in(user, "sci")
    await user.open("/gestion/candidatures")
    await user.should_see("3 candidatures")
    open_panel(user, "export-panel")  # « Exporter » is drawn when it opens
    button = next(iter(user.find(marker="export-combined-pdf").elements))
    assert button.props["aria-label"] == "Télécharger un PDF unique des dossiers de la sélection"

    await click(user, "export-combined-pdf")  # nothing selected
    await user.should_see("Sélectionnez au moins une candidature dans la liste.")
    status = next(iter(user.find(marker="export-status").elements))
    assert status.props["role"] == "alert"

    user.find(marker="select-all").click()
    await user.should_see("3 sélectionnées")
    await click(user, "export-combined-pdf")  # three, over the cap of two
    await user.should_see("un PDF unique en réunit 2 au plus")
    with new_session() as session:
        assert session.exec(select(ExportJob)).all() == []

    monkeypatch.setenv("ECANDIDAT_COMBINED_PDF_MAX_DOSSIERS", "3")
    reset_settings()
    await click(user, "export-combined-pdf")
    await user.should_see("Export demandé")
    assert next(iter(user.find(marker="export-status").elements)).props["role"] == "status"
    job = await finished_job(staff_id)
    assert job.status == ExportStatus.DONE and job.kind == "dossiers_pdf" and (job.done, job.total) == (3, 3)
    await user.open("/gestion/exports")
    await user.should_see("Dossiers en un PDF unique")
    response = await user.http_client.get(f"/gestion/exports/{job.id}/fichier")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    contents = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert all(number in contents for number in numbers)
