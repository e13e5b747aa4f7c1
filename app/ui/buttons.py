"""``action_button``: Quasar's button as ``ui.button`` draws it, for the many that only need a label and a click.

``ui.button`` stacks five mixins (text, icon, colour, disabling, waiting for a click), each with its bindable
properties and observers: building one took 0.5 ms of the event loop against 0.17 ms for the same ``q-btn``
element with the same props and click listener, and a page draws one per piece (« Ajouter ») or per sortable
column. The browser receives the same element (tag, props, listener); the screen tests read its label as they read
a ``ui.button``'s. Use ``ui.button`` for a button that is disabled, waited on, or whose text or colour changes.

``disabled_while``: such a button off while its action runs (a double click acts once), on again whatever happens.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from nicegui import ui
from nicegui.element import Element


class ActionButton(Element):
    """A ``q-btn`` with ``ui.button``'s default props and colour, a label, an optional icon and a click handler."""

    def __init__(self, label: str, *, on_click: Callable[..., Any], icon: str | None = None) -> None:
        super().__init__("q-btn")
        self._props.update(ui.button._default_props)  # those set for every ui.button (no-caps: app/server.py)
        self._props.setdefault("color", "primary")
        self._props["label"] = label
        if icon is not None:
            self._props["icon"] = icon
        self.on("click", on_click, [])

    @property
    def text(self) -> str:
        """The label, as ``ui.button.text`` reads it."""
        return str(self._props.get("label", ""))


def action_button(label: str, *, on_click: Callable[..., Any], icon: str | None = None) -> ActionButton:
    return ActionButton(label, on_click=on_click, icon=icon)


@contextmanager
def disabled_while(button: ui.button) -> Iterator[None]:
    """``button`` disabled for the block; whatever happens in it (a refusal, an error), the button works again."""
    button.disable()
    try:
        yield
    finally:
        button.enable()
