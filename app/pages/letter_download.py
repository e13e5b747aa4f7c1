"""« Télécharger la lettre »: ``GET /candidat/candidatures/{id}/lettre.pdf`` sends the admission or refusal letter.

Like the dossier download: the candidate comes from the session identity, the data is read in a short transaction
in a worker thread (published decisions only, when the committee lets letters be downloaded), and the PDF is
rendered off the event loop too. Anything not the candidate's, or without a letter, is a 404.
"""

from fastapi import Request, Response
from nicegui import app, run

from app.db import transaction
from app.pages.pdf_files import candidate_asking, pdf_response
from app.services.decisions import letter_filename, my_letter_context, render_letter
from app.services.platform import Actor, DomainError
from app.ui import routes

PATH = routes.APPLICATION_LETTER


def letter_url(application_id: int) -> str:
    return PATH.format(application_id=application_id)


async def _render(context: dict) -> bytes | None:
    if run.process_pool is not None:
        return await run.cpu_bound(render_letter, context)
    return await run.io_bound(render_letter, context)


def _context(actor: Actor, application_id: int) -> dict:
    with transaction() as session:  # closed before the letter is rendered: no session is held meanwhile
        return my_letter_context(session, actor=actor, application_id=application_id)


def register() -> None:
    @app.get(PATH, include_in_schema=False)
    async def download_letter(request: Request, application_id: int) -> Response:
        actor = await candidate_asking(request)  # an administrator viewing as the candidate is audited
        if isinstance(actor, Response):
            return actor
        try:
            context = await run.io_bound(_context, actor, application_id)
        except DomainError:
            return Response(status_code=404)
        if context is None:  # the server is shutting down
            return Response(status_code=503)
        pdf = await _render(context)
        if pdf is None:
            return Response(status_code=503)
        return pdf_response(pdf, letter_filename(context))
