"""The « Grille d'évaluation » section of a programme's edit page: the rule that combines the members' scores, the
criteria (label in both languages, coefficient, scale, order, active) and a new criterion.

Each action is one service call (``app.services.scoring.grid``) in its own transaction, off the event loop; each
form shows its refusal under the field and in its error list (``role=alert``). Once scores exist a criterion's scale
is locked and it cannot be deleted (deactivate it instead): the service refuses, the screen says why.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from app.i18n import _, ngettext
from app.models import Program, ScoringCriterion
from app.services.platform import Actor, DomainError
from app.services.scoring import (
    RULES,
    CriterionIn,
    GridView,
    add_criterion,
    delete_criterion,
    grid_view,
    set_score_rule,
    update_criterion,
)
from app.ui.form_errors import ErrorSummary
from app.ui.offer_admin import in_transaction, notice, say
from app.ui.text import Text, heading, paragraph

Redraw = Callable[[], Awaitable[None]]


def _inputs(criterion: ScoringCriterion | None, read_only: bool, locked_scale: bool) -> dict[str, Any]:
    """The inputs of one criterion, named as the service names its fields."""
    values = criterion or ScoringCriterion(program_id=0, label_fr="", label_en="", weight=1, scale_max=20)
    fields: dict[str, Any] = {
        "label_fr": ui.input(_("Libellé en français"), value=values.label_fr),
        "label_en": ui.input(_("Libellé en anglais"), value=values.label_en),
        "weight": ui.number(_("Coefficient"), value=values.weight, min=1, precision=0),
        "scale_max": ui.number(_("Barème (note maximale)"), value=values.scale_max, min=1, precision=0),
    }
    if criterion is not None:
        fields["position"] = ui.number(_("Ordre"), value=criterion.position, precision=0)
        fields["is_active"] = ui.checkbox(_("Actif"), value=criterion.is_active)
    for name, element in fields.items():
        element.classes("min-w-[10rem]").mark(f"{name}-{criterion.id if criterion else 'new'}")
        if read_only or (locked_scale and name == "scale_max"):
            element.props("readonly" if name != "is_active" else "disable")
    return fields


def _data(fields: dict[str, Any]) -> CriterionIn:
    def number(name: str) -> int | None:
        value = fields[name].value
        return int(value) if value not in (None, "") else None

    return CriterionIn(
        label_fr=fields["label_fr"].value or "",
        label_en=fields["label_en"].value or "",
        weight=number("weight"),
        scale_max=number("scale_max"),
        position=number("position") or 0 if "position" in fields else 0,
        is_active=bool(fields["is_active"].value) if "is_active" in fields else True,
    )


async def _run(summary: ErrorSummary, fields: dict[str, Any], work: Callable[[Any], Any]) -> Any:
    summary.clear(fields)
    try:
        return await in_transaction(work)
    except DomainError as error:
        summary.show(fields, error)
        return None


def _criterion(view: GridView, criterion: ScoringCriterion, actor: Actor, redraw: Redraw) -> None:
    scored = view.scored.get(criterion.id or 0, 0)
    with ui.element("fieldset").classes("border p-2 my-2").mark(f"criterion-{criterion.id}"):
        Text(criterion.label_fr, "legend").classes("font-bold")
        summary = ErrorSummary(f"criterion-error-{criterion.id}")
        with ui.row().classes("items-end gap-2"):
            fields = _inputs(criterion, not view.editable, scored > 0)
        if scored:
            locked = ngettext(
                "{n} note saisie : le barème ne peut plus changer.",
                "{n} notes saisies : le barème ne peut plus changer.",
                scored,
            )
            paragraph(locked.format(n=scored)).classes("text-sm").mark(f"scored-{criterion.id}")
        if not view.editable:
            return

        identity = {"actor": actor, "criterion_id": criterion.id or 0, "expected_version": criterion.version}

        async def save() -> None:
            data = _data(fields)
            if await _run(summary, fields, lambda s: update_criterion(s, **identity, data=data)) is not None:
                await redraw()

        async def delete() -> None:
            if await _run(summary, fields, lambda s: delete_criterion(s, **identity) or True) is not None:
                await redraw()

        with ui.row():
            ui.button(_("Enregistrer le critère"), on_click=save).props("no-caps").mark(f"save-{criterion.id}")
            ui.button(_("Supprimer le critère"), on_click=delete).props("no-caps flat color=negative").mark(
                f"delete-{criterion.id}"
            )


def _rule(view: GridView, program: Program, actor: Actor, redraw: Redraw) -> None:
    summary = ErrorSummary("rule-error")
    choices = {key: _(label) for key, label in RULES.items()}
    with ui.row().classes("items-end gap-2"):
        select = ui.select(choices, label=_("Combinaison des notes des membres"), value=view.rule).mark("score-rule")
        if not view.editable:
            select.props("disable")
            return
        fields = {"score_rule": select}

        async def save() -> None:
            rule, version = select.value, program.version
            saved = await _run(summary, fields, lambda s: set_score_rule(
                s, actor=actor, program_id=view.program_id, rule=rule, expected_version=version
            ))  # fmt: skip
            if saved is not None:
                program.version, program.score_rule = saved.version, saved.score_rule  # the form above stays saveable
                await redraw()

        ui.button(_("Enregistrer la règle"), on_click=save).props("no-caps").mark("save-rule")


def _new_criterion(view: GridView, actor: Actor, redraw: Redraw) -> None:
    with ui.element("fieldset").classes("border p-2 my-2").mark("criterion-new"):
        Text(_("Nouveau critère"), "legend").classes("font-bold")
        summary = ErrorSummary("criterion-error-new")
        with ui.row().classes("items-end gap-2"):
            fields = _inputs(None, False, False)

        async def add() -> None:
            data = _data(fields)
            if await _run(summary, fields, lambda s: add_criterion(
                s, actor=actor, program_id=view.program_id, data=data
            )) is not None:  # fmt: skip
                await redraw()

        ui.button(_("Ajouter le critère"), on_click=add).props("no-caps").mark("add-criterion")


async def _read(actor: Actor, program_id: int) -> GridView | DomainError:
    try:
        return await in_transaction(lambda s: grid_view(s, actor=actor, program_id=program_id))
    except DomainError as error:
        return error


async def grid_section(actor: Actor, program: Program) -> None:
    """Draw the section under the programme's form (an existing programme only), and redraw it after each action."""
    if program.id is None:
        return
    program_id = program.id
    shown = {"view": await _read(actor, program_id)}

    @ui.refreshable
    def content() -> None:
        view = shown["view"]
        if isinstance(view, DomainError):
            paragraph(view.translate(_)).classes("text-negative").props('role="alert"')
            return
        _rule(view, program, actor, redraw)
        if not view.criteria:
            paragraph(_("Aucun critère : la formation n'est pas notée.")).mark("no-criterion")
        for criterion in view.criteria:
            _criterion(view, criterion, actor, redraw)
        if view.editable:
            _new_criterion(view, actor, redraw)

    async def redraw() -> None:
        shown["view"] = await _read(actor, program_id)
        content.refresh()
        say(status, _("Grille d'évaluation enregistrée."))

    with ui.element("section").mark("grid-section"):
        heading(_("Grille d'évaluation"), 2)
        paragraph(
            _(
                "Chaque membre de la commission note chaque critère ; son total est ramené sur 20 selon les "
                "coefficients, puis les totaux des membres sont combinés selon la règle choisie. Un critère déjà noté "
                "garde son barème : désactivez-le plutôt que de le supprimer."
            )
        ).classes("text-sm")
        status = notice()
        content()
