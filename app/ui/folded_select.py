"""A searchable list that forgives accents, case and punctuation, and says when nothing matches.

NiceGUI's searchable ``ui.select`` filters in the browser, comparing the typed text with each label as is: « Orléans »
never finds the commune La Poste writes ORLEANS, nor « etats » the country « États-Unis ». Here the server filters: what
is typed reaches Python (Quasar's ``input-value`` event), every typed word is looked for in the labels folded by
:func:`app.services.dossier.referentials.fold`, and only the first matches are sent. The element is Quasar's own
``q-select`` rather than NiceGUI's ``select.js`` wrapper, whose filter would narrow the server's matches again with its
plain ``includes``; no JavaScript of ours is involved.
"""

from typing import Any

from nicegui import ui
from nicegui.events import GenericEventArguments

from app.i18n import N_, _, ngettext
from app.services.dossier import fold

NO_MATCH = N_("Aucun choix de la liste ne correspond à « {query} ».")
# La Poste abbreviates the saints in commune names: ST JEAN DE BRAYE, STE GENEVIEVE DES BOIS.
COMMUNE_SYNONYMS = {"saint": ["st"], "sainte": ["ste"]}
# Options sent to the browser at a time: thousands of establishments stay one short list.
SHOWN = 50


class FoldedSelect(ui.select):
    """A single-choice ``ui.select`` with a typed filter; ``no_match`` is a msgid holding ``{query}``,
    ``synonyms`` other spellings of a typed (folded) word."""

    component = None  # Quasar's q-select itself: no filter in the browser (see the module's docstring)

    def __init__(
        self,
        options: dict[Any, str],
        *,
        no_match: str = NO_MATCH,
        synonyms: dict[str, list[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        # Read by _update_options, which NiceGUI's constructor already calls.
        self._typed = ""
        self._folded: list[str] = []
        self._folded_from: list[Any] = []
        self._synonyms = synonyms or {}
        self._matches: list[int] = []
        super().__init__(options, with_input=True, **kwargs)
        self.tag = "q-select"
        self.on("input-value", self._on_input)
        with self.add_slot("no-option"), ui.item() as self._no_match_item:
            self._no_match = ui.item_section().classes("text-italic")
        self._no_match_text = no_match
        with self.add_slot("after-options"):
            self._more = ui.label().classes("q-px-md q-py-sm text-caption text-italic")
        # Present from page load: a live region inserted along with its text is not reliably announced.
        self.status = ui.label().classes("sr-only")
        self.status.props["role"] = "status"
        self._describe()

    def _update_options(self) -> None:
        super()._update_options()  # keeps or clears the value against the full list
        self._matches = self._matching()
        self._props["options"] = [{"value": i, "label": self._labels[i]} for i in self._matches[:SHOWN]]

    def _matching(self) -> list[int]:
        """Indexes of the labels holding every typed word (or one of its synonyms), accents and case aside."""
        words = fold(self._typed).split()
        if not words:
            return list(range(len(self._labels)))
        if self._folded_from != self._labels:  # first search, or new options (another département)
            self._folded, self._folded_from = [fold(str(label)) for label in self._labels], self._labels
        spellings = [[word, *self._synonyms.get(word, [])] for word in words]
        return [
            index
            for index, label in enumerate(self._folded)
            if all(any(spelling in label for spelling in alternatives) for alternatives in spellings)
        ]

    def _current_label(self) -> str | None:
        return self._labels[self._values.index(self.value)] if self.value in self._values else None

    def _on_input(self, event: GenericEventArguments) -> None:
        text = event.args if isinstance(event.args, str) else ""
        if text == self._current_label():
            text = ""  # Escape or leaving the field put the chosen label back: the whole list again
        elif any(option["label"] == text for option in self._props["options"]):
            return  # the label of the option just chosen, written in by Quasar: the value change follows
        self._search(text)
        if text and not self.is_showing_popup:
            self.run_method("showPopup")  # typing opens the list, as NiceGUI's own filter did

    def _handle_value_change(self, value: Any) -> None:
        super()._handle_value_change(value)
        if self._typed:
            self._search("")  # once chosen, reopening shows the whole list

    def _search(self, text: str) -> None:
        self._typed = text
        self.update()

    def update(self) -> None:
        super().update()  # runs _update_options
        if hasattr(self, "status"):  # built
            self._describe()

    def _describe(self) -> None:
        """The no-match line, the « type more » line and the live region, for what is typed now."""
        total = len(self._matches)
        empty = _(self._no_match_text).format(query=self._typed) if self._typed and not total else ""
        more = ""
        if total > SHOWN:
            more = _("Les {shown} premiers choix sur {total} sont affichés : précisez votre saisie.")
            more = more.format(shown=SHOWN, total=total)
        _say(self._no_match, empty)
        self._no_match_item.set_visibility(bool(empty))  # an empty list with nothing typed: no blank line
        _say(self._more, more)
        self._more.set_visibility(bool(more))
        said = ngettext("{n} choix correspond.", "{n} choix correspondent.", total).format(n=total)
        _say(self.status, (empty or more or said) if self._typed else "")

    def _displayed_contents(self, *, only_visible: bool) -> list:
        """What the simulated user of the tests sees: the options sent, not the whole list."""
        contents = super()._displayed_contents(only_visible=only_visible)
        if not self.is_showing_popup:
            return contents
        return [*contents[: len(contents) - len(self._labels)], *(o["label"] for o in self._props["options"])]


def _say(element: ui.label | ui.item_section, text: str) -> None:
    """Change the text only when it changes: each change is sent, and a live region says it again."""
    if element.text != text:
        element.text = text
