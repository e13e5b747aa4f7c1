"""A new session id whenever who is signed in changes: sign-in (password, SSO), impersonation start and end, sign-out.

The browser is known by the id in Starlette's signed session cookie, and NiceGUI keeps ``app.storage.user`` under
that id. Keeping the id across a sign-in would let whoever planted or read the cookie beforehand (a shared
computer) be signed in as the victim: each change of identity therefore gives the browser a fresh id, moves only
the language to the new storage and empties the old one.

A cookie can only be set by an HTTP response, not from a websocket event handler. An event handler calls
``switch_to``: it leaves a one-time ticket (valid ``TICKET_SECONDS``) in the current storage, only its digest kept,
and sends the browser to ``ROUTE``; that route checks the ticket, rotates the session (``rotate``) and redirects.
The identity waiting for the ticket is not signed in until then, and the ticket is bound to this session: someone
sharing the old cookie cannot use it without the secret, which only the signing-in page received. An HTTP route
(the SSO return) calls ``rotate`` directly.
"""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import asdict
from datetime import datetime, timedelta

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from app import clock
from app.ui import routes
from app.ui.guards import safe_next
from app.ui.session import Identity, forget_identity, remember_identity

ROUTE = routes.SESSION_SWITCH
TICKET_SECONDS = 60
PENDING = "pending_switch"
KEPT = ("lang",)  # what survives a new session id: the visitor's language, nothing else
INVALID = f"{routes.SIGN_IN}?echec=lien"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def switch_to(identity: Identity | None, then: str, *, fresh_sign_in: bool = True) -> None:
    """From an event handler: become ``identity`` (None: sign out) under a new session id, then open ``then``.

    ``fresh_sign_in`` is False for impersonation, which changes who is shown without a new authentication: the
    administrator's sign-in time (and with it the session's longest duration) carries over.
    """
    started = app.storage.user.get("signed_in_at")
    if identity is None:
        forget_identity()  # at once: signed out even if the browser never follows the navigation
    secret = secrets.token_urlsafe(32)
    app.storage.user[PENDING] = {
        "ticket": _digest(secret),
        "identity": asdict(identity) if identity is not None else None,
        "then": then,
        "signed_in_at": None if fresh_sign_in else started,
        "expires_at": (clock.now() + timedelta(seconds=TICKET_SECONDS)).isoformat(),
    }
    ui.navigate.to(f"{ROUTE}?ticket={secret}")


async def rotate(request: Request, identity: Identity | None, *, signed_in_at: str | None = None) -> None:
    """Give this browser a new session id (sent with the response's cookie) holding ``identity`` and the language;
    the old id's storage is emptied, so the old cookie opens nothing any more."""
    storage = app.storage
    old_id = request.session.get("id")
    old = storage._users.get(old_id) if old_id else None  # NiceGUI keeps the user storages there
    kept = {key: old[key] for key in KEPT if old is not None and key in old}
    new_id = str(uuid.uuid4())
    request.session.clear()  # also drops what the SSO round trip left in the cookie
    request.session["id"] = new_id
    await storage._create_user_storage(new_id)  # as NiceGUI's middleware does for a new id
    storage.user.update(kept)  # app.storage.user now reads request.session["id"]: the new storage
    if signed_in_at:
        storage.user["signed_in_at"] = signed_in_at
    if identity is not None:
        remember_identity(identity)
    if old is not None:
        old.clear()  # pages still open on the old id see an empty storage; NiceGUI prunes it when they are gone


def _pending(request: Request, ticket: str) -> dict | None:
    """The switch this ticket was issued for, spent at once; None when missing, wrong or expired."""
    pending = app.storage.user.pop(PENDING, None)
    if not isinstance(pending, dict) or not ticket:
        return None
    if not hmac.compare_digest(str(pending.get("ticket", "")), _digest(ticket)):
        return None
    if clock.now() > datetime.fromisoformat(pending["expires_at"]):
        return None
    return pending


def register() -> None:
    @app.get(ROUTE, include_in_schema=False)
    async def switch_session(request: Request, ticket: str = "") -> RedirectResponse:
        pending = _pending(request, ticket)
        if pending is None:
            return RedirectResponse(INVALID, status_code=303)
        identity = Identity(**pending["identity"]) if pending["identity"] else None
        await rotate(request, identity, signed_in_at=pending.get("signed_in_at"))
        return RedirectResponse(safe_next(pending.get("then"), routes.HOME), status_code=303)
