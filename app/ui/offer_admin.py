"""Small pieces shared by the administration pages: the page gate (``offer_page``), work off the event loop, the
save and switch of an entity's own page, the form's buttons, the confirmation dialog, tables, notices and alerts."""

import inspect
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from nicegui import run, ui
from sqlmodel import Session

from app.db import transaction
from app.i18n import _
from app.models import StaffRole
from app.services.platform import Actor, DomainError, label_in
from app.ui.admin_nav import back_to_admin
from app.ui.dossier_form import EntityForm
from app.ui.form_errors import submitted
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.session import current_language
from app.ui.text import Text, paragraph

T = TypeVar("T")


async def offer_page(
    roles: Sequence[StaffRole],
    title: str | Callable[[Actor], str | Awaitable[str]],
    intro: str | None,
    build: Callable[[Actor], Awaitable[None] | None],
    *,
    up: tuple[str, str, str] | None = None,
) -> Any:
    """An administration page: refused unless the current role is one of ``roles``; else the frame titled
    ``title`` (or ``title(actor)``, maybe async), the link ``up`` (text, path, marker) to the list it belongs to,
    the way back to the administration, the ``intro`` paragraph, then ``build(actor)`` (awaited when it is async:
    it loads its data off the event loop, then draws)."""
    gate = await require_staff(*roles)
    if gate.refused:
        return gate.response
    assert gate.actor is not None
    with frame(await drawn(title(gate.actor)) if callable(title) else title):
        if up is not None:
            ui.link(up[0], up[1]).mark(up[2])
        back_to_admin()
        if intro is not None:
            paragraph(intro)
        await drawn(build(gate.actor))
    return None


async def drawn(result: Any) -> Any:
    """What a body builder returned, awaited when it is async (builders may be either)."""
    return await result if inspect.isawaitable(result) else result


def _in_transaction(work: Callable[[Session], T]) -> T:
    with transaction() as session:
        return work(session)


async def in_transaction(work: Callable[[Session], T]) -> T:
    """``work(session)`` in a unit of work of its own, in a worker thread (never on the event loop); its result
    (objects stay usable detached) or its DomainError. Nothing of NiceGUI may be touched inside ``work``."""
    return await run.io_bound(_in_transaction, work)  # type: ignore[return-value]


async def submit(form: EntityForm, action: Callable[[], T]) -> T | None:
    """``form.run`` for an action that saves: ``action()`` runs in a worker thread; a refusal is shown by the form
    and None returned (nothing typed is cleared)."""
    return await submitted(form, action)


async def submit_work(form: EntityForm, work: Callable[[Session], T]) -> T | None:
    """:func:`submit` for ``work(session)`` in a unit of work of its own."""
    return await submit(form, lambda: _in_transaction(work))


def confirm_dialog(
    question: str, label: str, on_confirm: Callable[[], Any], marker: str, *, props: str = "no-caps color=negative"
) -> ui.dialog:
    """A closed dialog asking ``question``: ``label`` (marked ``marker``, with ``props``) runs ``on_confirm``,
    « Annuler » closes it. The caller opens it."""
    with ui.dialog() as dialog, ui.card():
        paragraph(question)
        with ui.row():
            ui.button(label, on_click=on_confirm).props(props).mark(marker)
            no_caps = " no-caps" if "no-caps" in props.split() else ""  # « Annuler » is written like its neighbour
            ui.button(_("Annuler"), on_click=dialog.close).props("flat" + no_caps)
    return dialog


def saved_in_place(form: EntityForm, entity: Any, saved: Any, status: ui.label, message: str, created: str) -> None:
    """After a save on an entity's own page: a created one opens its page (``created``, formatted with ``id``), an
    edited one keeps its new version and says ``message``."""
    if entity.id is None:
        ui.navigate.to(created.format(id=saved.id))
        return
    entity.version = saved.version
    form.refresh_values()
    say(status, message)


def save_in_place(
    form: EntityForm, entity: Any, status: ui.label, work: Callable[[Session], Any], message: str, created: str
) -> Callable[[], Awaitable[None]]:
    """« Enregistrer » on an entity's own page: ``work(session)`` off the event loop, then :func:`saved_in_place`."""

    async def save() -> None:
        status.set_visibility(False)
        saved = await submit_work(form, work)
        if saved is not None:
            saved_in_place(form, entity, saved, status, message, created)

    return save


