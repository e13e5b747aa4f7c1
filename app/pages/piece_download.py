"""A piece's PDF for its candidate: ``GET /candidat/pieces/{id}.pdf`` shows it in the piece's viewer (inline),
``?telecharger=1`` downloads it.

Like the dossier download: the candidate comes from the session identity, the file is read in a short transaction in
a worker thread (``documents.read_merged_pdf``: the candidate's own piece only), an administrator viewing as the
candidate is audited. Anything else is a 404.
"""

from fastapi import Request, Response
from nicegui import app, run

from app.db import transaction
from app.pages.pdf_files import candidate_asking, pdf_response
from app.services.documents import pieces as documents
from app.services.platform import Actor, DomainError
from app.ui.piece_card_html import PIECE_PATH


def _read(actor: Actor, submitted_document_id: int) -> tuple[str, bytes]:
    with transaction() as session:
        return documents.read_merged_pdf(session, actor=actor, submitted_document_id=submitted_document_id)


def register() -> None:
    @app.get(PIECE_PATH, include_in_schema=False)
    async def candidate_piece(request: Request, submitted_document_id: int) -> Response:
        actor = await candidate_asking(request)  # staff read pieces from their own workspace
        if isinstance(actor, Response):
            return actor
        try:
            read = await run.io_bound(_read, actor, submitted_document_id)
        except DomainError:
            return Response(status_code=404)  # another's piece, or no file: nothing to reveal
        if read is None:  # the server is shutting down
            return Response(status_code=503)
        filename, data = read
        return pdf_response(data, filename, inline=request.query_params.get("telecharger") != "1")
