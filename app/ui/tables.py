"""Tables wider than a phone's screen scroll sideways inside a box the keyboard can reach.

A scrolling box that holds nothing focusable cannot be scrolled without a mouse or a touch screen (WCAG 2.1.1;
axe: scrollable-region-focusable). The box takes the focus (``tabindex=0``, its focus ring is the site's) and is a
named region, so a screen reader says what it is and the arrow keys scroll it.
"""

from nicegui import ui


def scroll_region(label: str) -> ui.element:
    """A box that scrolls its wide table sideways, named ``label`` (the table's own name)."""
    box = ui.element("div").classes("ec-scroll")
    box.props["tabindex"] = "0"
    box.props["role"] = "region"
    box.props["aria-label"] = label  # set directly: a label may hold quotes
    return box