def switch_and_reload(form: EntityForm, work: Callable[[Session, bool], Any]) -> Callable[[bool], Awaitable[None]]:
    """« Désactiver » / « Réactiver » on an entity's own page: ``work(session, active)``, then the page again."""

    async def switch(active: bool) -> None:
        if await submit_work(form, lambda session: work(session, active)) is not None:
            ui.navigate.reload()

    return switch


def form_buttons(
    entity: Any, save: Callable[[], Any], switch: Callable[[bool], Any], cancel: Callable[[], Any] | None = None
) -> None:
    """« Enregistrer », then « Désactiver » or « Réactiver » once ``entity`` is saved, then « Annuler » if given."""
    with ui.row().classes("gap-2 mt-2"):
        ui.button(_("Enregistrer"), on_click=lambda: save()).props("no-caps").mark("save")
        if entity.id is not None:
            if entity.is_active:
                ui.button(_("Désactiver"), on_click=lambda: switch(False)).props("no-caps outline color=negative").mark(
                    "deactivate"
                )
            else:
                ui.button(_("Réactiver"), on_click=lambda: switch(True)).props("no-caps outline").mark("reactivate")
        if cancel is not None:
            ui.button(_("Annuler"), on_click=cancel).props("flat no-caps").mark("cancel")


def label_of(row: Any) -> str:
    """The data label in the reader's language (French when the English one is empty)."""
    if row is None:
        return "—"
    return label_in(row, current_language())


def active_text(active: bool) -> str:
    """The state in words (never shown by colour alone)."""
    return _("Active") if active else _("Désactivée")


def yes_no(value: bool) -> str:
    return _("Oui") if value else _("Non")


@contextmanager
def table(headers: Sequence[str], marker: str) -> Iterator[None]:
    """A plain HTML table with column headers; yields inside its ``tbody``."""
    with ui.element("div").classes("overflow-x-auto w-full"), ui.element("table").classes("ec-table").mark(marker):
        with ui.element("thead"), ui.element("tr"):
            for header in headers:
                Text(header, "th").props('scope="col"')
        with ui.element("tbody"):
            yield


def cell(text: str) -> Text:
    return Text(text, "td")


async def load(read: Callable[[Any], T]) -> T | None:
    """``read(session)`` in a transaction, off the event loop; a refusal is shown (role=alert) and None returned."""
    try:
        return await in_transaction(read)
    except DomainError as error:
        paragraph(error.translate(_)).classes("text-negative").props('role="alert"').mark("refusal")
        return None


def alert(marker: str) -> ui.label:
    """A refusal line announced to screen readers, hidden until it has something to say."""
    label = ui.label("").classes("text-negative").mark(marker)
    label.props["role"] = "alert"
    label.set_visibility(False)
    return label


async def try_change(error: ui.label, work: Callable[[Session], Any]) -> bool:
    """``work(session)`` in a unit of work, off the event loop; a refusal is said in ``error`` (an :func:`alert`)
    and False returned."""
    error.set_visibility(False)
    try:
        await in_transaction(work)
    except DomainError as refusal:
        error.set_text(refusal.translate(_))
        error.set_visibility(True)
        return False
    return True


def notice(text: str = "") -> ui.label:
    """A status line announced to screen readers, hidden until it has something to say."""
    label = ui.label(text).classes("text-positive").mark("saved")
    label.props["role"] = "status"
    label.set_visibility(bool(text))
    return label


def say(label: ui.label, text: str) -> None:
    label.text = text
    label.set_visibility(True)


def options(rows: Sequence[Any], *, with_code: bool = True, keep: Any = None) -> dict[Any, str]:
    """Select options from rows with ``id``, ``code`` and labels; inactive rows only when ``keep`` (current value)."""
    result: dict[Any, str] = {}
    for row in rows:
        if not getattr(row, "is_active", True) and row.id != keep:
            continue
        text = f"{row.code} – {label_of(row)}" if with_code else label_of(row)
        if not getattr(row, "is_active", True):
            text = _("{label} (désactivé)").format(label=text)
        result[row.id] = text
    return result
