"""``Drafts``: what a reader typed, chose or opened on a page and has not saved, kept across the page's redraws.

A staff page redraws itself whenever someone commits a change to what it shows (a colleague's post-it, the
candidate's upload: app.services.platform.notifications). Its fields are drawn anew then; without this, a half-typed
comment or an open preview would vanish under the reader's hands. A page keeps one ``Drafts``; each field is
drawn through :meth:`Drafts.keep` under a key of its own, and the keys of a form are forgotten once it is saved
(the redraw then shows what was saved).

Values live in the page's memory only (on the event loop); nothing here reads or writes the database.
"""

from typing import Any

from nicegui.elements.mixins.value_element import ValueElement


class Drafts:
    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def keep(self, element: ValueElement, key: str) -> ValueElement:
        """Give ``element`` the value kept under ``key`` (if any), and keep what the reader changes from now on."""
        if key in self._values:
            try:
                element.value = self._values[key]
            except ValueError:  # an option that no longer exists (a tag retired meanwhile): the saved value stays
                del self._values[key]
        element.on_value_change(lambda event: self._values.__setitem__(key, event.value))
        return element

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._values[key] = value

    def forget(self, *keys: str) -> None:
        for key in keys:
            self._values.pop(key, None)
