"""« Dates de plusieurs formations »: choose calendar fields and their values, preview per programme, apply.

The preview says, for each selected programme, what would change and what the consistency rule refuses or warns
about; « Appliquer » is offered only after a preview that refuses nothing, and applies with the versions that preview
read (all programmes or none).
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from nicegui import ui

from app.clock import PARIS
from app.i18n import _, ngettext
from app.services.admin import program_dates as bulk
from app.services.offer import calendar_rules as cal
from app.services.platform import Actor, DomainError
from app.ui.offer_admin import alert, cell, in_transaction, label_of, notice, say, table
from app.ui.text import heading, paragraph


def _parse(name: str, text: Any) -> Any:
    """The value typed for ``name`` (empty = clear); a malformed one raises ValueError."""
    if text in (None, ""):
        return None
    if name in cal.DELAYS:
        return int(float(text))
    if name == "preselection_place":
        return str(text)
    return datetime.fromisoformat(str(text)).replace(tzinfo=PARIS)


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return cal.moment_text(value)
    return str(value)


class _Malformed(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _wanted(chosen: dict[str, ui.checkbox], inputs: dict[str, Any]) -> dict[str, Any]:
    """The values typed for the ticked fields (empty = clear); ``_Malformed`` names the first one that is not valid."""
    result: dict[str, Any] = {}
    for name, box in chosen.items():
        if not box.value:
            continue
        try:
            result[name] = _parse(name, inputs[name].value)
        except (TypeError, ValueError):
            raise _Malformed(name) from None
    return result


def _verdict(rows: list[bulk.BulkRow], apply: Callable[[], Awaitable[None]]) -> None:
    """Under the preview: how many programmes are refused, or « Appliquer » when none is."""
    refused = sum(1 for row in rows if row.refused)
    if refused:
        paragraph(
            ngettext(
                "{count} formation refusée : corrigez les valeurs ou retirez-la de la sélection.",
                "{count} formations refusées : corrigez les valeurs ou retirez-les de la sélection.",
                refused,
            ).format(count=refused)
        ).classes("text-negative").props('role="alert"').mark("bulk-refused-count")
    else:
        ui.button(
            ngettext("Appliquer à {count} formation", "Appliquer à {count} formations", len(rows)).format(
                count=len(rows)
            ),
            on_click=apply,
        ).props("no-caps").mark("bulk-apply")


async def _apply_dates(actor: Actor, ids: list[int], wanted: dict[str, Any], versions: dict[int, int]) -> list[Any]:
    """The change, with the versions the preview read (all programmes or none), off the event loop."""
    return await in_transaction(
        lambda session: bulk.apply_bulk_dates(session, actor=actor, program_ids=ids, changes=wanted, versions=versions)
    )


def _saved_text(count: int) -> str:
    return ngettext(
        "Dates enregistrées pour {count} formation.", "Dates enregistrées pour {count} formations.", count
    ).format(count=count)


def _fields() -> tuple[dict[str, ui.checkbox], dict[str, Any]]:
    """The explanation, then for each calendar field its « Modifier » box and its input: (boxes, inputs) by name."""
    chosen: dict[str, ui.checkbox] = {}
    inputs: dict[str, Any] = {}
    heading(_("Modifier les dates de plusieurs formations"), 2)
    paragraph(
        _(
            "Cochez les formations dans la liste, puis les dates à modifier et leur nouvelle valeur (laisser vide "
            "efface une date facultative). Une date limite de confirmation remplace le délai, et inversement. "
            "La prévisualisation indique les formations dont le calendrier deviendrait incohérent : "
            "la modification s'applique à toutes les formations ou à aucune."
        )
    ).classes("text-sm")
    with ui.element("div").classes("grid gap-2 w-full").style("grid-template-columns: minmax(12rem, 22rem) 1fr"):
        for name in cal.FIELDS:
            label = _(cal.LABELS[name])
            chosen[name] = ui.checkbox(_("Modifier : {field}").format(field=label)).mark(f"bulk-set-{name}")
            if name in cal.DELAYS:
                field = ui.number(label, format="%d", step=1, min=0)
            elif name == "preselection_place":
                field = ui.input(label)
            else:
                field = ui.input(label).props("type=datetime-local")
                field.props["hint"] = _("Heure de Paris")
            inputs[name] = field.props("outlined dense").classes("max-w-md").mark(f"bulk-{name}")
    return chosen, inputs


def _preview_rows(rows: list[bulk.BulkRow], changes: dict[str, Any]) -> None:
    """The preview's table: per programme, what changes and what the consistency rule refuses or warns about."""
    headers = [_("Formation"), _("Changements"), _("Résultat")]
    with table(headers, "bulk-preview"):
        for row in rows:
            with ui.element("tr").mark(f"bulk-row-{row.code}"):
                cell(f"{row.code} – {label_of(row)}")
                with ui.element("td"):
                    _changed_values(row, changes)
                with ui.element("td"):
                    _consistency(row)


