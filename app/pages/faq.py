"""« Foire aux questions » (/faq): the candidates' frequently asked questions, public, in the reader's language."""

from typing import Any

from nicegui import run, ui

from app.config import get_settings
from app.db import transaction
from app.i18n import _
from app.services.offer import faq
from app.ui import routes
from app.ui.frame import frame
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import heading, paragraph


def _load(language: str) -> list[faq.FaqItem]:
    """Blocking (the page calls it through ``run.io_bound``): the published questions in ``language``."""
    with transaction() as session:
        return faq.public_faq(session, language=language)


def register() -> None:
    @page(routes.FAQ)
    async def faq_page() -> Any:
        items = await run.io_bound(_load, current_language())
        with frame(_("Foire aux questions")):
            if not items:
                paragraph(_("Aucune question pour l'instant.")).mark("no-faq")
            for item in items:
                with ui.element("section").classes("w-full mt-4").mark(f"faq-{item.id}"):
                    heading(item.question, 2).classes("text-xl")
                    for block in (part.strip() for part in item.answer.split("\n\n")):
                        if block:
                            paragraph(block)
            email = get_settings().assistance_email
            with ui.element("section").classes("w-full mt-6"):
                heading(_("Votre question n'y figure pas ?"), 2).classes("text-xl")
                with ui.element("p"):
                    ui.label(_("Écrivez à l'assistance :")).classes("inline mr-1")
                    ui.link(email, f"mailto:{email}").mark("faq-assistance")
        return None
