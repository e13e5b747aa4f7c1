"""« Télécharger mon dossier »: ``GET /candidat/candidatures/{id}/dossier.pdf`` sends the application's dossier PDF.

A plain route (a file, not a page): the candidate is read from the session identity, the data is loaded in a short
transaction in a worker thread, and the PDF is rendered off the event loop too, in NiceGUI's process pool (xhtml2pdf
holds a process-wide lock and the GIL while it renders). The applications' pages link here.
"""

import logging

from fastapi import Request, Response
from nicegui import app, run

from app.db import transaction
from app.pages.pdf_files import candidate_asking, pdf_response
from app.services.documents import dossier_filename, dossier_pdf_context, render_dossier_pdf
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.session import current_language

log = logging.getLogger(__name__)

PATH = routes.APPLICATION_DOSSIER_PDF


def dossier_url(application_id: int) -> str:
    """The link the application page gives « Télécharger mon dossier »."""
    return PATH.format(application_id=application_id)


async def _render(context: dict, language: str) -> bytes | None:
    if run.process_pool is not None:
        return await run.cpu_bound(render_dossier_pdf, context, language=language)
    return await run.io_bound(render_dossier_pdf, context, language=language)  # no pool (tests, some platforms)


def _context(actor: Actor, application_id: int) -> dict:
    with transaction() as session:  # closed before the PDF is rendered: no session is held meanwhile
        return dossier_pdf_context(session, actor=actor, application_id=application_id)


def register() -> None:
    @app.get(PATH, include_in_schema=False)
    async def download_dossier(request: Request, application_id: int) -> Response:
        actor = await candidate_asking(request)
        if isinstance(actor, Response):
            return actor
        try:
            context = await run.io_bound(_context, actor, application_id)
        except DomainError:
            return Response(status_code=404)  # another's application, or a cancelled one: nothing to reveal
        if context is None:  # the server is shutting down
            return Response(status_code=503)
        pdf = await _render(context, current_language())
        if pdf is None:  # the server is shutting down
            return Response(status_code=503)
        return pdf_response(pdf, dossier_filename(context))
