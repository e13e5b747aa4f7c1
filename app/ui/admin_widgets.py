"""Widgets shared by the administration pages: the administrators' page, and the list of rows with the form of the
one opened below it (campaigns, centres, diploma types, FAQ, candidates' messages)."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, NamedTuple, TypeVar

from nicegui import ui
from sqlmodel import Session, SQLModel

from app.i18n import _
from app.services.accounts import staff_roles as staff
from app.services.platform import Actor, DomainError
from app.ui.admin_nav import ADMIN
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import (
    cell,
    confirm_dialog,
    drawn,
    form_buttons,
    in_transaction,
    load,
    notice,
    offer_page,
    say,
    table,
)
from app.ui.text import heading, paragraph

M = TypeVar("M", bound=SQLModel)
R = TypeVar("R")  # a row of a list: an entity, or a line that holds one


async def admin_page(
    title: str | Callable[[Actor], str | Awaitable[str]], body: Callable[[Actor], Awaitable[None] | None]
) -> Any:
    """An administrators' page: the gate, then the frame (``title``, or ``title(actor)``), the way back to the
    administration and ``body(actor)``. ``title(actor)`` and ``body(actor)`` may be async (they load off the event
    loop, then draw); a sync ``body`` is still accepted."""
    return await offer_page(ADMIN, title, None, body)


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


class Marked(NamedTuple):
    """A table cell's text with its test marker."""

    text: str
    marker: str


class ListEditor(Generic[R]):
    """A list of rows (``R``) with, below it, the place where one entity opens in the page's form (``draw(entity)``).

    The page draws the list with :meth:`table` and the form's buttons with :meth:`act`; after a change the list is
    read again and the saved row opened again, with a notice.
    """

    def __init__(self, *, read: Callable[[Session], list[R]], draw: Callable[[Any], None]) -> None:
        self.rows: list[R] = []
        self._read = read
        self._draw = draw

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

    def table(
        self,
        headers: Sequence[str],
        marker: str,
        *,
        empty: tuple[str, str],
        row_marker: Callable[[R], str],
        cells: Callable[[R], Sequence[str | Marked]],
        button: Callable[[R], None],
    ) -> None:
        """The rows as a table: one ``<tr>`` a row (marked ``row_marker(row)``) with its ``cells`` and a last cell
        holding ``button(row)``; ``empty`` (text, marker) when there is none."""
        if not self.rows:
            paragraph(empty[0]).mark(empty[1])
            return
        with table(headers, marker):
            for row in self.rows:
                with ui.element("tr").mark(row_marker(row)):
                    for text in cells(row):
                        if isinstance(text, Marked):
                            cell(text.text).mark(text.marker)
                        else:
                            cell(text)
                    with ui.element("td"):
                        button(row)

    def open_button(self, row: SQLModel, text: str, aria_label: str, marker: str) -> None:
        """The list's button that opens ``row`` in the form, named for screen readers by ``aria_label``."""
        button = ui.button(text, on_click=lambda: self.show(copy_row(row))).props("flat dense no-caps").mark(marker)
        button.props["aria-label"] = aria_label

    def show(self, row: SQLModel) -> None:
        """Open ``row`` (a new one when its id is None) in the form."""
        self.holder.clear()
        with self.holder:
            self._draw(row)

    def close(self) -> None:
        self.holder.clear()

    async def changed(self, message: str, row: SQLModel | None = None) -> None:
        """Read the list again, say ``message``, and open ``row`` again (the form is closed without one)."""
        self.rows[:] = await in_transaction(self._read)
        self._listing.refresh()
        say(self.status, message)
        if row is None:
            self.close()
        else:
            self.show(copy_row(row))

    async def act(self, form: EntityForm, work: Callable[[Session], Any], message: Callable[[Any], str]) -> None:
        """``work(session)`` in a unit of work, off the event loop; a refusal is shown by the form (nothing typed is
        lost), else the list changes and the saved row (if ``work`` returned one) opens again, ``message(row)``
        said."""
        self.status.set_visibility(False)
        form.clear_errors()
        try:
            saved = await in_transaction(work)
        except DomainError as error:
            form.show(error)
            return
        await self.changed(message(saved), saved)

    def save_switch_buttons(
        self,
        form: EntityForm,
        entity: SQLModel,
        *,
        save: Callable[[Session], SQLModel],
        switch: Callable[[Session, bool], SQLModel],
        saved: Callable[[Any], str],
        switched: Callable[[bool], str],
    ) -> None:
        """« Enregistrer » (``save``), « Désactiver » / « Réactiver » (``switch(session, active)``) and « Annuler »;
        ``saved(row)`` and ``switched(active)`` word the notice."""
        form_buttons(
            entity,
            lambda: self.act(form, save, saved),
            lambda active: self.act(form, lambda session: switch(session, active), lambda _row: switched(active)),
            self.close,
        )


