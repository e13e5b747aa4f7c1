"""What the PDF routes share (the candidate's dossier, letter and pieces, the staff's dossier): who is asking, the
rendering off the event loop, the response.

Plain routes (files, not pages): the candidate comes from the session identity; an administrator viewing as the
candidate is audited in a worker thread, as the page guard does, and refused once no longer administrator.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from nicegui import run

from app.db import transaction
from app.services.accounts import record_impersonated_view
from app.services.documents import dossier_filename, render_dossier_pdf
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.session import Identity, actor_of, current_identity, current_language, forget_identity


def _record_view(actor: Actor, administrator: Actor, path: str) -> bool:
    try:
        with transaction() as session:
            record_impersonated_view(session, actor=actor, administrator=administrator, path=path)
    except DomainError:
        return False
    return True


async def _audit_impersonation(identity: Identity, actor: Actor, path: str) -> bool:
    administrator = actor_of(Identity(**identity.impersonator)) if identity.impersonator else Actor.anonymous()
    if await run.io_bound(_record_view, actor, administrator, path):
        return True
    forget_identity()
    return False


async def candidate_asking(request: Request) -> Actor | Response:
    """The signed-in candidate asking for one of their files, or the answer to give instead: the sign-in page for
    nobody (or for an administrator's view that has ended), 403 for staff (they read files in their workspace)."""
    identity = current_identity()
    to_sign_in = RedirectResponse(f"{routes.SIGN_IN}?suite={quote(request.url.path)}", status_code=303)
    if identity is None:
        return to_sign_in
    if identity.kind != "candidate":
        return Response(status_code=403)
    actor = actor_of(identity)
    if identity.impersonated_by_staff_id is not None and not await _audit_impersonation(
        identity, actor, request.url.path
    ):
        return to_sign_in
    return actor


def staff_asking(request: Request) -> Actor | Response:
    """The signed-in staff member asking for a file of their workspace, or the answer to give instead: the sign-in
    page for nobody, 403 for a candidate."""
    identity = current_identity()
    if identity is None:
        return RedirectResponse(f"{routes.SIGN_IN}?suite={quote(request.url.path)}", status_code=303)
    if identity.kind != "staff":
        return Response(status_code=403)
    return actor_of(identity)


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> Response:
    """A PDF shown in the browser (``inline``) or downloaded, never kept by a shared cache (personal data)."""
    disposition = "inline" if inline else "attachment"
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _context(load: Callable[..., dict], actor: Actor, application_id: int) -> dict:
    with transaction() as session:  # closed before the PDF is rendered: no session is held meanwhile
        return load(session, actor=actor, application_id=application_id)


async def _render(render: Callable[..., bytes], context: dict, **options: Any) -> bytes | None:
    if run.process_pool is not None:
        return await run.cpu_bound(render, context, **options)
    return await run.io_bound(render, context, **options)  # no pool (tests, some platforms)


async def rendered_pdf(
    asking: Actor | Response,
    application_id: int,
    load: Callable[..., dict],
    render: Callable[..., bytes],
    filename: Callable[[dict], str],
    **options: Any,
) -> Response:
    """A PDF about one application for the actor ``asking`` (or the answer already given instead: sign in, 403).

    ``load(session, actor=, application_id=)`` reads its data in a short transaction in a worker thread,
    ``render(context, **options)`` draws it off the event loop, in NiceGUI's process pool (xhtml2pdf holds a
    process-wide lock and the GIL while it renders). Anything out of the actor's reach, or with nothing to draw, is
    a 404; 503 while the server shuts down."""
    if isinstance(asking, Response):
        return asking
    try:
        context = await run.io_bound(_context, load, asking, application_id)
    except DomainError:
        return Response(status_code=404)  # another's application, or a cancelled one: nothing to reveal
    if context is None:  # the server is shutting down
        return Response(status_code=503)
    pdf = await _render(render, context, **options)
    if pdf is None:  # the server is shutting down
        return Response(status_code=503)
    return pdf_response(pdf, filename(context))


async def dossier_pdf(asking: Actor | Response, application_id: int, load: Callable[..., dict]) -> Response:
    """The dossier PDF in the screen's language, for the candidate or for staff (``load`` checks whose rights)."""
    return await rendered_pdf(
        asking,
        application_id,
        load=load,
        render=render_dossier_pdf,
        filename=dossier_filename,
        language=current_language(),
    )
