"""The « Évaluation » section of the staff application page: the programme's grid, the member's own scores form,
and, for managers, every member's scores and the combined score.

Read with the rest of the page in a worker thread (:func:`load_scoring`); « Enregistrer mes notes » calls
``enter_scores`` in its own transaction, off the event loop. A refused value is named under its input and in the
form's error list (``role=alert``); what was typed is kept across the page's redraws (``Drafts``).
"""

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.services.platform import Actor, DomainError
from app.services.scoring import RULES, CriterionLine, ScoringView, enter_scores, scoring_view
from app.ui.buttons import disabled_while
from app.ui.drafts import Drafts
from app.ui.form_errors import ErrorSummary
from app.ui.guards import read_or_refusal
from app.ui.scores import score_text
from app.ui.session import current_language
from app.ui.tables import captioned_table
from app.ui.text import Text, heading, paragraph


def load_scoring(actor: Actor, application_id: int, lang: str) -> ScoringView | None:
    """The section's data (None: no grid, or outside the scope); runs in a worker thread."""
    found = read_or_refusal(scoring_view, actor=actor, application_id=application_id, lang=lang)
    return None if isinstance(found, DomainError) else found


def _save(actor: Actor, application_id: int, values: dict[int, str | None], lang: str) -> None:
    with transaction() as session:
        enter_scores(session, actor=actor, application_id=application_id, values=values, lang=lang)


def _field_label(line: CriterionLine) -> str:
    return _("{label} (sur {scale}, coefficient {weight})").format(
        label=line.label, scale=line.scale_max, weight=line.weight
    )


def _typed(value: str | None) -> str:
    """A stored value (« 14.5 ») as the reader writes it (« 14,5 » in French)."""
    return score_text(float(value), "") if value else ""


def scoring_section(view: ScoringView | None, application_id: int, actor: Actor, drafts: Drafts) -> None:
    if view is None:
        return
    lang = current_language()
    with ui.element("section").mark("scoring"):
        heading(_("Évaluation"), 2)
        total = score_text(view.own_total, _("grille incomplète"))
        paragraph(_("Votre note : {score} / 20").format(score=total)).mark("own-total")
        if view.may_score:
            _form(view, application_id, actor, drafts, lang)
        elif view.refusal is not None:
            paragraph(view.refusal.translate(_)).mark("scoring-closed")
        if view.sees_all:
            _all_members(view)


def _form(view: ScoringView, application_id: int, actor: Actor, drafts: Drafts, lang: str) -> None:
    summary = ErrorSummary("scoring-error")
    fields = {}
    with ui.element("div").classes("flex flex-wrap gap-4"):
        for line in view.criteria:
            key = f"criterion-{line.criterion_id}"
            field = drafts.keep(ui.input(_field_label(line), value=_typed(view.own.get(line.criterion_id))), key)
            field.props('inputmode="decimal" autocomplete="off"').classes("min-w-[20rem]").mark(f"score-{key}")
            fields[key] = field
    paragraph(_("Notes avec au plus une décimale (par exemple 14,5) ; un champ vidé retire votre note.")).classes(
        "text-sm"
    )

    async def save() -> None:
        summary.clear(fields)
        values = {line.criterion_id: fields[f"criterion-{line.criterion_id}"].value for line in view.criteria}
        with disabled_while(button):  # one click, one save (the service is idempotent too)
            try:
                await run.io_bound(_save, actor, application_id, values, lang)
            except DomainError as error:
                summary.show(fields, error)
                return
        drafts.forget(*fields)
        ui.notify(_("Notes enregistrées."), type="positive")

    button = ui.button(_("Enregistrer mes notes"), on_click=save).props("no-caps").mark("scores-save")


def _all_members(view: ScoringView) -> None:
    """Every other member's scores, then the combined score and its rule (managers only)."""
    combined = score_text(view.combined, _("aucune grille complète"))
    rule = _(RULES.get(view.rule, view.rule))
    paragraph(_("Note combinée : {score} / 20 ({rule})").format(score=combined, rule=rule)).classes("font-bold").mark(
        "combined-score"
    )
    if not view.others:
        paragraph(_("Aucun autre membre n'a noté cette candidature.")).mark("no-other-scores")
        return
    headers = [_("Membre"), *[line.label for line in view.criteria], _("Total sur 20")]
    with captioned_table("member-scores", _("Notes des autres membres"), headers):
        for member in view.others:
            with ui.element("tr"):
                Text(member.name, "th").props('scope="row"')
                for line in view.criteria:
                    Text(_typed(member.values.get(line.criterion_id)) or "—", "td")
                Text(score_text(member.total, _("incomplète")), "td")
