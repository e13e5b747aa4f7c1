"""« Envoyer un message » on the staff list's selection: the dialog (subject, body, an optional English version, a
preview for one selected candidate, « Envoyer ») and its result, announced (``role=status``).

The text starts from the ``staff_message`` template (editable at /admin/mails). The dialog draws a key when it opens:
a second « Envoyer » of the same dialog finds the first send (``send_message``). Every read and write runs in a
worker thread (``run.io_bound``).
"""

import secrets
from typing import Any

from nicegui import run, ui

from app.db import new_session, transaction
from app.i18n import _, ngettext
from app.services.platform import Actor, DomainError
from app.services.review import (
    MessageDraft,
    MessagePreview,
    SentMessage,
    message_recipients,
    message_start,
    preview_message,
    send_message,
)
from app.ui.bulk_dialog import OnDone, Selection, closer, dialog_card, nothing_selected
from app.ui.dossier_form import EntityForm
from app.ui.session import current_language
from app.ui.text import heading, paragraph, static_block, tag, text_tag

VARIABLES = "{{ account.first_name }}, {{ account.last_name }}, {{ account.dossier_number }}, {{ program.title }}, " \
    "{{ program.centre_name }}, {{ link }}"  # fmt: skip


def message_button(actor: Actor, allowed: bool, selection: Selection, on_done: OnDone) -> None:
    """The selection bar's « Envoyer un message », for the roles that may write to candidates."""
    if allowed:
        ui.button(_("Envoyer un message"), on_click=lambda: _dialog(actor, selection, on_done)).props(
            "outline no-caps"
        ).mark("message-open")


def _open(actor: Actor, ids: set[int], lang: str) -> tuple[MessageDraft, list[tuple[int, str]]]:
    with new_session() as session:
        return message_start(session), message_recipients(session, actor=actor, application_ids=ids, lang=lang)


def _preview(actor: Actor, ids: set[int], application_id: int, draft: MessageDraft) -> MessagePreview:
    with new_session() as session:
        return preview_message(session, actor=actor, application_ids=ids, application_id=application_id, draft=draft)


def _send(actor: Actor, ids: set[int], draft: MessageDraft, key: str) -> SentMessage:
    with transaction() as session:
        return send_message(session, actor=actor, application_ids=ids, draft=draft, idempotency_key=key)


async def _dialog(actor: Actor, selection: Selection, on_done: OnDone) -> None:
    ids = set(selection())
    if nothing_selected(ids):
        return
    page = ui.context.client.content  # taken now: the list may redraw the bar while the selection is read
    try:
        draft, recipients = await run.io_bound(_open, actor, ids, current_language())
    except DomainError as error:
        ui.notify(error.translate(_), type="negative")
        return
    state: dict[str, Any] = {"busy": False, "done": False, "key": secrets.token_hex(16)}
    title = ngettext(
        "Envoyer un message à la candidature sélectionnée",
        "Envoyer un message aux {count} candidatures sélectionnées",
        len(ids),
    ).format(count=len(ids))
    note = _(
        "Chaque candidat reçoit un courriel et le retrouve sur sa page « Messages » ; le message entre dans "
        "l'historique de chaque dossier."
    )
    with dialog_card(page, "message-dialog", title, note) as dialog:
        form = EntityForm(draft)
        _fields(form)
        shown = _preview_row(actor, ids, recipients, form, draft)

        async def send(button: ui.button) -> None:
            if state["busy"] or state["done"]:
                return
            state["busy"] = True
            button.disable()
            form.clear_errors()
            try:
                sent = await run.io_bound(_send, actor, ids, draft, state["key"])
            except DomainError as error:
                state["busy"] = False
                button.enable()
                form.show(error)
                return
            state["busy"], state["done"] = False, True
            shown.clear()
            with shown:
                _sent_block(sent)
            button.delete()

        with ui.row():
            go = ui.button(_("Envoyer"), on_click=lambda: send(go)).props("color=primary no-caps").mark("message-send")
            ui.button(_("Fermer"), on_click=closer(dialog, state, on_done)).props("flat no-caps").mark("message-close")
    dialog.open()


def _preview_row(
    actor: Actor, ids: set[int], recipients: list[tuple[int, str]], form: EntityForm, draft: MessageDraft
) -> ui.element:
    """The preview's choice of candidate and its button, then the region (``role=status``) that shows the preview and,
    once sent, the result."""
    choice = {"application": recipients[0][0] if recipients else None}

    async def show_preview() -> None:
        if choice["application"] is None:
            return
        form.clear_errors()
        try:
            got = await run.io_bound(_preview, actor, ids, choice["application"], draft)
        except DomainError as error:
            form.show(error)
            return
        shown.clear()
        with shown:
            _preview_block(got)

    with ui.row().classes("items-end gap-2"):
        ui.select(dict(recipients), label=_("Aperçu pour"), with_input=True).bind_value(choice, "application").props(
            "outlined"
        ).classes("min-w-64").mark("message-preview-for")
        ui.button(_("Aperçu"), on_click=show_preview).props("no-caps").mark("message-preview")
    shown = ui.element("div").mark("message-outcome")
    shown.props["role"] = "status"
    return shown


def _fields(form: EntityForm) -> None:
    form.text("subject_fr", _("Objet (français)"), required=True).props("maxlength=200")
    form.text("body_fr", _("Message (français)"), required=True, textarea=True, hint=_variables_hint())
    with ui.expansion(_("Version anglaise (facultative)")).classes("w-full").mark("message-english"):
        paragraph(_("Les candidats qui lisent le portail en anglais la reçoivent ; sans elle, le texte français."))
        form.text("subject_en", _("Objet (anglais)")).props("maxlength=200")
        form.text("body_en", _("Message (anglais)"), textarea=True, hint=_variables_hint())


def _variables_hint() -> str:
    return _("HTML simple accepté (paragraphes, listes, liens) ; variables : {names}").format(names=VARIABLES)


def _preview_block(preview: MessagePreview) -> None:
    heading(_("Aperçu pour {name}").format(name=preview.candidate_name), 3).mark("message-preview-name")
    language = _("français") if preview.language == "fr" else _("anglais")
    paragraph(_("Langue : {language}").format(language=language))
    paragraph(_("Objet : {subject}").format(subject=preview.subject)).classes("font-bold").mark(
        "message-preview-subject"
    )
    # The content was rendered in the mail sandbox and filtered through the mail allow-list by the service.
    static_block(tag("div", preview.content, class_="border p-2", lang=preview.language, data_mark="preview-body"))


def _sent_block(sent: SentMessage) -> None:
    if sent.already_sent:
        text = _("Ce message était déjà envoyé : rien n'est parti une seconde fois.")
    else:
        text = ngettext(
            "Message envoyé à {count} candidat.", "Message envoyé à {count} candidats.", sent.recipients
        ).format(count=sent.recipients)
    static_block(text_tag("p", text, class_="font-bold", data_mark="message-sent"))
