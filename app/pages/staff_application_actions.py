"""What every editable section of the staff application page shares: the line that shows a refusal, and the
runner that calls one review service in its own transaction, in a worker thread (never on the event loop)."""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.services.platform import DomainError
from app.ui.drafts import Drafts

Runner = Callable[..., Awaitable[bool]]


def _in_transaction(service: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    with transaction() as session:
        service(session, **kwargs)


def runner(error: ui.label, drafts: Drafts, *saved: str) -> Runner:
    """Run one service call in its own transaction, in a worker thread; show its refusal in ``error``. On success
    the form's drafts (keys ``saved``) are forgotten, and the committed change's event redraws the page. The
    arguments are read from the fields before, on the event loop."""

    async def act(service: Callable[..., Any], **kwargs: Any) -> bool:
        try:
            await run.io_bound(_in_transaction, service, kwargs)
        except DomainError as refusal:
            error.set_text(refusal.translate(_))
            error.set_visibility(True)
            return False
        error.set_visibility(False)
        drafts.forget(*saved)
        return True

    return act
