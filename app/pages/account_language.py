"""« Langue préférée » on « Mon compte »: the language of the candidate's mails, which this browser takes too.

The save runs in a worker thread (``run.io_bound``); a refusal is shown under the list, the choice kept.
"""

from nicegui import run, ui

from app.db import transaction
from app.i18n import LANGUAGES, _
from app.models import Account
from app.services.accounts import candidates as accounts
from app.services.platform import Actor, DomainError
from app.ui.session import set_language
from app.ui.text import heading, live_paragraph, paragraph


def _save(actor: Actor, language: str) -> None:
    with transaction() as session:
        accounts.set_preferred_language(session, actor=actor, language=language)


def language_section(actor: Actor, account: Account) -> None:
    with ui.element("section").classes("w-full mt-6").mark("language-change"):
        heading(_("Langue préférée"), 2)
        paragraph(_("Les mails du portail vous sont écrits dans cette langue, et les pages s'affichent dans celle-ci."))
        choice = ui.select(dict(LANGUAGES), value=account.language, label=_("Langue")).props("outlined")
        choice.classes("w-64").mark("language")
        status = live_paragraph("language-status")

        async def save() -> None:
            language = str(choice.value or "")
            button.disable()
            try:
                await run.io_bound(_save, actor, language)
            except DomainError as error:
                status.text = error.translate(_)
                status.classes(add="text-negative")
                button.enable()
                return
            set_language(language)
            ui.navigate.reload()  # the page again, in the chosen language

        button = ui.button(_("Enregistrer la langue"), on_click=save).props("no-caps").mark("save-language")
