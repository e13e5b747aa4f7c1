"""Widgets shared by the pages of pieces and questions: the place picker, the ordered table, the state buttons.

The table is a real ``<table>`` with column headers; moving a row is a pair of labelled buttons (keyboard and
screen-reader usable), never a drag.
"""

from collections.abc import Callable, Sequence
from typing import Any

from nicegui import ui

from app.i18n import _
from app.services.admin_scoped import TargetOption
from app.ui.text import Text


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
    with ui.element("table").classes("w-full border-collapse").mark(marker):
        with ui.element("thead"), ui.element("tr"):
            for header in (*headers, _("Actions")):
                cell(header, header=True)
        with ui.element("tbody"):
            for index, row in enumerate(rows):
                with ui.element("tr").classes("border-t"):
                    for text in cells(row):
                        cell(text)
                    with ui.element("td").classes("p-2"), ui.row().classes("items-center gap-1 no-wrap"):
                        name = label(row)
                        if on_move is None:  # read-only: the same page, nothing to save
                            link = ui.link(_("Voir"), edit_path(row)).mark(f"{marker}-edit-{index}")
                            link._props["aria-label"] = _("Voir {name}").format(name=name)
                            continue
                        link = ui.link(_("Modifier"), edit_path(row)).mark(f"{marker}-edit-{index}")
                        link._props["aria-label"] = _("Modifier {name}").format(name=name)
                        if index > 0:
                            up = ui.button(icon="arrow_upward", on_click=lambda r=row: on_move(r, -1))
                            _labelled(up.props("flat round dense"), _("Monter {name}").format(name=name))
                            up.mark(f"{marker}-up-{index}")
                        if index < len(rows) - 1:
                            down = ui.button(icon="arrow_downward", on_click=lambda r=row: on_move(r, 1))
                            _labelled(down.props("flat round dense"), _("Descendre {name}").format(name=name))
                            down.mark(f"{marker}-down-{index}")


def _labelled(button: ui.button, label: str) -> ui.button:
    button._props["aria-label"] = label  # set directly: a label may hold quotes
    button.tooltip(label)
    return button


def status_line(text: str, marker: str) -> ui.label:
    """A notice announced to screen readers (saved, moved, deactivated…)."""
    notice = ui.label(text).classes("text-positive").mark(marker)
    notice.props["role"] = "status"
    return notice
