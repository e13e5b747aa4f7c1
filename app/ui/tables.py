"""Tables wider than a phone's screen scroll sideways inside a box the keyboard can reach.

A scrolling box that holds nothing focusable cannot be scrolled without a mouse or a touch screen (WCAG 2.1.1;
axe: scrollable-region-focusable). The box takes the focus (``tabindex=0``, its focus ring is the site's) and is a
named region, so a screen reader says what it is and the arrow keys scroll it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from app.ui import routes
from app.ui.text import Text


def scroll_region(label: str) -> ui.element:
    """A box that scrolls its wide table sideways, named ``label`` (the table's own name)."""
    box = ui.element("div").classes("ec-scroll")
    box.props["tabindex"] = "0"
    box.props["role"] = "region"
    box.props["aria-label"] = label  # set directly: a label may hold quotes
    return box


@contextmanager
def captioned_table(marker: str, caption: str, headers: list[str]) -> Iterator[None]:
    """A plain table in its scrolling box: a caption, real column headers; the body is drawn inside the ``with``."""
    with scroll_region(caption), ui.element("table").classes("ec-table").mark(marker):
        Text(caption, "caption").classes("text-left font-bold")
        with ui.element("thead"), ui.element("tr"):
            for header in headers:
                Text(header, "th").props('scope="col"')
        with ui.element("tbody"):
            yield


def application_rows(marker: str, rows: list[tuple[int, list[str]]], link_column: int = 0) -> None:
    """One row per application (marked ``{marker}-{id}``); the cell at ``link_column`` links to its staff page."""
    for application_id, cells in rows:
        with ui.element("tr").mark(f"{marker}-{application_id}"):
            for index, cell in enumerate(cells):
                with ui.element("td"):
                    if index == link_column:
                        ui.link(cell, routes.STAFF_APPLICATION.format(application_id=application_id))
                    else:
                        ui.label(cell)
