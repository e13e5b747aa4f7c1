"""The « Pièces » section of the staff application page: each piece's card (status, files, review buttons), one
viewer moved into the card of the piece being read, and the dialog that asks why a piece is refused."""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from app.i18n import _, ngettext
from app.models import DocumentStatus
from app.pages.staff_application_actions import runner
from app.services.applications import PIECE_STATUS_LABELS
from app.services.platform import Actor
from app.services.review import staff_view as staff_review
from app.ui import routes
from app.ui.dates import format_moment
from app.ui.drafts import Drafts
from app.ui.offer_admin import alert
from app.ui.text import heading, paragraph

View = staff_review.StaffApplicationView

PIECE_PATH = routes.STAFF_PIECE_PDF  # the route is in staff_application


def piece_url(submitted_document_id: int, *, download: bool = False) -> str:
    url = PIECE_PATH.format(submitted_document_id=submitted_document_id)
    return url + "?telecharger=1" if download else url


def pieces_section(view: View, actor: Actor, editable: bool, drafts: Drafts) -> None:
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
            dialog_error = alert("refuse-error")

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
        _files(piece, marker, card, drafts, viewer)
        if not editable:
            return None
        error = alert(f"{marker}-error")
        act = runner(error, drafts)

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


def _files(piece: staff_review.StaffPiece, marker: str, card: ui.card, drafts: Drafts, viewer: ui.element) -> None:
    """The piece's merged file: its pages and source files, shown in the viewer or downloaded."""
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
            ui.link(_("Télécharger"), piece_url(piece.submitted_document_id, download=True)).mark(f"{marker}-download")
    else:
        paragraph(_("Aucun fichier déposé."))
