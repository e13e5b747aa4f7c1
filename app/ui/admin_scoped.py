"""The screens of the items placed in the institution, a centre or a programme (pieces, questions): the place
picker, the ordered table, and, from one ``ItemScreen`` describing the kind, the list screen of one place, the edit
screen of one item and their routes.

The table is a real ``<table>`` with column headers; moving a row is a pair of labelled buttons (keyboard and
screen-reader usable), never a drag.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from nicegui import ui
from sqlmodel import Session

from app.i18n import _
from app.services.admin import INSTITUTION, Target, TargetOption, target_of
from app.services.admin import scoped as admin_scoped
from app.services.platform import Actor, DomainError, NotFound, label_in
from app.ui.admin_edit import EntityActions, StateTexts, refusal_page, save_button, staff_page, state_section
from app.ui.admin_nav import back_to_admin
from app.ui.dossier_form import EntityForm
from app.ui.frame import frame
from app.ui.offer_admin import in_transaction
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import Text, heading, paragraph


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
    screen: "ItemScreen",
    *,
    texts: ListTexts,
    marker: str,
    headers: Sequence[str],
    cells: Callable[[Any], Sequence[str]],
) -> None:
    """The items of the place ``key`` names, in order, with the picker of places, « Ajouter » and the moves.

    The screen's services list the rows (refusing what the role may not see) and move one; they check every right
    and run off the event loop.
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
        target_picker(options, target.key, screen.path, lang)
        if option is None:
            paragraph(_("Vous n'avez pas accès à ce périmètre.")).mark("refusal")
            return
        heading(texts.heading.format(place=option_label(option, lang).lstrip("— ")), 2)
        if option.editable:
            ui.link(texts.add, f"{screen.path}/{screen.new}?cible={target.key}").mark(texts.add_marker)
        else:
            paragraph(texts.read_only).mark("read-only")
        listing = _ScopedListing(actor, target, screen, editable=option.editable)
        await listing.table(texts, marker, headers, cells)


class _ScopedListing:
    """The ordered table of one place's items, redrawn after each move; a refused move is announced."""

    def __init__(self, actor: Actor, target: Target, screen: "ItemScreen", *, editable: bool) -> None:
        self.actor, self.target, self.screen, self.editable = actor, target, screen, editable
        self.notice = status_line("", "list-notice")
        self.error = ui.label("").classes("text-negative").mark("list-error")
        self.error.props["role"] = "alert"

    async def moved(self, row: Any, offset: int) -> None:
        screen, actor = self.screen, self.actor
        ids = {screen.actions.id_name: screen.item(row).id or 0}
        try:
            await in_transaction(lambda session: screen.move(session, actor=actor, offset=offset, **ids))
        except DomainError as refusal:
            self.error.text = refusal.translate(_)
            return
        self.error.text = ""
        self.notice.text = _("Ordre enregistré.")
        self.draw.refresh()

    async def table(
        self, texts: ListTexts, marker: str, headers: Sequence[str], cells: Callable[[Any], Sequence[str]]
    ) -> None:
        screen, lang = self.screen, current_language()

        async def draw() -> None:
            try:
                rows = await in_transaction(lambda s: screen.rows(s, actor=self.actor, target=self.target))
            except DomainError as refusal:
                paragraph(refusal.translate(_)).mark("refusal")
                return
            if not rows:
                paragraph(texts.empty).mark(texts.empty_marker)
                return
            ordered_table(
                marker,
                headers,
                rows,
                cells=cells,
                label=lambda row: label_in(screen.item(row), lang),
                edit_path=lambda row: f"{screen.path}/{screen.item(row).id}",
                on_move=self.moved if self.editable else None,
            )

        self.draw = ui.refreshable(draw)
        await self.draw()


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


@dataclass(frozen=True)
class ItemScreen:
    """What one kind of item (a piece, a question) puts on its edit screen; titles and texts are msgids, translated
    when drawn."""

    path: str
    new: str  # the key that creates (``nouvelle``)
    title: str
    new_title: str
    back: str
    read_only: str
    rows: Callable[..., Sequence[Any]]  # the service listing a place's rows: (session, actor=, target=)
    move: Callable[..., Any]  # the service moving one: (session, actor=, <id_name>=, offset=)
    new_row: Callable[[Target], Any]  # an unsaved row of a place
    get: Callable[[Session, Actor, int], Any]  # the row of an id, refused outside the actor's reach
    item: Callable[[Any], Any]  # the row's entity
    used: Callable[[Any], int]  # how much uses it (a used item is deactivated, never deleted)
    fields: Callable[[EntityForm], None]
    field_names: Sequence[str]
    actions: EntityActions
    state_texts: Callable[[int], StateTexts]
    after_form: Callable[[Actor, Any, bool], None] | None = None  # sections of a saved item: (actor, row, editable)


async def scoped_edit_page(actor: Actor, key: str, cible: str, screen: ItemScreen) -> None:
    """The edit screen of the item ``key`` names, or of a new one for the place ``cible`` names: its form and
    « Enregistrer », then, once saved, ``after_form`` and « Disponibilité »."""
    creating = key == screen.new
    try:
        opened = await open_item(
            actor,
            key,
            cible,
            creating=creating,
            new=screen.new_row,
            get=lambda session, item_id: screen.get(session, actor, item_id),
            target_of_row=lambda row: target_of(screen.item(row)),
        )
    except DomainError as refusal:
        refusal_page(_(screen.title), refusal)
        return
    row, target, editable = opened.row, opened.target, opened.editable
    entity = screen.item(row)
    with frame(_(screen.new_title) if creating else _(screen.title)):
        edit_header(screen.path, opened, back=_(screen.back), read_only=_(screen.read_only))
        form = EntityForm(entity, read_only=not editable)
        screen.fields(form)
        save_button(
            form,
            entity,
            screen.field_names,
            screen.actions.store(actor, entity, creating=creating, target=target),
            creating=creating,
            created_path=lambda: f"{screen.path}/{entity.id}",
            editable=editable,
        )
        if creating:
            return
        if screen.after_form is not None:
            screen.after_form(actor, row, editable)
        used = screen.used(row)
        state_section(
            entity,
            screen.state_texts(used),
            used=used,
            editable=editable,
            actor=actor,
            actions=screen.actions,
            after_delete=f"{screen.path}?cible={target.key}",
        )


def register_scoped_pages(
    title: str, list_page: Callable[[Actor, str], Awaitable[None] | None], screen: ItemScreen
) -> None:
    """``path?cible=KEY`` (the list of one place) and ``path/KEY`` (one item, or ``path/NEW?cible=KEY``, drawn from
    ``screen``), for staff; ``title`` is the list's msgid, translated when a refusal is shown. ``list_page`` may be
    async."""

    @page(screen.path)
    async def scoped_list(cible: str = "") -> Any:
        return await staff_page(lambda actor: list_page(actor, cible), refused_title=title)

    @page(screen.path + "/{key}")
    async def scoped_edit(key: str, cible: str = "") -> Any:
        return await staff_page(lambda actor: scoped_edit_page(actor, key, cible, screen))