def _changed_values(row: bulk.BulkRow, changes: dict[str, Any]) -> None:
    for name in changes:
        if row.before.get(name) != row.after.get(name):
            ui.label(
                _("{field} : {before} → {after}").format(
                    field=_(cal.LABELS[name]),
                    before=_shown(name, row.before.get(name)),
                    after=_shown(name, row.after.get(name)),
                )
            )


def _consistency(row: bulk.BulkRow) -> None:
    if row.refused:
        for name in row.errors:
            field = _(cal.LABELS[name]) if name in cal.LABELS else ""
            text = _(row.errors[name]).format(**row.params.get(name, {}))
            ui.label(_("Refusé — {field} : {message}").format(field=field, message=text)).classes("text-negative").mark(
                f"bulk-refused-{row.code}"
            )
    for warning, params in row.warnings:
        ui.label(_("Attention : {message}").format(message=_(warning).format(**params)))
    if not row.refused and not row.warnings:
        ui.label(_("Cohérent"))


def program_dates_panel(
    actor: Actor, selected: Callable[[], list[int]], on_applied: Callable[[], Awaitable[None]]
) -> None:
    """The panel under the programmes list; ``selected`` gives the ids ticked at the time of each action. The
    preview and the change run off the event loop; ``on_applied`` is awaited after a change."""
    state: dict[str, Any] = {"rows": None, "versions": None, "ids": None, "changes": None}
    chosen, inputs = _fields()
    message, status = alert("bulk-error"), notice()

    def fail(text: str) -> None:
        message.text = text
        message.set_visibility(True)

    @ui.refreshable
    def preview_table() -> None:
        rows: list[bulk.BulkRow] | None = state["rows"]
        if rows is None:
            return
        _preview_rows(rows, state["changes"] or {})
        _verdict(rows, apply)

    async def preview() -> None:
        message.set_visibility(False)
        status.set_visibility(False)
        try:
            wanted = _wanted(chosen, inputs)
        except _Malformed as malformed:
            fail(_("La valeur de « {field} » n'est pas valide.").format(field=_(cal.LABELS[malformed.name])))
            return
        ids = selected()
        try:
            rows = await in_transaction(
                lambda session: bulk.preview_bulk_dates(session, actor=actor, program_ids=ids, changes=wanted)
            )
        except DomainError as error:
            state["rows"] = None
            fail(error.translate(_))
        else:
            state.update(rows=rows, versions={r.program_id: r.version for r in rows}, ids=ids, changes=wanted)
        preview_table.refresh()

    async def apply() -> None:
        message.set_visibility(False)
        try:
            saved = await _apply_dates(actor, state["ids"], state["changes"], state["versions"])
        except bulk.BulkDatesRefused as refused:
            state["rows"] = refused.rows
            fail(refused.translate(_))
        except DomainError as error:
            fail(error.translate(_))
        else:
            state["rows"] = None
            say(status, _saved_text(len(saved)))
            await on_applied()
        preview_table.refresh()

    ui.button(_("Prévisualiser"), on_click=preview).props("no-caps outline").mark("bulk-preview-button")
    preview_table()
