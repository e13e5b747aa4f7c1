"""« Télécharger la lettre »: ``GET /candidat/candidatures/{id}/lettre.pdf`` sends the admission or refusal letter.

Like the dossier download (``pdf_files.rendered_pdf``): the candidate comes from the session identity (an
administrator viewing as the candidate is audited), the data is read in a short transaction in a worker thread
(published decisions only, when the committee lets letters be downloaded), and the PDF is rendered off the event
loop too. Anything not the candidate's, or without a letter, is a 404.
"""

from fastapi import Request, Response
from nicegui import app

from app.pages.pdf_files import candidate_asking, rendered_pdf
from app.services.decisions import letter_filename, my_letter_context, render_letter
from app.ui import routes

PATH = routes.APPLICATION_LETTER


def letter_url(application_id: int) -> str:
    return PATH.format(application_id=application_id)


def register() -> None:
    @app.get(PATH, include_in_schema=False)
    async def download_letter(request: Request, application_id: int) -> Response:
        asking = await candidate_asking(request)  # an administrator viewing as the candidate is audited
        return await rendered_pdf(asking, application_id, my_letter_context, render_letter, letter_filename)
