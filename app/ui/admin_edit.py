"""Parts shared by the administration edit screens (pieces, questions, decision types, refusal reasons): the staff
page's gate and the page shown for a refusal, the services that change one kind of entity, the « Enregistrer »
button with its notice, and the « Disponibilité » section (deactivate, reactivate, delete after confirmation).
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from nicegui import run, ui
from sqlmodel import Session

from app.db import transaction
from app.i18n import _
from app.services.platform import Actor, DomainError
from app.ui.admin_nav import back_to_admin
from app.ui.dossier_form import EntityForm, copy_into, saved_notice
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.offer_admin import confirm_dialog, drawn, submit
from app.ui.text import heading, paragraph


def refusal_page(title: str, refusal: DomainError) -> None:
    """The screen's frame holding only the reason it is refused (no right, nothing there)."""
    with frame(title):
        back_to_admin()
        paragraph(refusal.translate(_)).mark("refusal")


async def staff_page(draw: Callable[[Actor], Awaitable[None] | None], *, refused_title: str | None = None) -> Any:
    """A staff page whose services decide what the role may see: the gate, then ``draw(actor)`` (awaited when
    async). With ``refused_title`` (a msgid), a refusal raised while drawing becomes :func:`refusal_page`."""
    gate = await require_staff()
    if gate.refused:
        return gate.response
    assert gate.actor is not None
    try:
        await drawn(draw(gate.actor))
    except DomainError as refusal:
        if refused_title is None:
            raise
        refusal_page(_(refused_title), refusal)
    return None


@dataclass(frozen=True)
class EntityActions:
    """The services that save, switch and delete one kind of entity; each takes the entity's id as ``id_name``
    (``piece_id``, ``type_id``…), the actor and the expected version by keyword, as every admin service does."""

    id_name: str
    save: Callable[..., Any]
    set_active: Callable[..., Any]
    delete: Callable[..., Any]

    def store(
        self, actor: Actor, entity: Any, *, creating: bool, **extra: Any
    ) -> Callable[[Session, dict[str, Any]], Any]:
        """``store`` for :func:`save_button`: create (``creating``) or change ``entity`` with the form's values;
        ``extra`` goes to the service as it is (a piece's place)."""

        def store(session: Session, values: dict[str, Any]) -> Any:
            ids = {self.id_name: None if creating else entity.id}
            version = None if creating else entity.version
            return self.save(session, actor=actor, expected_version=version, values=values, **ids, **extra)

        return store

    def toggle(self, actor: Actor, entity: Any, active: bool) -> Any:
        """Switch ``entity`` on or off in a unit of work of its own (blocking: run it off the event loop)."""
        with transaction() as session:
            return self.set_active(
                session, actor=actor, expected_version=entity.version, active=active, **{self.id_name: entity.id or 0}
            )

    def remove(self, actor: Actor, entity: Any) -> None:
        """Delete ``entity`` in a unit of work of its own (blocking: run it off the event loop)."""
        with transaction() as session:
            self.delete(session, actor=actor, expected_version=entity.version, **{self.id_name: entity.id or 0})


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
    actor: Actor,
    actions: EntityActions,
    after_delete: str,
) -> None:
    """Active or not, how much uses it, « Désactiver » / « Réactiver », and « Supprimer » when nothing uses it.

    The switch keeps the saved entity's new version for the next change; after the deletion the page goes to
    ``after_delete``. Both open their own unit of work in a worker thread, off the event loop. A refusal is
    announced in the section.
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
                saved = await run.io_bound(actions.toggle, actor, entity, active)
            except DomainError as refusal:
                error.text = refusal.translate(_)
                return
            entity.version, entity.is_active = saved.version, saved.is_active
            error.text = ""
            ui.notify(texts.activated if active else texts.deactivated, type="positive")
            body.refresh()

        async def remove() -> None:
            try:
                await run.io_bound(actions.remove, actor, entity)
            except DomainError as refusal:
                error.text = refusal.translate(_)
                dialog.close()
                return
            ui.navigate.to(after_delete)

        dialog = confirm_dialog(texts.confirm, _("Supprimer"), remove, "confirm-delete", props="color=negative")
        body()
