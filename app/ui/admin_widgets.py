"""Widgets shared by the institution's administration pages (campaigns, parameters, FAQ, candidates' messages)."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from nicegui import ui
from sqlmodel import Session, SQLModel

from app.db import transaction
from app.i18n import _
from app.services.accounts import staff_roles as staff
from app.services.platform import Actor
from app.ui.admin_nav import ADMIN, back_to_admin
from app.ui.dossier_form import EntityForm, copy_into
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.offer_admin import drawn, in_transaction, load, notice, say, submit
from app.ui.text import heading, paragraph

M = TypeVar("M", bound=SQLModel)


async def admin_page(
    title: str | Callable[[Actor], str | Awaitable[str]], body: Callable[[Actor], Awaitable[None] | None]
) -> Any:
    """An administrators' page: the gate, then the frame (``title``, or ``title(actor)``), the way back to the
    administration and ``body(actor)``. ``title(actor)`` and ``body(actor)`` may be async (they load off the event
    loop, then draw); a sync ``body`` is still accepted."""
    gate = await require_staff(*ADMIN)
    if gate.refused:
        return gate.response
    assert gate.actor is not None
    with frame(await drawn(title(gate.actor)) if callable(title) else title):
        back_to_admin()
        await drawn(body(gate.actor))
    return None


async def institution_page(title: str, intro: str, body: Callable[[Actor, bool], Awaitable[None] | None]) -> Any:
    """An administrators' page with its introduction, then ``body(actor, writable)`` (awaited when async).

    Read-only roles (e.g. the rectorate's auditors) see the same page with a note and no saving controls.
    """

    async def build(actor: Actor) -> None:
        writable = await in_transaction(lambda session: not staff.current_role(session, actor=actor).read_only)
        paragraph(intro)
        if not writable:
            paragraph(_("Votre rôle est en lecture seule : vous pouvez consulter, pas modifier.")).mark("read-only")
        await drawn(body(actor, writable))

    return await admin_page(title, build)


def copy_row(row: M) -> M:
    """A detached copy to bind to a form, so edits stay off the list until saved."""
    return type(row).model_validate(row.model_dump())


@dataclass(frozen=True)
class EditorTexts:
    """The words of one catalogue's form, already translated; ``title`` is a format with ``{id}``."""

    new_title: str
    title: str
    saved: str
    deleted: str
    confirm_delete: str


class RowEditor(Generic[M]):
    """A list of rows with, below it, the form of the one opened: save, delete after confirmation, close.

    ``save(session, row, expected_version)`` and ``delete(session, row, expected_version)`` call the service; a
    refusal (stale version, invalid field) is shown by the form and keeps what was typed.
    """

    def __init__(
        self,
        *,
        read: Callable[[Session], list[M]],
        writable: bool,
        fields: Callable[[EntityForm], None],
        save: Callable[[Session, M, int | None], M],
        delete: Callable[[Session, M, int | None], object],
        texts: EditorTexts,
    ) -> None:
        self.rows: list[M] = []
        self.writable = writable
        self._read = read
        self._fields = fields
        self._save = save
        self._delete = delete
        self.texts = texts

    async def load(self) -> bool:
        """Read the rows (off the event loop); on a refusal it is shown and False returned (the page stops there)."""
        loaded = await load(self._read)
        if loaded is None:
            return False
        self.rows.extend(loaded)
        return True

    def place(self, listing: Callable[[], None]) -> None:
        """Draw ``listing`` (which reads ``self.rows``), then the status line and the form's place."""
        self._listing = ui.refreshable(listing)
        self._listing()
        self.status = notice()
        self.holder = ui.element("section").classes("w-full")

    def open_button(self, row: M) -> None:
        """The list's button that opens ``row`` in the form, named after the row for screen readers."""
        ui.button(_("Modifier") if self.writable else _("Ouvrir"), on_click=lambda: self.show(copy_row(row))).props(
            "flat dense no-caps"
        ).mark(f"edit-{row.id}").props(  # type: ignore[attr-defined]
            f'aria-label="{self.texts.title.format(id=row.id)}"'  # type: ignore[attr-defined]
        )

    async def _changed(self, message: str) -> None:
        self.rows[:] = await in_transaction(self._read)
        self._listing.refresh()
        say(self.status, message)

    def show(self, row: M) -> None:
        """Open ``row`` (a new one when its id is None) in the form."""
        row_id: int | None = row.id  # type: ignore[attr-defined]
        self.holder.clear()
        with self.holder:
            title = self.texts.new_title if row_id is None else self.texts.title.format(id=row_id)
            heading(title, 2).mark("form-title")
            form = EntityForm(row, read_only=not self.writable)
            self._fields(form)
            version: int | None = row.version if row_id is not None else None  # type: ignore[attr-defined]

            async def save() -> None:
                self.status.set_visibility(False)

                def act() -> M:
                    with transaction() as session:
                        return self._save(session, row, version)

                saved = await submit(form, act)
                if saved is None:
                    return
                copy_into(row, saved)
                await self._changed(self.texts.saved)
                self.show(copy_row(saved))

            async def delete() -> None:
                confirm.close()

                def act() -> bool:
                    with transaction() as session:
                        self._delete(session, row, version)
                    return True

                if await submit(form, act):
                    self.holder.clear()
                    await self._changed(self.texts.deleted)

            with ui.dialog() as confirm, ui.card():
                paragraph(self.texts.confirm_delete)
                with ui.row():
                    ui.button(_("Supprimer"), on_click=delete).props("no-caps color=negative").mark("confirm-delete")
                    ui.button(_("Annuler"), on_click=confirm.close).props("flat no-caps")
            if self.writable:
                with ui.row().classes("gap-2 mt-2"):
                    ui.button(_("Enregistrer"), on_click=save).props("no-caps").mark("save")
                    if row_id is not None:
                        ui.button(_("Supprimer…"), on_click=confirm.open).props("no-caps outline color=negative").mark(
                            "delete"
                        )
                    ui.button(_("Fermer"), on_click=self.holder.clear).props("flat no-caps").mark("cancel")


def editable_values(row: SQLModel, names: Sequence[str]) -> dict[str, Any]:
    """The values of the form's fields, as the services take them."""
    return {name: getattr(row, name) for name in names}
