"""The parts of an opened application's page about its outcome and its end: « Répondre » (confirm, accept in the
meantime, withdraw) and « Annuler », their dialogs built when their button is first pressed."""

from collections.abc import Callable

from nicegui import run, ui

from app.db import transaction
from app.i18n import N_, _
from app.models import AnswerKind
from app.pages.applications import (
    LIST_PATH,
)
from app.pages.applications_detail_html import answer_html, waiting_list_html
from app.pages.applications_detail_load import PageActions, PageData
from app.services.applications import (
    ApplicationDetail,
    cancel_application,
)
from app.services.decisions import confirm_offer, leave_waiting_list, withdraw
from app.services.platform import Actor, DomainError
from app.ui.text import Text, paragraph, static_block, text_tag


def _confirm_now(actor: Actor, application_id: int, provisional: bool) -> None:
    with transaction() as session:
        confirm_offer(session, actor=actor, application_id=application_id, provisional=provisional)


def _withdraw_now(actor: Actor, application_id: int, reason: str, leaving_list: bool) -> None:
    with transaction() as session:
        if leaving_list:
            leave_waiting_list(session, actor=actor, application_id=application_id, reason=reason)
        else:
            withdraw(session, actor=actor, application_id=application_id, reason=reason)


CANCEL_TEXT = N_(
    "Votre candidature à « {label} » sera annulée et les pièces déposées pour elle seront supprimées. "
    "Vous pourrez candidater de nouveau tant que la période de candidature est ouverte."
)


def _dialog_text(dialog: ui.dialog, name: str, title: str, text: str) -> None:
    """A confirmation's heading, which names the dialog for screen readers, and what confirming does."""
    dialog.props["aria-labelledby"] = f"{name}-title"
    Text(title, "h2").props(f"id={name}-title").classes("text-xl")
    paragraph(text)


def _withdraw_texts(label: str, leaving_list: bool, on_hold: bool) -> tuple[str, str, str, str, str]:
    """(title, warning, keep, confirm, done) of the dialog: withdrawing from an offer, leaving the complementary list
    or the waiting list (``on_hold``)."""
    if leaving_list and on_hold:
        return (
            _("Vous retirer de la liste d'attente ?"),
            _(
                "Vous retirez votre candidature à « {label} », en liste d'attente. Ce retrait est définitif : la "
                "commission ne l'examinera plus."
            ).format(label=label),
            _("Non, rester sur la liste"),
            _("Oui, me retirer de la liste"),
            _("Votre retrait de la liste d'attente est enregistré."),
        )
    if leaving_list:
        return (
            _("Vous retirer de la liste complémentaire ?"),
            _(
                "Vous renoncez à votre place sur la liste complémentaire de « {label} ». Ce retrait est définitif : "
                "vous ne pourrez plus être appelé(e) pour cette formation."
            ).format(label=label),
            _("Non, rester sur la liste"),
            _("Oui, me retirer de la liste"),
            _("Votre retrait de la liste complémentaire est enregistré."),
        )
    return (
        _("Se désister ?"),
        _(
            "Vous renoncez à votre place dans « {label} ». Ce désistement est définitif : vous ne "
            "pourrez pas revenir sur ce choix, et votre place sera proposée à un autre candidat."
        ).format(label=label),
        _("Non, garder ma place"),
        _("Oui, me désister"),
        _("Votre désistement est enregistré."),
    )


def _withdraw_dialog(
    actor: Actor, detail: ApplicationDetail, page: PageActions, leaving_list: bool, on_hold: bool = False
) -> ui.dialog:
    application_id = detail.summary.id
    title, warning, keep, yes, done = _withdraw_texts(detail.summary.program_label, leaving_list, on_hold)
    with ui.dialog() as dialog, ui.card().mark("withdraw-dialog"):
        _dialog_text(dialog, "withdraw", title, warning)
        reason = ui.textarea(_("Motif (facultatif)")).props("outlined maxlength=1000").classes("w-full")
        reason.mark("withdraw-reason")
        error = Text("", "p").classes("text-negative")
        error.props["role"] = "alert"

        async def confirm_withdrawal() -> None:
            confirm_button.disable()  # a double click withdraws once; the server ignores a repeated one anyway
            try:
                await run.io_bound(_withdraw_now, actor, application_id, reason.value or "", leaving_list)
            except DomainError as exc:
                error.text = exc.translate(_)
                confirm_button.enable()
                return
            if not dialog.is_deleted:  # the live update may have redrawn the page already
                dialog.close()
            page.announce(done)
            await page.redraw()

        with ui.row().classes("justify-end w-full"):
            ui.button(keep, on_click=dialog.close).props("flat autofocus").mark("withdraw-keep")
            confirm_button = ui.button(yes, on_click=confirm_withdrawal)
            confirm_button.props("color=negative").mark("withdraw-confirm")
    return dialog


