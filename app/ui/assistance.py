"""« Assistance »: a button opening a short form (subject, message, optional programme) mailed to the right office.

Self-contained: ``assistance_button(actor)`` draws the button and its dialog where it is called. It belongs on every
candidate page: the candidate navigation (app/ui/candidate_nav.py) or the frame's header for signed-in candidates
should call it once; the application pages call it themselves until then.
"""

from nicegui import context, run, ui

from app.db import new_session, transaction
from app.i18n import _
from app.services.accounts import MESSAGE_MAX, SUBJECT_MAX, send_assistance_request
from app.services.applications import list_my_applications
from app.services.platform import Actor, DomainError
from app.ui.session import current_language
from app.ui.text import Text, live_paragraph, paragraph


def _program_options(actor: Actor, lang: str) -> dict[int, str]:
    with new_session() as session:
        rows = list_my_applications(session, actor=actor, lang=lang)
    return {row.program_id: f"{row.program_label} ({row.centre_label})" for row in rows}


def _send(actor: Actor, subject: str, message: str, program_id: int | None) -> None:
    with transaction() as session:
        send_assistance_request(session, actor=actor, subject=subject, message=message, program_id=program_id)


def assistance_button(actor: Actor | None, *, program_id: int | None = None) -> None:
    """The « Assistance » button; ``program_id`` preselects the programme (on an application's page).

    The dialog is built on the first click: most page views never open it, and its programme list is a query."""
    if actor is None or actor.kind != "candidate":
        return
    dialogs: list[ui.dialog] = []

    async def open_dialog() -> None:
        if not dialogs:
            options = await run.io_bound(_program_options, actor, current_language())
            with button.parent_slot or context.client.content:  # beside the button (Quasar shows it on top)
                dialogs.append(_dialog(actor, {0: _("Aucune formation en particulier")} | options, program_id))
        dialogs[0].open()

    button = ui.button(_("Assistance"), icon="help_outline", on_click=open_dialog).props("outline").mark("assistance")
    button.classes("mb-4")


def _dialog(actor: Actor, options: dict[int, str], program_id: int | None) -> ui.dialog:
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-xl").mark("assistance-dialog"):
        dialog.props["aria-labelledby"] = "assistance-title"
        Text(_("Demander de l'aide"), "h2").props("id=assistance-title").classes("text-xl")
        paragraph(
            _(
                "Votre message est envoyé au service qui gère la formation choisie (sinon à l'assistance de "
                "l'établissement), avec votre numéro de dossier. Vous en recevez une copie."
            )
        )
        program = ui.select(options, value=program_id if program_id in options else 0, label=_("Formation concernée"))
        program.classes("w-full").mark("assistance-program")
        subject = ui.input(_("Objet"), validation=None).props(f"outlined maxlength={SUBJECT_MAX} counter")
        subject.classes("w-full").mark("assistance-subject")
        message = ui.textarea(_("Message")).props(f"outlined maxlength={MESSAGE_MAX} counter")
        message.classes("w-full").mark("assistance-message")
        error = live_paragraph("assistance-error", alert=True)

        async def send() -> None:
            try:
                await run.io_bound(_send, actor, subject.value or "", message.value or "", program.value or None)
            except DomainError as exc:
                error.text = exc.translate(_)
                return
            error.text = ""
            subject.value = message.value = ""
            dialog.close()
            ui.notify(_("Votre demande a été envoyée. Une copie vous a été adressée par courriel."), type="positive")

        with ui.row().classes("justify-end w-full"):
            ui.button(_("Annuler"), on_click=dialog.close).props("flat").mark("assistance-close")
            ui.button(_("Envoyer"), on_click=send).mark("assistance-send")
    return dialog