@dataclass(frozen=True)
class EditorTexts:
    """The words of one catalogue's form, already translated; ``title`` is a format with ``{id}``."""

    new_title: str
    title: str
    saved: str
    deleted: str
    confirm_delete: str


class RowEditor(ListEditor[M]):
    """A :class:`ListEditor` whose form saves, deletes after confirmation and closes (the FAQ, the banners).

    ``save`` and ``delete`` are the services, called by keyword with the row's id as ``id_name``, the actor and the
    expected version (``save`` also with the form's ``values``); a refusal (stale version, invalid field) is shown
    by the form and keeps what was typed.
    """

    def __init__(
        self,
        *,
        actor: Actor,
        read: Callable[[Session], list[M]],
        writable: bool,
        fields: Callable[[EntityForm], None],
        field_names: Sequence[str],
        id_name: str,
        save: Callable[..., M],
        delete: Callable[..., object],
        texts: EditorTexts,
    ) -> None:
        super().__init__(read=read, draw=self._form)
        self.actor, self.writable, self.texts = actor, writable, texts
        self._fields, self._field_names, self._id_name = fields, field_names, id_name
        self._save, self._delete = save, delete

    def open_row_button(self, row: M) -> None:
        """« Modifier » (« Ouvrir » when read-only), named after the row's number."""
        row_id = row.id  # type: ignore[attr-defined]
        text = _("Modifier") if self.writable else _("Ouvrir")
        self.open_button(row, text, self.texts.title.format(id=row_id), f"edit-{row_id}")

    def _form(self, row: M) -> None:
        row_id: int | None = row.id  # type: ignore[attr-defined]
        title = self.texts.new_title if row_id is None else self.texts.title.format(id=row_id)
        heading(title, 2).mark("form-title")
        form = EntityForm(row, read_only=not self.writable)
        self._fields(form)
        version: int | None = row.version if row_id is not None else None  # type: ignore[attr-defined]

        def store(session: Session) -> M:
            values = editable_values(row, self._field_names)
            return self._save(
                session, actor=self.actor, expected_version=version, values=values, **{self._id_name: row_id}
            )

        def gone(session: Session) -> None:
            self._delete(session, actor=self.actor, expected_version=version, **{self._id_name: row_id or 0})

        async def delete() -> None:
            confirm.close()
            await self.act(form, gone, lambda _row: self.texts.deleted)

        confirm = confirm_dialog(self.texts.confirm_delete, _("Supprimer"), delete, "confirm-delete")
        if self.writable:
            with ui.row().classes("gap-2 mt-2"):
                save = partial(self.act, form, store, lambda _row: self.texts.saved)
                ui.button(_("Enregistrer"), on_click=save).props("no-caps").mark("save")
                if row_id is not None:
                    ui.button(_("Supprimer…"), on_click=confirm.open).props("no-caps outline color=negative").mark(
                        "delete"
                    )
                ui.button(_("Fermer"), on_click=self.close).props("flat no-caps").mark("cancel")


def editable_values(row: SQLModel, names: Sequence[str]) -> dict[str, Any]:
    """The values of the form's fields, as the services take them."""
    return {name: getattr(row, name) for name in names}
