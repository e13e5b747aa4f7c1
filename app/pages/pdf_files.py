"""What the candidate's PDF routes share (the dossier, a letter, a piece): who is asking, and the response.

Plain routes (files, not pages): the candidate comes from the session identity; an administrator viewing as the
candidate is audited in a worker thread, as the page guard does, and refused once no longer administrator.
"""

from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from nicegui import run

from app.db import transaction
from app.services.accounts import record_impersonated_view
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.guards import actor_of
from app.ui.session import Identity, current_identity, forget_identity


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
