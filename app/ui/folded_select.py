"""A searchable list that forgives accents, case and punctuation, and says when nothing matches.

NiceGUI's searchable ``ui.select`` compares the typed text with each label as is: « Orléans » never finds the commune
La Poste writes ORLEANS, nor « etats » the country « États-Unis ». The filter runs in the browser (the options are
already there, no round trip per key); ``folded_select.js`` folds both sides the way
:func:`app.services.referentials.fold` does.
"""

from typing import Any

from nicegui import ui

from app.i18n import N_, _

NO_MATCH = N_("Aucun choix de la liste ne correspond à « {query} ».")
# La Poste abbreviates the saints in commune names: ST JEAN DE BRAYE, STE GENEVIEVE DES BOIS.
COMMUNE_SYNONYMS = {"saint": ["st"], "sainte": ["ste"]}


class FoldedSelect(ui.select, component="folded_select.js"):
    """A single-choice ``ui.select`` with a typed filter; ``no_match`` is a msgid holding ``{query}``."""

    def __init__(
        self,
        options: dict[Any, str],
        *,
        no_match: str = NO_MATCH,
        synonyms: dict[str, list[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(options, with_input=True, **kwargs)
        self._props["no-match"] = _(no_match)
        if synonyms:
            self._props["synonyms"] = synonyms