def _on_demand(build: Callable[[], ui.dialog]) -> Callable[[], None]:
    """A button handler opening the dialog ``build`` draws, built on the first press only (beside the button)."""
    built: list[ui.dialog] = []

    def open_dialog() -> None:
        if not built:
            built.append(build())
        built[0].open()

    return open_dialog


def answer_section(actor: Actor, data: PageData, page: PageActions) -> None:
    """« Répondre »: confirm or withdraw an offer before its deadline; the waiting-list rank."""
    view = data.answer
    if view is None:
        return
    application_id = data.detail.summary.id
    if view.waiting_rank is not None or view.can_leave_waiting_list:
        with ui.element("section").mark("waiting-list"):
            static_block(waiting_list_html(view))
            if view.can_leave_waiting_list and not actor.read_only:
                opener = _on_demand(lambda: _withdraw_dialog(actor, data.detail, page, True, view.on_hold))
                leave = (
                    _("Me retirer de la liste d'attente")
                    if view.on_hold
                    else _("Me retirer de la liste complémentaire")
                )
                ui.button(leave, on_click=opener).props("outline color=negative").mark("leave-waiting-list")
    if not view.has_offer:
        return
    with ui.element("section").mark("answer"):
        static_block(answer_html(view, data.detail.summary))
        if view.answer == AnswerKind.WITHDRAWN or actor.read_only:
            return

        async def confirm(provisional: bool = False) -> None:
            for button in buttons:
                button.disable()  # a double click answers once; the server ignores a repeated answer anyway
            try:
                await run.io_bound(_confirm_now, actor, application_id, provisional)
            except DomainError as error:
                page.refuse(error.translate(_))
                for button in buttons:
                    button.enable()
                return
            if provisional:
                page.announce(_("Votre acceptation en attendant mieux est enregistrée."))
            else:
                page.announce(_("Votre candidature est confirmée."))
            await page.redraw()

        buttons: list[ui.button] = []
        with ui.row():
            if view.can_confirm:
                buttons.append(
                    ui.button(_("Confirmer"), on_click=lambda: confirm()).props("color=primary").mark("confirm-offer")
                )
                if view.provisional_allowed:
                    buttons.append(
                        ui.button(_("Accepter en attendant mieux"), on_click=lambda: confirm(True))
                        .props("outline")
                        .mark("confirm-provisional")
                    )
            if view.can_withdraw:
                opener = _on_demand(lambda: _withdraw_dialog(actor, data.detail, page, False))
                ui.button(_("Se désister"), on_click=opener).props("outline color=negative").mark("withdraw-offer")


def _cancel_now(actor: Actor, application_id: int) -> None:
    with transaction() as session:
        cancel_application(session, actor=actor, application_id=application_id)


def _cancel_dialog(actor: Actor, detail: ApplicationDetail) -> ui.dialog:
    with ui.dialog() as dialog, ui.card().mark("cancel-dialog"):
        label = detail.summary.program_label
        _dialog_text(dialog, "cancel", _("Annuler la candidature ?"), _(CANCEL_TEXT).format(label=label))
        error = Text("", "p").classes("text-negative")
        error.props["role"] = "alert"

        async def confirm() -> None:
            try:
                await run.io_bound(_cancel_now, actor, detail.summary.id)
            except DomainError as exc:
                error.text = exc.translate(_)
                return
            dialog.close()
            ui.notify(_("Votre candidature a été annulée."), type="positive")
            ui.navigate.to(LIST_PATH)

        with ui.row().classes("justify-end w-full"):
            # The harmless choice takes the focus: Enter on an opened dialog never cancels by accident.
            ui.button(_("Non, la garder"), on_click=dialog.close).props("flat autofocus").mark("cancel-keep")
            ui.button(_("Oui, annuler"), on_click=confirm).props("color=negative").mark("cancel-confirm")
    return dialog


def cancel_section(actor: Actor, detail: ApplicationDetail) -> None:
    if not detail.summary.can_cancel or actor.read_only:
        return  # a manager has acted: the action is absent (and the service refuses it anyway)
    with ui.element("section").mark("cancel"):
        static_block(
            text_tag("h2", _("Annuler"))
            + text_tag("p", _("L'annulation est possible tant qu'aucun gestionnaire n'a traité votre dossier."))
        )
        opener = _on_demand(lambda: _cancel_dialog(actor, detail))
        ui.button(_("Annuler cette candidature"), on_click=opener).props("outline color=negative").mark(
            "cancel-application"
        )
