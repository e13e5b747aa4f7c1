"""« Télécharger mon dossier »: ``GET /candidat/candidatures/{id}/dossier.pdf`` sends the application's dossier PDF.

A plain route (a file, not a page): the candidate is read from the session identity, the data is loaded in a short
transaction in a worker thread, and the PDF is rendered off the event loop too, in NiceGUI's process pool (xhtml2pdf
holds a process-wide lock and the GIL while it renders). The applications' pages link here.
"""

import logging
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from nicegui import app, run

from app.db import transaction
from app.services.actors import Actor
from app.services.dossier_pdf import dossier_filename, dossier_pdf_context, render_dossier_pdf
from app.services.errors import DomainError
from app.services.staff import record_impersonated_view
from app.ui.guards import actor_of
from app.ui.session import Identity, current_identity, current_language, forget_identity

log = logging.getLogger(__name__)

PATH = "/candidat/candidatures/{application_id}/dossier.pdf"


def dossier_url(application_id: int) -> str:
    """The link the application page gives « Télécharger mon dossier »."""
    return PATH.format(application_id=application_id)


async def _render(context: dict, language: str) -> bytes | None:
    if run.process_pool is not None:
        return await run.cpu_bound(render_dossier_pdf, context, language=language)
    return await run.io_bound(render_dossier_pdf, context, language=language)  # no pool (tests, some platforms)


def _record_view(actor: Actor, administrator: Actor, path: str) -> bool:
    try:
        with transaction() as session:
            record_impersonated_view(session, actor=actor, administrator=administrator, path=path)
    except DomainError:
        return False
    return True


async def _audit_impersonation(identity: Identity, actor: Actor, path: str) -> bool:
    """As the page guard does: an administrator viewing as the candidate is audited (in a worker thread), and
    refused once no longer administrator."""
    administrator = actor_of(Identity(**identity.impersonator)) if identity.impersonator else Actor.anonymous()
    if await run.io_bound(_record_view, actor, administrator, path):
        return True
    forget_identity()
    return False


def _context(actor: Actor, application_id: int) -> dict:
    with transaction() as session:  # closed before the PDF is rendered: no session is held meanwhile
        return dossier_pdf_context(session, actor=actor, application_id=application_id)


def register() -> None:
    @app.get(PATH, include_in_schema=False)
    async def download_dossier(request: Request, application_id: int) -> Response:
        identity = current_identity()
        to_sign_in = RedirectResponse(f"/connexion?suite={quote(request.url.path)}", status_code=303)
        if identity is None:
            return to_sign_in
        if identity.kind != "candidate":
            return Response(status_code=403)  # staff download dossiers from their own workspace
        actor = actor_of(identity)
        if identity.impersonated_by_staff_id is not None and not await _audit_impersonation(
            identity, actor, request.url.path
        ):
            return to_sign_in
        try:
            context = await run.io_bound(_context, actor, application_id)
        except DomainError:
            return Response(status_code=404)  # another's application, or a cancelled one: nothing to reveal
        if context is None:  # the server is shutting down
            return Response(status_code=503)
        pdf = await _render(context, current_language())
        if pdf is None:  # the server is shutting down
            return Response(status_code=503)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{dossier_filename(context)}"',
                "Cache-Control": "no-store",  # personal data: never kept by a shared cache
                "X-Content-Type-Options": "nosniff",
            },
        )
