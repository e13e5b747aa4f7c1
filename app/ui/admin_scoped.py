"""Widgets shared by the pages of pieces and questions: the place picker, the ordered table, the list screen of one
place and the head of an edit screen.

The table is a real ``<table>`` with column headers; moving a row is a pair of labelled buttons (keyboard and
screen-reader usable), never a drag.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from nicegui import ui
from sqlmodel import Session

from app.i18n import _
from app.services.admin import INSTITUTION, Target, TargetOption
from app.services.admin import scoped as admin_scoped
from app.services.platform import Actor, DomainError, NotFound
from app.ui.admin_edit import refusal_page
from app.ui.admin_nav import back_to_admin
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.offer_admin import drawn, in_transaction
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import Text, heading, paragraph

Row = TypeVar("Row")


def option_label(option: TargetOption, lang: str) -> str:
    return option.label_en if lang == "en" else _(option.label_fr)


def target_picker(options: list[TargetOption], current: str, path: str, lang: str) -> ui.select:
    """« Périmètre »: choosing another place opens its list."""
    picker = ui.select(
        {o.key: option_label(o, lang) for o in options},
        label=_("Périmètre"),
        value=current if any(o.key == current for o in options) else None,
        with_input=True,
        on_change=lambda e: ui.navigate.to(f"{path}?cible={e.value}") if e.value and e.value != current else None,
    )
    picker.props("outlined input-debounce=0 behavior=menu").classes("w-full max-w-2xl").mark("target")
    return picker


def cell(text: str, *, header: bool = False) -> ui.element:
    element = ui.element("th" if header else "td").classes("text-left p-2 align-top")
    if header:
        element.props('scope="col"')
    with element:
        Text(text, "span")
    return element


def item_table(
    marker: str, headers: Sequence[str], rows: Sequence[Any], *, cells: Callable[[Any], Sequence[str]],
    actions: Callable[[Any, int], None],
) -> None:  # fmt: skip
    """A table of ``rows`` with their ``cells`` and a last « Actions » column that ``actions(row, index)`` fills."""
    with ui.element("table").classes("w-full border-collapse").mark(marker):
        with ui.element("thead"), ui.element("tr"):
            for header in (*headers, _("Actions")):
                cell(header, header=True)
        with ui.element("tbody"):
            for index, row in enumerate(rows):
                with ui.element("tr").classes("border-t"):
                    for text in cells(row):
                        cell(text)
                    with ui.element("td").classes("p-2"):
                        actions(row, index)


def labelled_link(text: str, aria_label: str, path: str) -> ui.link:
    link = ui.link(text, path)
    link._props["aria-label"] = aria_label  # set directly: a label may hold quotes
    return link


def ordered_table(
    marker: str,
    headers: Sequence[str],
    rows: Sequence[Any],
    *,
    cells: Callable[[Any], Sequence[str]],
    label: Callable[[Any], str],
    edit_path: Callable[[Any], str],
    on_move: Callable[[Any, int], Any] | None,
) -> None:
    """One row per item with its cells and « Modifier », « Monter », « Descendre » (« Voir » without ``on_move``)."""

    def actions(row: Any, index: int) -> None:
        with ui.row().classes("items-center gap-1 no-wrap"):
            name = label(row)
            if on_move is None:  # read-only: the same page, nothing to save
                labelled_link(_("Voir"), _("Voir {name}").format(name=name), edit_path(row)).mark(
                    f"{marker}-edit-{index}"
                )
                return
            labelled_link(_("Modifier"), _("Modifier {name}").format(name=name), edit_path(row)).mark(
                f"{marker}-edit-{index}"
            )
            if index > 0:
                up = ui.button(icon="arrow_upward", on_click=lambda r=row: on_move(r, -1))
                _labelled(up.props("flat round dense"), _("Monter {name}").format(name=name))
                up.mark(f"{marker}-up-{index}")
            if index < len(rows) - 1:
                down = ui.button(icon="arrow_downward", on_click=lambda r=row: on_move(r, 1))
                _labelled(down.props("flat round dense"), _("Descendre {name}").format(name=name))
                down.mark(f"{marker}-down-{index}")

    item_table(marker, headers, rows, cells=cells, actions=actions)


def _labelled(button: ui.button, label: str) -> ui.button:
    button._props["aria-label"] = label  # set directly: a label may hold quotes
    button.tooltip(label)
    return button


def status_line(text: str, marker: str) -> ui.label:
    """A notice announced to screen readers (saved, moved, deactivated…)."""
    notice = ui.label(text).classes("text-positive").mark(marker)
    notice.props["role"] = "status"
    return notice


# --- The list of one place ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListTexts:
    """The words of one list screen (already translated); ``heading`` holds ``{place}``."""

    title: str
    intro: str
    heading: str
    add: str
    add_marker: str
    read_only: str
    empty: str
    empty_marker: str


async def scoped_list_page(
    actor: Actor,
    key: str,
    *,
    path: str,
    new: str,
    texts: ListTexts,
    marker: str,
    headers: Sequence[str],
    load: Callable[[Session, Target], Sequence[Row]],
    move: Callable[[Session, Row, int], Any],
    cells: Callable[[Row], Sequence[str]],
    label: Callable[[Row], str],
    edit_path: Callable[[Row], str],
) -> None:
    """The items of the place ``key`` names, in order, with the picker of places, « Ajouter » and the moves.

    ``load(session, target)`` lists the rows (refusing what the role may not see), ``move(session, row, offset)``
    moves one; both are the service's, which checks every right. Both run off the event loop.
    """
    lang = current_language()
    options = await in_transaction(lambda session: admin_scoped.target_options(session, actor=actor))
    if not key:  # first visit: the first place the role may edit (a centre manager's own centre)
        key = next((o.key for o in options if o.editable), INSTITUTION.key)
    target = Target.parse(key) or INSTITUTION
    option = next((o for o in options if o.key == target.key), None)
    with frame(texts.title):
        back_to_admin()
        paragraph(texts.intro)
        target_picker(options, target.key, path, lang)
        if option is None:
            paragraph(_("Vous n'avez pas accès à ce périmètre.")).mark("refusal")
            return
        heading(texts.heading.format(place=option_label(option, lang).lstrip("— ")), 2)
        if option.editable:
            ui.link(texts.add, f"{path}/{new}?cible={target.key}").mark(texts.add_marker)
        else:
            paragraph(texts.read_only).mark("read-only")
        notice = status_line("", "list-notice")
        error = ui.label("").classes("text-negative").mark("list-error")
        error.props["role"] = "alert"

        @ui.refreshable
        async def table() -> None:
            try:
                rows = await in_transaction(lambda session: load(session, target))
            except DomainError as refusal:
                paragraph(refusal.translate(_)).mark("refusal")
                return
            if not rows:
                paragraph(texts.empty).mark(texts.empty_marker)
                return

            async def moved(row: Row, offset: int) -> None:
                try:
                    await in_transaction(lambda session: move(session, row, offset))
                except DomainError as refusal:
                    error.text = refusal.translate(_)
                    return
                error.text = ""
                notice.text = _("Ordre enregistré.")
                table.refresh()

            ordered_table(
                marker,
                headers,
                rows,
                cells=cells,
                label=label,
                edit_path=edit_path,
                on_move=moved if option.editable else None,
            )

        await table()


# --- The edit screen of one item ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """An item opened for its edit screen: its row, its place, the place's name, whether the role may change it."""

    row: Any
    target: Target
    place: str
    editable: bool


