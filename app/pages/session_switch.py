"""The route that finishes a session switch (``app.ui.session_switch``): it spends the ticket, gives the browser a
new session id and redirects."""

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app

from app.ui import routes
from app.ui.guards import safe_next
from app.ui.session import Identity
from app.ui.session_switch import INVALID, ROUTE, rotate, take_pending


def register() -> None:
    @app.get(ROUTE, include_in_schema=False)
    async def switch_session(request: Request, ticket: str = "") -> RedirectResponse:
        pending = take_pending(request, ticket)
        if pending is None:
            return RedirectResponse(INVALID, status_code=303)
        identity = Identity(**pending["identity"]) if pending["identity"] else None
        await rotate(request, identity, signed_in_at=pending.get("signed_in_at"))
        return RedirectResponse(safe_next(pending.get("then"), routes.HOME), status_code=303)
