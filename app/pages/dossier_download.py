"""« Télécharger mon dossier »: ``GET /candidat/candidatures/{id}/dossier.pdf`` sends the application's dossier PDF.

A plain route (a file, not a page): the candidate is read from the session identity, the data is loaded in a short
transaction in a worker thread, and the PDF is rendered off the event loop too (``pdf_files.rendered_pdf``). The
applications' pages link here.
"""

from fastapi import Request, Response
from nicegui import app

from app.pages.pdf_files import candidate_asking, dossier_pdf
from app.services.documents import dossier_pdf_context
from app.ui import routes

PATH = routes.APPLICATION_DOSSIER_PDF


def dossier_url(application_id: int) -> str:
    """The link the application page gives « Télécharger mon dossier »."""
    return PATH.format(application_id=application_id)


def register() -> None:
    @app.get(PATH, include_in_schema=False)
    async def download_dossier(request: Request, application_id: int) -> Response:
        return await dossier_pdf(await candidate_asking(request), application_id, dossier_pdf_context)
