"""« FR | EN »: a plain link that keeps the reader's language and takes them back to the page they were on.

A link (not a button handled over the websocket) works before the page's scripts have loaded, costs the page no
interactive element, and lets the browser's history and « open in a new tab » behave as a reader expects.
"""

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app

from app.i18n import LANGUAGES
from app.ui import routes
from app.ui.guards import safe_next
from app.ui.session import set_language

PATH = routes.LANGUAGE  # the frame links here (app/ui/frame.py: switch_href)


def register() -> None:
    @app.get(PATH, include_in_schema=False)
    def switch_language(request: Request, code: str, suite: str = routes.HOME) -> RedirectResponse:
        if code in LANGUAGES:
            set_language(code)
        response = RedirectResponse(safe_next(suite, routes.HOME), status_code=303)
        response.headers["Cache-Control"] = "no-store"
        return response
