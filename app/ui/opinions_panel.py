"""« Avis des commissions » on the staff application page: each examining committee's opinion with who entered it
and when, what is still awaited, and the reader's own committee's form when they may enter its opinion.

Drawn by the decision panel from the view it read in a worker thread (``DecisionPanelView.opinions``); the page
redraws every section from the committed change's event, and what was typed is kept by the page's ``Drafts``.
Every check is in ``app.services.decisions.opinions``; the form is only offered to whom the service would let save.
"""

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.models import OpinionKind
from app.services.decisions import OPINION_LABELS, OpinionLine, OpinionsView, enter_opinion
from app.services.platform import Actor, DomainError
from app.ui.dates import format_moment
from app.ui.drafts import Drafts
from app.ui.text import Text, heading, live_paragraph, paragraph, static_block, tag, text_tag


def _table(lines: list[OpinionLine]) -> str:
    headers = (_("Commission"), _("Rôle"), _("Avis"), _("Commentaire"), _("Saisi par"))
    head = tag("thead", tag("tr", "".join(text_tag("th", header, scope="col") for header in headers)))
    rows = []
    for line in lines:
        role = line.role + (" " + _("(avis requis)") if line.required else "")
        role += " " + _("(commission finale)") if line.is_final else ""
        opinion = _(OPINION_LABELS[line.opinion]) if line.opinion else _("En attente")
        author = (
            _("{name}, le {date}").format(name=line.entered_by or "—", date=format_moment(line.entered_at))
            if line.entered_at
            else "—"
        )
        cells = (line.committee, role, opinion, line.comment or "—", author)
        rows.append(tag("tr", "".join(text_tag("td", cell) for cell in cells), data_mark="opinion-line"))
    return tag("div", tag("table", head + tag("tbody", "".join(rows)), class_="ec-table"), class_="overflow-x-auto")


def _notes(view: OpinionsView) -> str:
    notes = []
    if view.closed:
        notes.append(_("Une décision est publiée : les avis des commissions ne changent plus."))
    elif view.missing:
        notes.append(_("Avis requis manquants : {committees}.").format(committees=", ".join(view.missing)))
        if view.final_committee:
            notes.append(
                _("La commission finale ({committee}) peut saisir la décision sans attendre ces avis.").format(
                    committee=view.final_committee
                )
            )
    return "".join(text_tag("p", note, data_mark="opinions-note") for note in notes)


def _save_now(actor: Actor, application_id: int, opinion: str, comment: str, version: int) -> None:
    with transaction() as session:
        enter_opinion(
            session,
            actor=actor,
            application_id=application_id,
            opinion=opinion,
            comment=comment,
            expected_version=version,
        )


def _form(application_id: int, actor: Actor, line: OpinionLine, drafts: Drafts) -> None:
    heading(_("Avis de votre commission ({committee})").format(committee=line.committee), 3)
    choices = {kind.value: _(label) for kind, label in OPINION_LABELS.items()}
    with ui.element("fieldset").classes("border-0 p-0 m-0"):  # the three choices, named as a group
        Text(_("Avis de la commission"), "legend").classes("font-bold")
        opinion = drafts.keep(ui.radio(choices, value=line.opinion.value if line.opinion else None), "opinion-choice")
        opinion.props("inline").mark("opinion-choice")
    comment = drafts.keep(ui.textarea(_("Commentaire de l'avis"), value=line.comment), "opinion-comment")
    comment.props("outlined maxlength=2000").classes("w-full").mark("opinion-comment")
    error = live_paragraph("opinion-error", alert=True)

    async def save() -> None:
        error.text = ""
        if opinion.value not in {kind.value for kind in OpinionKind}:
            error.text = _("Choisissez un avis : favorable, réservé ou défavorable.")
            return
        button.disable()  # a double click saves once
        try:
            await run.io_bound(_save_now, actor, application_id, opinion.value, comment.value or "", line.version)
        except DomainError as exc:
            error.text = exc.translate(_)
            button.enable()
            return
        drafts.forget("opinion-choice", "opinion-comment")
        ui.notify(_("Avis enregistré."), type="positive")  # the page redraws from the committed change's event
        button.enable()

    button = ui.button(_("Enregistrer l'avis"), on_click=save).props("color=primary no-caps").mark("opinion-save")


def draw_opinions(application_id: int, actor: Actor, view: OpinionsView | None, drafts: Drafts) -> None:
    """The section, when the application's programme has examining committees."""
    if view is None or not view.lines:
        return
    with ui.element("section").mark("opinions"):
        heading(_("Avis des commissions"), 2)
        static_block(_table(view.lines) + _notes(view))
        own = next((line for line in view.lines if line.committee_id == view.own_committee_id), None)
        if own is not None and view.may_enter:
            _form(application_id, actor, own, drafts)
        elif own is not None and not view.closed:
            paragraph(_("Votre rôle permet de consulter ces avis, pas de les saisir.")).mark("opinion-read-only")
