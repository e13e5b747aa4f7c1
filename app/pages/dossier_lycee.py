"""The baccalauréat's lycée, chosen from the imported list: the département first, then its lycées, searchable as
« cursus externe »'s establishments are; or « Mon lycée n'est pas dans la liste » and its name typed.

Abroad, and for a foreign diploma or an equivalence, the name is typed, as before the list. Changing the
département reads its lycées in a worker thread (never on the event loop).
"""

from typing import Any

from nicegui import run

from app.db import new_session
from app.i18n import N_, _
from app.services.dossier import lycees
from app.ui.dossier_form import EntityForm, ListedOrTyped

NO_LYCEE_MATCH = N_("Aucun lycée de ce département ne correspond à « {query} ».")


def _lycees_of(department: str) -> dict[str, str]:
    with new_session() as session:
        return lycees.lycees_of_department(session, department)


def lycee_fields(form: EntityForm, options: dict[str, str]) -> None:
    """The lycée's inputs under the département's (``form.fields["department"]``); ``options``: its lycées."""

    def in_france() -> bool:
        return form.fields["country"].value == "FR" and form.fields["series"].value in lycees.LYCEE_SERIES

    lycee = ListedOrTyped(
        form,
        "establishment_uai",
        _("Lycée"),
        options,
        not_listed=_("Mon lycée n'est pas dans la liste"),
        marker="lycee-not-listed",
        hint=_("Choisissez d'abord le département d'obtention, puis tapez une partie du nom ou de la ville."),
        no_match=NO_LYCEE_MATCH,
        applies=in_france,
    )
    with lycee.typed:
        form.text("establishment_label", _("Établissement (lycée)"), hint=_("Son nom et sa ville."))

    async def department_changed(event: Any) -> None:
        department = str(event.value or "")
        found = await run.io_bound(_lycees_of, department)
        if str(form.fields["department"].value or "") == department:  # a later choice already answered
            lycee.choice.set_options(found, value=None)

    form.fields["department"].on_value_change(department_changed)
    form.fields["country"].on_value_change(lycee.show)
    form.fields["series"].on_value_change(lycee.show)
