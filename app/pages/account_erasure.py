"""« Supprimer mon compte » on « Mon compte », and the page a candidate lands on once their account is erased.

The confirmation dialog is built when the button is first pressed; the candidate types SUPPRIMER (or DELETE),
which works for SSO accounts too (they have no password to re-enter). The request runs in a worker thread
(``run.io_bound``); a double click disables the button first, and the service finds a second request already done.
"""

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.services.accounts import ErasureOutcome, request_erasure
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.dates import format_day
from app.ui.frame import frame
from app.ui.page import page
from app.ui.session_switch import switch_to
from app.ui.text import Text, heading, live_paragraph, paragraph


def _erase(actor: Actor, confirmation: str) -> ErasureOutcome:
    with transaction() as session:
        return request_erasure(session, actor=actor, confirmation=confirmation)


def scheduled_text(outcome: ErasureOutcome) -> str:
    assert outcome.due_at is not None
    return _(
        "Votre demande de suppression est enregistrée. Vous avez transmis des candidatures pendant la campagne en "
        "cours : l'établissement doit en conserver l'examen jusqu'à la fin de la durée de conservation légale. "
        "Votre compte, votre dossier, vos pièces et vos candidatures seront effacés le {day}."
    ).format(day=format_day(outcome.due_at))


def erasure_section(actor: Actor, pending: ErasureOutcome | None) -> None:
    """The section of « Mon compte »: the button and its dialog, or the date a recorded request will be carried out."""
    with ui.element("section").classes("w-full mt-6").mark("erasure"):
        heading(_("Supprimer mon compte"), 2)
        status = Text(scheduled_text(pending) if pending else "", "p").mark("erasure-status")
        status.props["role"] = "status"
        if pending is not None:
            return
        paragraph(
            _(
                "Sans candidature transmise pendant la campagne en cours, votre compte est effacé aussitôt avec votre "
                "dossier, vos pièces et vos candidatures. Sinon, la suppression est enregistrée et faite à la fin de "
                "la durée de conservation de ces candidatures : la date vous est indiquée."
            )
        )
        built: list[ui.dialog] = []

        def open_dialog() -> None:
            if not built:
                built.append(_dialog(actor, status, opener))
            built[0].open()

        opener = ui.button(_("Supprimer mon compte"), on_click=open_dialog)
        opener.props("no-caps color=negative outline").mark("erase-account")


def _dialog(actor: Actor, status: Text, opener: ui.button) -> ui.dialog:
    with ui.dialog() as dialog, ui.card().mark("erasure-dialog"):
        dialog.props["aria-labelledby"] = "erasure-title"
        Text(_("Supprimer votre compte ?"), "h2").props("id=erasure-title").classes("text-xl")
        paragraph(_("Cette suppression est définitive. Pour confirmer, tapez SUPPRIMER ci-dessous."))
        word = ui.input(_("Confirmation")).props("outlined autocomplete=off").mark("erasure-confirmation")
        error = live_paragraph("erasure-error", alert=True)

        async def confirm() -> None:
            confirm_button.disable()  # a double click sends one request; a second one would find it done
            try:
                outcome = await run.io_bound(_erase, actor, word.value or "")
            except DomainError as exc:
                error.text = exc.translate(_)
                confirm_button.enable()
                return
            if outcome.erased:
                switch_to(None, routes.ACCOUNT_ERASED)  # signed out at once
                return
            dialog.close()
            status.text = scheduled_text(outcome)
            opener.set_visibility(False)

        with ui.row().classes("justify-end w-full"):
            ui.button(_("Annuler"), on_click=dialog.close).props("flat autofocus").mark("erasure-keep")
            confirm_button = ui.button(_("Supprimer définitivement"), on_click=confirm)
            confirm_button.props("color=negative").mark("erasure-confirm")
    return dialog


async def account_erased() -> None:
    with frame(_("Compte supprimé")):
        paragraph(
            _(
                "Votre compte a été supprimé, avec votre dossier, vos pièces et vos candidatures. Un courriel de "
                "confirmation vous a été envoyé."
            )
        ).mark("account-erased")
        ui.link(_("Retour à l'accueil"), routes.HOME)


def register() -> None:
    page(routes.ACCOUNT_ERASED)(account_erased)
