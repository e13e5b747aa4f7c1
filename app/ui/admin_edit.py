"""Parts shared by the administration edit screens (pieces, questions, decision types, refusal reasons): the page
shown for a refusal, the « Enregistrer » button with its notice, and the « Disponibilité » section (deactivate,
reactivate, delete after confirmation).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from nicegui import run, ui
from sqlmodel import Session

from app.db import transaction
from app.i18n import _
from app.services.platform import DomainError
from app.ui.admin_nav import back_to_admin
from app.ui.dossier_form import EntityForm, copy_into, saved_notice
from app.ui.frame import frame
from app.ui.offer_admin import submit
from app.ui.text import heading, paragraph


def refusal_page(title: str, refusal: DomainError) -> None:
    """The screen's frame holding only the reason it is refused (no right, nothing there)."""
    with frame(title):
        back_to_admin()
        paragraph(refusal.translate(_)).mark("refusal")


def save_button(
    form: EntityForm,
    entity: Any,
    fields: Sequence[str],
    store: Callable[[Session, dict[str, Any]], Any],
    *,
    creating: bool,
    created_path: Callable[[], str],
    editable: bool,
) -> None:
    """« Enregistré. » then « Enregistrer »: ``store`` saves the form's ``fields`` off the event loop (errors shown
    by the form, nothing typed lost); a created entity opens its own page at ``created_path()``, an edited one stays
    with a notice."""
    notice = saved_notice(_("Enregistré."))

    def save(values: dict[str, Any]) -> Any:
        with transaction() as session:
            return store(session, values)

    async def on_save() -> None:
        notice.set_visibility(False)
        values = {name: getattr(entity, name) for name in fields}
        saved = await submit(form, lambda: save(values))
        if saved is None:
            return
        copy_into(entity, saved)
        if creating:
            ui.navigate.to(created_path())
            return
        form.refresh_values()
        notice.set_visibility(True)

    if editable:
        ui.button(_("Enregistrer"), on_click=on_save).props("color=primary").mark("save")


@dataclass(frozen=True)
class StateTexts:
    """The words of one screen's « Disponibilité » section (already translated)."""

    active: str
    inactive: str
    used: str  # why it cannot be deleted ('' when nothing uses it)
    used_marker: str
    activated: str
    deactivated: str
    confirm: str


def state_section(
    entity: Any,
    texts: StateTexts,
    *,
    used: int,
    editable: bool,
    toggle: Callable[[bool], Any],
    delete: Callable[[], None],
    after_delete: str,
) -> None:
    """Active or not, how much uses it, « Désactiver » / « Réactiver », and « Supprimer » when nothing uses it.

    ``toggle(active)`` returns the saved entity (its new version is kept for the next change); after ``delete()``
    the page goes to ``after_delete``. Both open their own unit of work and run in a worker thread, off the event
    loop. A refusal is announced in the section.
    """
    with ui.element("section").classes("w-full mt-6").mark("state-section"):
        heading(_("Disponibilité"), 2)
        error = ui.label("").classes("text-negative").mark("state-error")
        error.props["role"] = "alert"

        @ui.refreshable
        def body() -> None:
            paragraph(texts.active if entity.is_active else texts.inactive).mark("state")
            if used:
                paragraph(texts.used).mark(texts.used_marker)
            if not editable:
                return
            with ui.row():
                if entity.is_active:
                    ui.button(_("Désactiver"), on_click=lambda: act(False)).props("outline").mark("deactivate")
                else:
                    ui.button(_("Réactiver"), on_click=lambda: act(True)).props("outline").mark("activate")
                if not used:
                    ui.button(_("Supprimer"), on_click=lambda: dialog.open()).props("outline color=negative").mark(
                        "delete"
                    )

        async def act(active: bool) -> None:
            try:
                saved = await run.io_bound(toggle, active)
            except DomainError as refusal:
                error.text = refusal.translate(_)
                return
            entity.version, entity.is_active = saved.version, saved.is_active
            error.text = ""
            ui.notify(texts.activated if active else texts.deactivated, type="positive")
            body.refresh()

        async def remove() -> None:
            try:
                await run.io_bound(delete)
            except DomainError as refusal:
                error.text = refusal.translate(_)
                dialog.close()
                return
            ui.navigate.to(after_delete)

        with ui.dialog() as dialog, ui.card():
            paragraph(texts.confirm)
            with ui.row():
                ui.button(_("Supprimer"), on_click=remove).props("color=negative").mark("confirm-delete")
                ui.button(_("Annuler"), on_click=dialog.close).props("flat")

        body()
