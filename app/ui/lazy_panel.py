"""``lazy_panel``: a closed expansion whose content is drawn the first time it opens.

A page view builds every element it holds, and an open page keeps them in memory, whether anybody opens the panel
or not. On the staff list, « Plus de filtres », « Colonnes affichées » and « Exporter » were a third of the page's
drawing (bench/pages.py: the list's CPU per view 28.8 → 25 ms without the last two alone). Opening a panel draws
its content then, once; the panel's header (a button with ``aria-expanded``) is the same for a keyboard and a screen
reader either way.
"""

from collections.abc import Callable

from nicegui import ui


def lazy_panel(title: str, draw: Callable[[], None], *, opened: bool = False) -> ui.expansion:
    """An expansion titled ``title`` whose content ``draw`` draws inside it when it first opens (at once when
    ``opened``)."""
    panel = ui.expansion(title)
    drawn = False

    def first_opening(event: object) -> None:
        nonlocal drawn
        if getattr(event, "value", False) and not drawn:
            drawn = True
            with panel:
                draw()

    panel.on_value_change(first_opening)
    panel.value = opened
    return panel
