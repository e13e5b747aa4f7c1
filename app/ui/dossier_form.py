"""A form bound to one entity: labelled inputs written straight into its attributes, errors next to each field.

Inputs are bound one way (input → entity) so that a value the server refuses stays on screen as typed. A save goes
through :meth:`EntityForm.submit`, which calls the service in a worker thread (never on the event loop).
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from nicegui import run, ui

from app.i18n import N_, _
from app.services.dossier import DossierInvalid
from app.services.platform import DomainError
from app.ui.dates import UnreadableDay, day_input, parse_typed_day, typed_day, typed_moment
from app.ui.folded_select import NO_MATCH, FoldedSelect
from app.ui.form_errors import ErrorSummary

LOCKED_HINT = N_(
    "Donnée transmise par le service de scolarité. En cas d'erreur, contactez le service de scolarité concerné."
)


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value in (None, "") else int(float(value))
    except (TypeError, ValueError):
        return None


class EntityForm:
    """Inputs by attribute name over ``entity``; ``read_only`` forms show the same inputs, not editable."""

    def __init__(self, entity: Any, *, read_only: bool = False, locked: set[str] | None = None) -> None:
        self.entity = entity
        self.read_only = read_only
        self.locked = locked or set()
        self.fields: dict[str, Any] = {}
        self.errors = ErrorSummary()
        self.unreadable: dict[str, UnreadableDay] = {}  # days typed that are no day, by field
        # A field whose refusal is shown under another input while its own is hidden (by name: where, now).
        self.shown_at: dict[str, Callable[[], str]] = {}

    def _setup(self, name: str, element: Any, *, required: bool, hint: str = "") -> Any:
        element.props("outlined").classes("w-full max-w-lg").mark(name)
        if required:
            element.props("aria-required=true")
        if name in self.locked:
            hint = _(LOCKED_HINT)
        if hint:
            element.props["hint"] = hint
            element.props["bottom-slots"] = True
        if self.read_only or name in self.locked:
            element.props("readonly")
        self.fields[name] = element
        return element

    @staticmethod
    def _label(label: str, required: bool) -> str:
        return f"{label} *" if required else label

    def text(
        self,
        name: str,
        label: str,
        *,
        required: bool = False,
        hint: str = "",
        upper: bool = False,
        autocomplete: str = "",
        textarea: bool = False,
    ) -> ui.input:
        factory = ui.textarea if textarea else ui.input
        element = factory(self._label(label, required), value=getattr(self.entity, name) or "")
        if upper:
            element.props('input-style="text-transform: uppercase"')
        if autocomplete:
            element.props(f"autocomplete={autocomplete}")
        element.bind_value_to(self.entity, name)
        return self._setup(name, element, required=required, hint=hint)

    def number(self, name: str, label: str, *, required: bool = False, hint: str = "") -> ui.number:
        element = ui.number(self._label(label, required), value=getattr(self.entity, name), format="%d", step=1)
        element.bind_value_to(self.entity, name, forward=_int_or_none)
        return self._setup(name, element, required=required, hint=hint)

    def date(self, name: str, label: str, *, required: bool = False, hint: str = "") -> ui.input:
        """A day typed as jj/mm/aaaa (app/ui/dates.py); one that is no day is refused at the next save, saying why."""
        element = day_input(self._label(label, required), getattr(self.entity, name))

        def parse(text: Any) -> date | None:
            self.unreadable.pop(name, None)
            try:
                return parse_typed_day(str(text or ""))
            except UnreadableDay as unreadable:
                self.unreadable[name] = unreadable
                return None

        element.bind_value_to(self.entity, name, forward=parse)
        return self._setup(name, element, required=required, hint=hint)

    def moment(self, name: str, label: str, *, required: bool = False, hint: str = "") -> ui.input:
        """A date and time typed in Paris time (the calendar's reference), stored in UTC on the entity."""
        from app.clock import paris

        current = getattr(self.entity, name)
        element = ui.input(
            self._label(label, required), value=paris(current).strftime("%Y-%m-%dT%H:%M") if current else ""
        )
        element.props("type=datetime-local")
        element.bind_value_to(self.entity, name, forward=typed_moment)
        return self._setup(name, element, required=required, hint=hint or _("Heure de Paris"))

    def checkbox(self, name: str, label: str) -> ui.checkbox:
        element = ui.checkbox(label, value=bool(getattr(self.entity, name)))
        element.bind_value_to(self.entity, name, forward=bool)
        element.mark(name)
        if self.read_only or name in self.locked:
            element.disable()
        self.fields[name] = element
        return element

    def select(
        self,
        name: str,
        label: str,
        options: dict[Any, str],
        *,
        required: bool = False,
        hint: str = "",
        searchable: bool = False,
        on_change: Callable[..., Any] | None = None,
        no_match: str = NO_MATCH,
        synonyms: dict[str, list[str]] | None = None,
    ) -> ui.select:
        """``searchable``: typing filters the list on the server, accents and case aside; ``no_match`` (a msgid
        holding ``{query}``) says when nothing matches, ``synonyms`` other spellings of a typed word."""
        value = getattr(self.entity, name)
        kwargs: dict[str, Any] = {
            "label": self._label(label, required),
            "value": value if value in options else None,
            "on_change": on_change,
        }
        if searchable:
            element = FoldedSelect(options, no_match=no_match, synonyms=synonyms, **kwargs)
            element.props("input-debounce=0 behavior=menu")
        else:
            # Typeable too (NiceGUI's own filter): only then does Quasar give the combobox itself the attributes
            # set on the select (aria-required, aria-invalid, aria-describedby); a plain q-select puts them on a div
            # around its combobox, where they say nothing (and aria-required is not allowed).
            element = ui.select(options, with_input=True, **kwargs)
        element.bind_value_to(self.entity, name)
        return self._setup(name, element, required=required, hint=hint)

    def refresh_values(self) -> None:
        """Show the stored (normalised) values after a save."""
        from datetime import datetime

        for name, element in self.fields.items():
            if not isinstance(element, ui.input):  # selects and numbers already hold the stored value
                continue
            value = getattr(self.entity, name)
            if isinstance(value, datetime):
                from app.clock import paris

                element.value = paris(value).strftime("%Y-%m-%dT%H:%M")
            else:
                element.value = typed_day(value) if isinstance(value, date) else (value or "")

    def clear_errors(self) -> None:
        self.errors.clear(self.fields)

    def show(self, error: DomainError) -> None:
        """Each message under its field and all of them listed above the form (app/ui/form_errors.py)."""
        if isinstance(error, DossierInvalid) and self.shown_at:
            where = {name: self.shown_at[name]() if name in self.shown_at else name for name in error.errors}
            moved = {where[name]: message for name, message in error.errors.items()}
            error = DossierInvalid(moved, {where[name]: p for name, p in error.params_of.items() if name in where})
        self.errors.show(self.fields, error)

    def _refuse_unreadable(self) -> bool:
        """Days typed that are no day are refused here, before the service: it would only see them empty."""
        if not self.unreadable:
            return False
        messages = {name: day.message for name, day in self.unreadable.items()}
        self.show(DossierInvalid(messages, {name: {"value": day.value} for name, day in self.unreadable.items()}))
        return True

    def run(self, action: Callable[[], Any]) -> Any:
        """Call the service; a refusal is shown and None returned (nothing typed is cleared)."""
        self.clear_errors()
        if self._refuse_unreadable():
            return None
        try:
            return action()
        except DomainError as error:
            self.show(error)
            return None

    async def submit(self, action: Callable[[], Any]) -> Any:
        """Like :meth:`run`, with ``action`` (which opens its own unit of work and touches nothing of NiceGUI) run
        in a worker thread through ``run.io_bound``: the event loop keeps serving every other page meanwhile."""
        self.clear_errors()
        if self._refuse_unreadable():
            return None
        try:
            return await run.io_bound(action)
        except DomainError as error:
            self.show(error)
            return None


def copy_into(target: Any, source: Any) -> None:
    """After a save, the bound entity takes the stored values (new id, version, normalised names)."""
    for name in type(source).model_fields:
        setattr(target, name, getattr(source, name))


def saved_notice(text: str) -> ui.label:
    notice = ui.label(text).classes("text-positive").mark("saved")
    notice.props["role"] = "status"
    notice.set_visibility(False)
    return notice


class ListedOrTyped:
    """An establishment chosen from a searchable list or, with « … n'est pas dans la liste » ticked, typed in the
    inputs the caller puts into ``typed`` (« cursus externe », the baccalauréat's lycée). Ticking clears the choice.

    ``typed_field`` is the typed name's attribute. ``applies`` says whether the list applies at all (the lycées, only
    for a baccalauréat passed in France): when it does not, only ``typed`` shows. The box stays visible wherever the
    list applies, so that it can be unticked.
    """

    def __init__(
        self,
        form: EntityForm,
        name: str,
        label: str,
        options: dict[Any, str],
        *,
        not_listed: str,
        marker: str,
        hint: str,
        required: bool = False,
        no_match: str = NO_MATCH,
        applies: Callable[[], bool] = lambda: True,
        typed_field: str = "establishment_label",
    ) -> None:
        entity = form.entity
        self.applies = applies
        self.listed = ui.column().classes("w-full gap-2")
        with self.listed:
            self.choice = form.select(
                name, label, options, required=required, searchable=True, hint=hint, no_match=no_match
            )
        ticked = bool(getattr(entity, typed_field) and not getattr(entity, name))
        self.not_listed = ui.checkbox(not_listed, value=ticked).mark(marker)
        self.typed = ui.column().classes("w-full gap-2")
        # « Choose or type » refused while the box is ticked: said under the typed name, not the hidden list.
        form.shown_at[name] = lambda: typed_field if self.applies() and self.not_listed.value else name

        def switch(event: Any) -> None:
            if event.value:
                setattr(entity, name, None)
                self.choice.value = None
            self.show()

        self.not_listed.on_value_change(switch)
        self.show()

    def show(self, *_event: Any) -> None:
        """Show what applies now (also a change handler: the inputs ``applies`` reads call it)."""
        applies, ticked = self.applies(), bool(self.not_listed.value)
        self.listed.set_visibility(applies and not ticked)
        self.not_listed.set_visibility(applies)
        self.typed.set_visibility(not applies or ticked)
