"""The account desk's actions on one account, each behind a dialog that says what it does: resend the activation
mail, unlock the sign-in, correct the e-mail address, and merge a duplicate (named by its dossier number) after a
preview of what moves and what is dropped. A refusal is said in the panel's ``role=alert`` line, nothing typed lost.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.services.accounts import desk, desk_merge
from app.services.platform import Actor, DomainError
from app.ui.text import Text, esc, live_paragraph, paragraph, static_block, tag, text_tag

RunAct = Callable[[Callable[[Any], Any], str], Awaitable[bool]]


def confirm_dialog(
    title: str,
    text: str,
    action: str,
    act: Callable[[], Awaitable[Any]],
    mark: str,
    *,
    details: Callable[[], None] | None = None,
    allowed: bool = True,
) -> ui.dialog:
    """A dialog that says what the act does (``details`` draws more) before it is done; its button is disabled while
    the act runs, so a double click acts once, and stays disabled when the act is not ``allowed``."""
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-xl").mark(f"{mark}-dialog"):
        dialog.props["aria-labelledby"] = f"{mark}-title"
        Text(title, "h2").props(f"id={mark}-title").classes("text-xl")
        paragraph(text)
        if details is not None:
            details()

        async def go() -> None:
            if not button.enabled:  # a second click while the first runs
                return
            button.disable()
            try:
                await act()
            finally:
                button.enable()
                dialog.close()

        with ui.row().classes("justify-end w-full"):
            ui.button(_("Annuler"), on_click=dialog.close).props("flat no-caps").mark(f"{mark}-cancel")
            button = ui.button(action, on_click=go).props("no-caps").mark(f"{mark}-confirm")
            button.set_enabled(allowed)
    return dialog


def action_buttons(actor: Actor, view: desk.AccountView, run_act: RunAct) -> None:
    account_id, number = view.row.account_id, view.row.dossier_number
    with ui.row().classes("gap-2"):
        if not view.row.activated:
            resend = confirm_dialog(
                _("Renvoyer le mail d'activation"),
                _("Un nouveau lien d'activation sera envoyé à {email}.").format(email=view.row.email),
                _("Renvoyer"),
                lambda: run_act(
                    lambda s: desk.resend_activation_for(s, actor=actor, account_id=account_id),
                    _("Mail d'activation renvoyé à {email}.").format(email=view.row.email),
                ),
                "desk-resend",
            )
            ui.button(_("Renvoyer le mail d'activation"), on_click=resend.open).props("no-caps outline").mark(
                "desk-resend"
            )
        if view.throttled_until or view.failed_sign_ins:
            unlock = confirm_dialog(
                _("Débloquer la connexion"),
                _("Les échecs de connexion du compte {number} seront effacés : il pourra se reconnecter.").format(
                    number=number
                ),
                _("Débloquer"),
                lambda: run_act(
                    lambda s: desk.unlock_account(s, actor=actor, account_id=account_id),
                    _("Connexion du compte {number} débloquée.").format(number=number),
                ),
                "desk-unlock",
            )
            ui.button(_("Débloquer la connexion"), on_click=unlock.open).props("no-caps outline").mark("desk-unlock")
    _email_form(actor, account_id, run_act)
    _merge_form(actor, view, run_act)


def _email_form(actor: Actor, account_id: int, run_act: RunAct) -> None:
    Text(_("Corriger l'adresse e-mail"), "h4").classes("font-bold mt-4")
    paragraph(
        _(
            "Un lien de confirmation est envoyé à la nouvelle adresse : l'adresse du compte ne change que lorsque "
            "le candidat l'a suivi."
        )
    )
    with ui.row().classes("gap-3 items-end"):
        new = ui.input(_("Nouvelle adresse e-mail")).props("type=email autocomplete=off").mark("desk-new-email")
        again = ui.input(_("Confirmez la nouvelle adresse")).props("type=email autocomplete=off")
        new.classes("min-w-[18rem]")
        again.classes("min-w-[18rem]")
        again.mark("desk-new-email-confirm")

        async def send() -> None:
            address = (new.value or "").strip()
            sent = await run_act(
                lambda s: desk.request_email_fix(
                    s,
                    actor=actor,
                    account_id=account_id,
                    new_email=new.value or "",
                    new_email_confirm=again.value or "",
                ),
                _("Lien de confirmation envoyé à {email}.").format(email=address),
            )
            if sent:
                new.value = again.value = ""

        ui.button(_("Envoyer le lien de confirmation"), on_click=send).props("no-caps outline").mark("desk-email-send")


def _preview(actor: Actor, kept_id: int, number: str) -> desk_merge.MergePreview | DomainError:
    try:
        with transaction() as session:
            dropped_id = desk.account_id_by_dossier(session, actor=actor, dossier_number=number)
            return desk_merge.preview_merge(session, actor=actor, kept_id=kept_id, dropped_id=dropped_id)
    except DomainError as error:
        return error


def preview_html(preview: desk_merge.MergePreview) -> str:
    def items(lines: list[desk_merge.MergeLine]) -> str:
        return "".join(text_tag("li", f"{_(line.label)} : {line.count}") for line in lines) or text_tag("li", "—")

    kept, dropped = preview.kept, preview.dropped
    return (
        text_tag("p", _("Compte gardé : {number} ({name}).").format(number=kept.dossier_number, name=kept.name))
        + text_tag("p", _("Doublon : {number} ({name}).").format(number=dropped.dossier_number, name=dropped.name))
        + text_tag("h3", _("Ce qui passe au compte gardé"), class_="text-base font-bold mt-2")
        + tag("ul", items(preview.moved), class_="ec-bullets", data_mark="merge-moved")
        + text_tag("h3", _("Ce qui ne passe pas"), class_="text-base font-bold mt-2")
        + tag("ul", items(preview.dropped_rows), class_="ec-bullets", data_mark="merge-dropped")
    )


def _merge_form(actor: Actor, view: desk.AccountView, run_act: RunAct) -> None:
    Text(_("Fusionner un doublon dans ce compte"), "h4").classes("font-bold mt-4")
    paragraph(
        _(
            "Deux comptes d'une même personne (même INE, ou même nom et même date de naissance) : le doublon passe "
            "dans ce compte, puis il est désactivé. Vous voyez d'abord ce qui sera déplacé."
        )
    )
    kept_id = view.row.account_id
    with ui.row().classes("gap-3 items-end"):
        number = ui.input(_("N° de dossier du doublon")).classes("min-w-[14rem]").mark("desk-duplicate")
        problem = live_paragraph("desk-merge-error", alert=True)

        async def preview() -> None:
            problem.set_text("")
            typed = number.value or ""
            found = await run.io_bound(_preview, actor, kept_id, typed)
            if isinstance(found, DomainError):
                problem.set_text(found.translate(_))
                return
            _merge_dialog(actor, found, run_act).open()

        ui.button(_("Prévisualiser la fusion"), on_click=preview).props("no-caps outline").mark("desk-merge-preview")


def _merge_dialog(actor: Actor, preview: desk_merge.MergePreview, run_act: RunAct) -> ui.dialog:
    kept_id, dropped_id = preview.kept.account_id, preview.dropped.account_id

    def details() -> None:
        static_block(preview_html(preview)).mark("merge-preview")
        if preview.refusals:
            refusals = "".join(text_tag("li", refusal.translate(_)) for refusal in preview.refusals)
            block = tag("p", esc(_("Fusion impossible :"))) + tag("ul", refusals, class_="ec-bullets")
            shown = static_block(block).classes("text-negative").mark("merge-refusals")
            shown.props["role"] = "alert"

    return confirm_dialog(
        _("Fusionner deux comptes"),
        _("Vérifiez ce qui sera déplacé avant de fusionner. Le doublon sera désactivé, pas supprimé."),
        _("Fusionner"),
        lambda: run_act(
            lambda s: desk_merge.merge_accounts(s, actor=actor, kept_id=kept_id, dropped_id=dropped_id),
            _("Le compte {dropped} a été fusionné dans le compte {kept}.").format(
                dropped=preview.dropped.dossier_number, kept=preview.kept.dossier_number
            ),
        ),
        "desk-merge",
        details=details,
        allowed=not preview.refusals,
    )
