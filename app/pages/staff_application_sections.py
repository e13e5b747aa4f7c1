"""The sections of the staff application page: dossier, pieces, status, questions, notes, tags, decisions, dates,
processing type, history. Each action calls one ``staff_review`` service in its own transaction, in a worker thread
(never on the event loop). The page does not redraw after its own actions: every committed change of the
application, this page's or anyone else's, announces itself (app.services.platform.notifications) and the page redraws
every section from that one event. What the reader typed or opened and has not saved is kept across those redraws
(``Drafts``); a form's drafts are forgotten once it is saved."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from nicegui import run, ui

from app import clock
from app.db import transaction
from app.i18n import N_, _, ngettext
from app.models import DocumentStatus, DossierStatus, ProcessingType
from app.pages.dossier import RENDERERS
from app.services.decisions import DecisionPanelView
from app.services.platform import Actor, DomainError
from app.services.review import DOSSIER_STATUS_LABELS, PIECE_STATUS_LABELS, PROCESSING_LABELS
from app.services.review import staff_view as staff_review
from app.ui.audit_labels import describe
from app.ui.candidate_nav import DOSSIER_TABS
from app.ui.dates import UnreadableDay, day_input, format_day, format_moment, parse_typed_day
from app.ui.decision_panel import draw_decision_panel
from app.ui.drafts import Drafts
from app.ui.text import heading, list_item, paragraph, static_block, tag, text_tag

View = staff_review.StaffApplicationView
Runner = Callable[..., Awaitable[bool]]

TRANSITION_BUTTONS = {
    DossierStatus.RECEIVED: N_("Réceptionner"),
    DossierStatus.INCOMPLETE: N_("Marquer incomplet"),
    DossierStatus.COMPLETE: N_("Marquer complet"),
    DossierStatus.PENDING: N_("Remettre en attente"),
}


def _error_label(marker: str) -> ui.label:
    label = ui.label("").classes("text-negative").mark(marker)
    label.props["role"] = "alert"
    label.set_visibility(False)
    return label


def _in_transaction(service: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    with transaction() as session:
        service(session, **kwargs)


def _runner(error: ui.label, drafts: Drafts, *saved: str) -> Runner:
    """Run one service call in its own transaction, in a worker thread; show its refusal in ``error``. On success
    the form's drafts (keys ``saved``) are forgotten, and the committed change's event redraws the page. The
    arguments are read from the fields before, on the event loop."""

    async def act(service: Callable[..., Any], **kwargs: Any) -> bool:
        try:
            await run.io_bound(_in_transaction, service, kwargs)
        except DomainError as refusal:
            error.set_text(refusal.translate(_))
            error.set_visibility(True)
            return False
        error.set_visibility(False)
        drafts.forget(*saved)
        return True

    return act


def draw(view: View, panel: DecisionPanelView | None, *, actor: Actor, editable: bool, drafts: Drafts) -> None:
    """Draw every section from ``view`` and ``panel``, read beforehand in a worker thread."""
    _dossier(view, actor, drafts)
    _pieces(view, actor, editable, drafts)
    _status(view, actor, editable, drafts)
    _questions(view)
    _notes(view, actor, drafts)
    _tags(view, actor, editable, drafts)
    _decisions(view)
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


def _pieces(view: View, actor: Actor, editable: bool, drafts: Drafts) -> None:
    with ui.element("section").mark("pieces"):
        heading(_("Pièces"), 2)
        if not view.pieces:
            paragraph(_("Aucune pièce n'est demandée pour cette candidature."))
        # One viewer, moved into the card of the piece shown: the piece is read beside its status and review.
        viewer = ui.element("iframe").classes("w-full mt-2").style("height: 70vh; border: 1px solid #ccc")
        viewer.mark("viewer")
        viewer.props["title"] = _("Aperçu de la pièce")
        shown = drafts.get("viewer")  # the piece being read stays open when the page redraws
        if shown:
            viewer.props["src"] = shown
        viewer.set_visibility(False)
        reviews: dict[int, Callable[..., Awaitable[bool]] | None] = {}  # each piece's review, for the dialog
        with ui.dialog() as dialog, ui.card().classes("w-full max-w-lg"):
            heading(_("Refuser la pièce"), 3)
            comment = ui.textarea(_("Motif du refus (lu par le candidat) *")).props("outlined autofocus")
            comment.classes("w-full").mark("refuse-comment")
            dialog_error = _error_label("refuse-error")

            def typed(event: Any) -> None:
                if drafts.get("refusing") is not None:
                    drafts.set(f"refuse-{drafts.get('refusing')}", event.value)

            comment.on_value_change(typed)
            # Closed by any means (Annuler, Escape, a click outside): not reopened by the next redraw.
            dialog.on_value_change(lambda event: None if event.value else drafts.forget("refusing"))

            async def submit() -> None:
                if not (comment.value or "").strip():
                    dialog_error.set_text(_(staff_review.COMMENT_REQUIRED))
                    dialog_error.set_visibility(True)
                    return
                piece_id = drafts.get("refusing")
                review = reviews.get(piece_id)
                dialog.close()
                if review is not None and await review(DocumentStatus.REFUSED, comment.value or ""):
                    drafts.forget(f"refuse-{piece_id}")

            with ui.row():
                ui.button(_("Refuser la pièce"), on_click=submit).props("no-caps color=negative").mark("refuse-confirm")
                ui.button(_("Annuler"), on_click=dialog.close).props("flat no-caps").mark("refuse-cancel")

        def ask_refusal(piece: staff_review.StaffPiece) -> None:
            drafts.set("refusing", piece.submitted_document_id)
            comment.value = drafts.get(f"refuse-{piece.submitted_document_id}", piece.comment)
            dialog_error.set_visibility(False)
            dialog.open()

        cards: dict[int, ui.card] = {}
        for piece in view.pieces:
            reviews[piece.submitted_document_id] = _piece(piece, actor, editable, drafts, viewer, ask_refusal, cards)
        if shown and drafts.get("viewer-piece") in cards:
            viewer.move(cards[drafts.get("viewer-piece")])
            viewer.set_visibility(True)
        refusing = next((p for p in view.pieces if p.submitted_document_id == drafts.get("refusing")), None)
        if refusing is not None and editable:  # the dialog was open when the page redrew
            ask_refusal(refusing)


def _piece(  # type: ignore[no-untyped-def]
    piece: staff_review.StaffPiece,
    actor: Actor,
    editable: bool,
    drafts: Drafts,
    viewer,
    ask_refusal,
    cards: dict[int, ui.card],
) -> Callable[..., Awaitable[bool]] | None:
    from app.pages.staff_application import piece_url

    marker = f"piece-{piece.submitted_document_id}"
    with ui.card().classes("w-full my-2").mark(marker) as card:
        cards[piece.submitted_document_id] = card
        heading(piece.label, 3)
        status = _(PIECE_STATUS_LABELS[piece.status])
        paragraph(_("Statut : {status} (le {date})").format(status=status, date=format_moment(piece.status_at))).mark(
            f"{marker}-status"
        )
        if piece.comment:
            paragraph(_("Commentaire : {comment}").format(comment=piece.comment)).mark(f"{marker}-comment")
        if piece.reviewed_by:
            paragraph(_("Revue par {name}").format(name=piece.reviewed_by))
        if piece.merged_file_id:
            paragraph(
                ngettext(
                    "{count} page ; fichiers : {files}", "{count} pages ; fichiers : {files}", piece.merged_pages
                ).format(count=piece.merged_pages, files=", ".join(piece.file_names) or "—")
            )

            def show(url: str = piece_url(piece.submitted_document_id)) -> None:
                drafts.set("viewer", url)
                drafts.set("viewer-piece", piece.submitted_document_id)
                viewer.move(card)  # at the end of this piece's card, under its review
                viewer.props["src"] = url
                viewer.set_visibility(True)
                viewer.update()
                viewer.run_method("scrollIntoView")

            with ui.row():
                ui.button(_("Afficher"), on_click=show).props("flat no-caps").mark(f"{marker}-show")
                ui.link(_("Télécharger"), piece_url(piece.submitted_document_id, download=True)).mark(
                    f"{marker}-download"
                )
        else:
            paragraph(_("Aucun fichier déposé."))
        if not editable:
            return None
        error = _error_label(f"{marker}-error")
        act = _runner(error, drafts)

        async def review(status: DocumentStatus, text: str = "") -> bool:
            return await act(
                staff_review.review_piece,
                actor=actor,
                submitted_document_id=piece.submitted_document_id,
                status=status,
                comment=text,
                expected_version=piece.version,
            )

        with ui.row():
            ui.button(_("Valider"), on_click=lambda: review(DocumentStatus.VALIDATED)).props("no-caps").mark(
                f"{marker}-validate"
            )
            ui.button(_("Refuser"), on_click=lambda: ask_refusal(piece)).props("no-caps color=negative").mark(
                f"{marker}-refuse"
            )
            ui.button(_("Non concerné"), on_click=lambda: review(DocumentStatus.NOT_APPLICABLE)).props(
                "flat no-caps"
            ).mark(f"{marker}-not-applicable")
    return review


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
        error = _error_label("status-error")
        act = _runner(error, drafts)
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
        error = _error_label("note-error")
        act = _runner(error, drafts, "note-body")
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
        select = drafts.keep(
            ui.select(
                {t.id: t.label for t in view.tags},
                value=[t.id for t in view.tags if t.selected],
                multiple=True,
                label=_("Étiquettes"),
            ),
            "tags",
        )
        select.classes("w-full max-w-lg").mark("tags-select")
        error = _error_label("tags-error")
        act = _runner(error, drafts, "tags")
        ui.button(
            _("Enregistrer les étiquettes"),
            on_click=lambda: act(
                staff_review.set_tags,
                actor=actor,
                application_id=view.application.id or 0,
                tag_ids=list(select.value or []),
            ),
        ).props("no-caps").mark("tags-save")


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
        error = _error_label("dates-error")
        act = _runner(error, drafts, "return-by", "confirmation-by")

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
        select = drafts.keep(
            ui.select(
                {kind: _(label) for kind, label in PROCESSING_LABELS.items()},
                value=application.processing_type,
                label=_("Type de traitement"),
            ),
            "processing",
        )
        select.classes("w-full max-w-lg").mark("processing-select")
        error = _error_label("processing-error")
        act = _runner(error, drafts, "processing")
        ui.button(
            _("Enregistrer le type de traitement"),
            on_click=lambda: act(
                staff_review.set_processing_type,
                actor=actor,
                application_id=application.id or 0,
                processing_type=ProcessingType(select.value),
                expected_version=application.version,
            ),
        ).props("no-caps").mark("processing-save")


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