async def open_item(
    actor: Actor,
    key: str,
    cible: str,
    *,
    creating: bool,
    new: Callable[[Target], Any],
    get: Callable[[Session, int], Any],
    target_of_row: Callable[[Any], Target],
) -> Opened:
    """The item ``key`` names (``get``), or a new one for the place ``cible`` names (``new``; creating needs the
    right to change that place). Read off the event loop; DomainError when refused or gone."""
    lang = current_language()

    def read(session: Session) -> Opened:
        if creating:
            target = Target.parse(cible)
            if target is None:
                raise NotFound("target")
            admin_scoped.require_target(session, actor=actor, target=target, write=True)
            row = new(target)
        else:
            row = get(session, int(key) if key.isdigit() else 0)
            target = target_of_row(row)
        place = admin_scoped.describe(session, target, lang)
        editable = admin_scoped.can_edit(session, actor=actor, target=target)
        return Opened(row, target, place, editable)

    return await in_transaction(read)


def edit_header(path: str, opened: Opened, *, back: str, read_only: str) -> None:
    """Back to the administration and to the place's list, the place's name, and « Lecture seule » when so."""
    back_to_admin()
    ui.link(back, f"{path}?cible={opened.target.key}").mark("back-to-list")
    paragraph(_("Périmètre : {place}").format(place=opened.place or _("Établissement (toutes les formations)"))).mark(
        "place"
    )
    if not opened.editable:
        paragraph(read_only).mark("read-only")


def register_scoped_pages(
    path: str,
    title: str,
    list_page: Callable[[Actor, str], Awaitable[None] | None],
    edit_page: Callable[[Actor, str, str], Awaitable[None] | None],
) -> None:
    """``path?cible=KEY`` (the list of one place) and ``path/KEY`` (one item, or ``path/NEW?cible=KEY``), for staff;
    ``title`` is the list's msgid, translated when a refusal is shown. The page functions may be async."""

    @page(path)
    async def scoped_list(cible: str = "") -> Any:
        gate = await require_staff()
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        try:
            await drawn(list_page(gate.actor, cible))
        except DomainError as refusal:
            refusal_page(_(title), refusal)
        return None

    @page(path + "/{key}")
    async def scoped_edit(key: str, cible: str = "") -> Any:
        gate = await require_staff()
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        await drawn(edit_page(gate.actor, key, cible))
        return None
