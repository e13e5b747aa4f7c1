"""The sections of the staff application page: dossier, pieces, status, questions, notes, tags, decisions, dates,
processing type, history. Each action calls one ``staff_review`` service in its own transaction, in a worker thread
(never on the event loop). The page does not redraw after its own actions: every committed change of the
application, this page's or anyone else's, announces itself (app.services.platform.notifications) and the page redraws
every section from that one event. What the reader typed or opened and has not saved is kept across those redraws
(``Drafts``); a form's drafts are forgotten once it is saved."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from nicegui import ui

from app import clock
from app.i18n import N_, _
from app.models import DossierStatus, ProcessingType
from app.pages.dossier import RENDERERS
from app.pages.staff_application_actions import Runner, runner
from app.pages.staff_application_pieces import pieces_section
from app.pages.staff_application_scoring import scoring_section
from app.services.applications import DOSSIER_STATUS_LABELS, PROCESSING_LABELS
from app.services.decisions import DecisionPanelView
from app.services.platform import Actor
from app.services.review import staff_view as staff_review
from app.services.scoring import ScoringView
from app.ui.audit_labels import describe
from app.ui.candidate_nav import DOSSIER_TABS
from app.ui.dates import UnreadableDay, day_input, format_day, format_moment, parse_typed_day
from app.ui.decision_panel import draw_decision_panel
from app.ui.drafts import Drafts
from app.ui.offer_admin import alert
from app.ui.text import heading, list_item, paragraph, static_block, tag, text_tag

View = staff_review.StaffApplicationView

TRANSITION_BUTTONS = {
    DossierStatus.RECEIVED: N_("Réceptionner"),
    DossierStatus.INCOMPLETE: N_("Marquer incomplet"),
    DossierStatus.COMPLETE: N_("Marquer complet"),
    DossierStatus.PENDING: N_("Remettre en attente"),
}


def draw(
    view: View,
    panel: DecisionPanelView | None,
    *,
    actor: Actor,
    editable: bool,
    drafts: Drafts,
    scoring: ScoringView | None = None,
) -> None:
    """Draw every section from ``view``, ``panel`` and ``scoring``, read beforehand in a worker thread."""
    _dossier(view, actor, drafts)
    pieces_section(view, actor, editable, drafts)
    _status(view, actor, editable, drafts)
    _questions(view)
    _notes(view, actor, drafts)
    _tags(view, actor, editable, drafts)
    _decisions(view)
    scoring_section(scoring, view.application.id or 0, actor, drafts)  # the grid, before the decision it informs
    # Entering and publishing a decision: the panel checks the role itself (committee members enter only).
    draw_decision_panel(view.application.id or 0, actor, panel, drafts=drafts)
    _dates(view, actor, editable, drafts)
    _processing(view, actor, editable, drafts)
    _history(view)


def _dossier(view: View, actor: Actor, drafts: Drafts) -> None:
    with ui.element("section").mark("dossier"):
        heading(_("Dossier"), 2)
        for tab, render in RENDERERS.items():
            with (
                drafts.keep(ui.expansion(_(DOSSIER_TABS[tab])), f"dossier-{tab}")
                .classes("w-full")
                .mark(f"dossier-{tab}")
            ):
                render(view.dossier, actor=actor, read_only=True)


def _status(view: View, actor: Actor, editable: bool, drafts: Drafts) -> None:
    application = view.application
    with ui.element("section").mark("status"):
        heading(_("Statut du dossier"), 2)
        paragraph(
            _("{status}, depuis le {date}").format(
                status=_(DOSSIER_STATUS_LABELS[application.dossier_status]),
                date=format_moment(application.dossier_status_at),
            )
        ).mark("status-current")
        if application.received_at:
            paragraph(_("Réceptionné le {date}").format(date=format_moment(application.received_at)))
        if application.complete_at:
            paragraph(_("Complet le {date}").format(date=format_moment(application.complete_at)))
        if not editable:
            return
        error = alert("status-error")
        act = runner(error, drafts)
        with ui.row():
            for target in view.transitions:
                ui.button(
                    _(TRANSITION_BUTTONS[target]),
                    on_click=lambda t=target: act(
                        staff_review.set_dossier_status,
                        actor=actor,
                        application_id=application.id or 0,
                        status=t,
                        expected_version=application.version,
                    ),
                ).props("no-caps").mark(f"status-{target.value}")


def _questions(view: View) -> None:
    with ui.element("section").mark("questions"):
        heading(_("Questions"), 2)
        if not view.answers:
            paragraph(_("Aucune question pour cette formation."))
            return
        with ui.element("ul").classes("ec-bullets"):
            for answer in view.answers:
                value = {"yes": _("Oui"), "no": _("Non"), None: _("Sans réponse")}.get(answer.value, answer.value)
                list_item(f"{answer.label} — {value}")


def _notes(view: View, actor: Actor, drafts: Drafts) -> None:
    with ui.element("section").mark("notes"):
        heading(_("Post-it"), 2)
        error = alert("note-error")
        act = runner(error, drafts, "note-body")
        for note in view.notes:
            with ui.card().classes("w-full my-1 bg-yellow-1"):
                paragraph(note.body)
                paragraph(_("{author}, le {date}").format(author=note.author, date=format_moment(note.created_at)))
                if note.own and view.can_write:
                    ui.button(
                        _("Supprimer"),
                        on_click=lambda n=note.id: act(staff_review.delete_note, actor=actor, note_id=n),
                    ).props("flat dense no-caps").mark(f"note-delete-{note.id}")
        if view.can_write:
            body = drafts.keep(ui.textarea(_("Nouveau post-it")), "note-body")
            body.props("outlined").classes("w-full max-w-lg").mark("note-body")
            ui.button(
                _("Ajouter le post-it"),
                on_click=lambda: act(
                    staff_review.add_note, actor=actor, application_id=view.application.id or 0, body=body.value or ""
                ),
            ).props("no-caps").mark("note-add")


def _tags(view: View, actor: Actor, editable: bool, drafts: Drafts) -> None:
    with ui.element("section").mark("tags"):
        heading(_("Étiquettes"), 2)
        chosen = [t.label for t in view.tags if t.selected]
        paragraph(", ".join(chosen) if chosen else _("Aucune étiquette.")).mark("tags-current")
        if not editable or not view.tags:
            return
        select = ui.select(
            {t.id: t.label for t in view.tags},
            value=[t.id for t in view.tags if t.selected],
            multiple=True,
            label=_("Étiquettes"),
        )
        _saved_choice(
            "tags",
            select,
            _("Enregistrer les étiquettes"),
            drafts,
            lambda act: act(
                staff_review.set_tags,
                actor=actor,
                application_id=view.application.id or 0,
                tag_ids=list(select.value or []),
            ),
        )


def _decisions(view: View) -> None:
    """Every decision, newest first, published or not: text only, one block."""
    items = []
    for d in view.decisions:
        parts = [d.label]
        if d.rank:
            parts.append(_("rang {rank}").format(rank=d.rank))
        if d.reason:
            parts.append(d.reason)
        if d.comment:
            parts.append(d.comment)
        parts.append(_("saisie par {name} le {date}").format(name=d.entered_by, date=format_moment(d.entered_at)))
        if d.published_at:
            parts.append(
                _("validée par {name} le {date}").format(name=d.published_by, date=format_moment(d.published_at))
            )
        else:
            parts.append(_("non validée"))
        items.append(text_tag("li", " — ".join(parts)))
    listing = (
        tag("ul", "".join(items), class_="ec-bullets", data_mark="decisions-list")
        if items
        else text_tag("p", _("Aucune décision pour l'instant."), data_mark="no-decision")
    )
    static_block(text_tag("h2", _("Décisions")) + listing, "section").mark("decisions")


def _parse_day(text: str | None) -> Any:
    """A day typed as jj/mm/aaaa → the end of that day in Paris, as UTC; empty → None; UnreadableDay otherwise."""
    day = parse_typed_day(text)
    return None if day is None else clock.paris_datetime(day.year, day.month, day.day, 23, 59, 59)


def _dates(view: View, actor: Actor, editable: bool, drafts: Drafts) -> None:
    application = view.application
    with ui.element("section").mark("dates"):
        heading(_("Dates"), 2)
        for label, moment in (
            (_("Date limite de retour"), view.return_by),
            (_("Date de confirmation"), view.confirmation_by),
        ):
            paragraph(_("{label} : {value}").format(label=label, value=format_day(moment) if moment else "—"))
        if not editable:
            return

        def day(moment: Any) -> date | None:
            return clock.paris(moment).date() if moment else None

        return_by = drafts.keep(
            day_input(_("Retour propre à ce candidat (jj/mm/aaaa)"), day(application.return_by_override)), "return-by"
        )
        return_by.props("outlined").mark("return-by")
        confirm_by = drafts.keep(
            day_input(_("Confirmation propre à ce candidat (jj/mm/aaaa)"), day(application.confirmation_by_override)),
            "confirmation-by",
        )
        confirm_by.props("outlined").mark("confirmation-by")
        error = alert("dates-error")
        act = runner(error, drafts, "return-by", "confirmation-by")

        async def save() -> None:
            try:
                values = _parse_day(return_by.value), _parse_day(confirm_by.value)
            except UnreadableDay as unreadable:
                error.set_text(_(unreadable.message).format(value=unreadable.value))
                error.set_visibility(True)
                return
            await act(
                staff_review.set_candidate_dates,
                actor=actor,
                application_id=application.id or 0,
                return_by_override=values[0],
                confirmation_by_override=values[1],
                expected_version=application.version,
            )

        ui.button(_("Enregistrer les dates"), on_click=save).props("no-caps").mark("dates-save")


def _processing(view: View, actor: Actor, editable: bool, drafts: Drafts) -> None:
    application = view.application
    with ui.element("section").mark("processing"):
        heading(_("Type de traitement"), 2)
        paragraph(_(PROCESSING_LABELS[application.processing_type])).mark("processing-current")
        if not editable:
            return
        select = ui.select(
            {kind: _(label) for kind, label in PROCESSING_LABELS.items()},
            value=application.processing_type,
            label=_("Type de traitement"),
        )
        _saved_choice(
            "processing",
            select,
            _("Enregistrer le type de traitement"),
            drafts,
            lambda act: act(
                staff_review.set_processing_type,
                actor=actor,
                application_id=application.id or 0,
                processing_type=ProcessingType(select.value),
                expected_version=application.version,
            ),
        )


def _saved_choice(
    name: str, select: ui.select, button: str, drafts: Drafts, save: Callable[[Runner], Awaitable[bool]]
) -> None:
    """A choice kept across redraws (draft ``name``), its error line, and the button that saves it."""
    drafts.keep(select, name).classes("w-full max-w-lg").mark(f"{name}-select")
    act = runner(alert(f"{name}-error"), drafts, name)
    ui.button(button, on_click=lambda: save(act)).props("no-caps").mark(f"{name}-save")


def _history(view: View) -> None:
    with ui.element("section").mark("history"):
        heading(_("Historique"), 2)
        entries = [describe(line) for line in view.history]
        rows = [
            {"id": index, "at": entry.at, "event": entry.sentence, "details": "\n".join(entry.details)}
            for index, entry in enumerate(entries)
        ]
        columns = [
            {"name": "at", "label": _("Date"), "field": "at", "align": "left"},
            {"name": "event", "label": _("Événement"), "field": "event", "align": "left"},
            {
                "name": "details",
                "label": _("Détail"),
                "field": "details",
                "align": "left",
                "style": "white-space: pre-line",  # one changed value per line
            },
        ]
        ui.table(columns=columns, rows=rows, row_key="id", pagination=20).props("flat dense wrap-cells").classes(
            "w-full"
        ).mark("history-table")
