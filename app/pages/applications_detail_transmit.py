"""The parts of an opened application's page that change the dossier: « Statut » with its « Non concerné »,
« Transmettre » (or what is left before it), the questions."""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.models import QuestionKind
from app.pages.applications_detail_html import piece_item_html, pieces_head_html, pieces_html
from app.pages.applications_detail_load import PageActions, PageData, act
from app.pages.candidate_home import MANDATORY
from app.services.applications import (
    ApplicationDetail,
    PieceView,
    QuestionView,
    Readiness,
    answer_question,
    transmit_application,
)
from app.services.documents import pieces as documents
from app.services.platform import Actor, DomainError
from app.ui.candidate_nav import dossier_path
from app.ui.text import Text, esc, link_tag, live_paragraph, static_block, tag, text_tag

Redraw = Callable[[], Awaitable[None]]


def _answerable(data: PageData, piece: PieceView) -> bool:
    """A missing conditional piece the candidate may answer « Non concerné » now (no file, still editable)."""
    loaded = data.pieces.get(piece.id)
    return piece.is_missing and loaded is not None and loaded.is_conditional and loaded.editable and not loaded.files


def pieces_section(actor: Actor, data: PageData, page: PageActions) -> None:
    """« Statut »: the pieces and their status, one HTML block; a missing conditional piece gets its « Non concerné »
    right beside it in the list (then each piece is an item of its own)."""
    detail = data.detail
    answerable = [piece for piece in detail.pieces if not actor.read_only and _answerable(data, piece)]
    if not answerable:
        static_block(pieces_html(detail), "section").mark("pieces")
        return
    awaiting = detail.summary.awaiting_transmission
    with ui.element("section").mark("pieces"):
        static_block(pieces_head_html(detail))
        with ui.element("ul").classes("ec-bullets"):
            for piece in detail.pieces:
                inner = tag("span", piece_item_html(piece, awaiting), data_mark=f"piece-{piece.required_document_id}")
                if piece not in answerable:
                    static_block(inner, "li")
                    continue
                with ui.element("li"):
                    static_block(inner + " ", "span")
                    _not_applicable_button(actor, piece.id, piece.label, page, "missing-not-applicable")


def _transmit_now(actor: Actor, application_id: int) -> None:
    with transaction() as session:
        transmit_application(session, actor=actor, application_id=application_id)


def _not_applicable_now(actor: Actor, submitted_document_id: int) -> None:
    with transaction() as session:
        documents.mark_not_applicable(session, actor=actor, submitted_document_id=submitted_document_id)


def _left_to_do(actor: Actor, readiness: Readiness, page: PageActions) -> None:
    """What is left before « Transmettre », one item each: dossier sections (linked to their tab), missing pieces
    (a conditional one with its « Non concerné » button right there), unanswered questions."""
    with ui.element("ul").classes("ec-bullets").mark("transmit-left"):
        for section, tab, title in MANDATORY:
            if section in readiness.incomplete_sections:
                item = esc(_("Dossier à compléter : {section}")).format(section=link_tag(_(title), dossier_path(tab)))
                static_block(tag("span", item, data_mark=f"left-section-{section}"), "li")
        for piece in readiness.pieces_left:
            if not (piece.is_conditional and piece.submitted_document_id is not None):
                static_block(text_tag("span", _("Pièce à déposer : {piece}").format(piece=piece.label)), "li")
                continue
            with ui.element("li"):
                static_block(
                    text_tag("span", _("Pièce à déposer si vous êtes concerné : {piece}").format(piece=piece.label))
                    + " ",
                    "span",
                )
                _not_applicable_button(actor, piece.submitted_document_id, piece.label, page)
        for question in readiness.unanswered_questions:
            static_block(text_tag("span", _("Question sans réponse : {question}").format(question=question)), "li")


def _not_applicable_button(
    actor: Actor, submitted_document_id: int, label: str, page: PageActions, mark: str = "not-applicable"
) -> None:
    async def not_concerned() -> None:
        # The piece's card, the list of pieces and what is left all change: the page is redrawn.
        done = _("« {piece} » : vous n'êtes pas concerné, la pièce n'est plus demandée.").format(piece=label)
        await act(page, button, _not_applicable_now, actor, submitted_document_id, done=done)

    button = ui.button(_("Non concerné"), on_click=not_concerned).props("outline dense no-caps")
    button.mark(f"{mark}-{submitted_document_id}")
    # Starts with the visible text (WCAG 2.5.3), names the piece (several such buttons may follow each other).
    button._props["aria-label"] = _("Non concerné : {piece}").format(piece=label)  # set directly: quotes


def transmit_section(actor: Actor, application_id: int, readiness: Readiness, page: PageActions) -> None:
    """« Transmettre »: the button, or what still blocks it. While the candidate has something left to do, the
    button is shown disabled and described by the list of what is left."""
    heading_html = text_tag("h2", _("Transmettre"))
    if not readiness.ready and not readiness.left_to_do:
        assert readiness.refusal is not None
        static_block(heading_html + text_tag("p", readiness.refusal.translate(_), data_mark="transmit-blocked"))
        return
    if not readiness.ready:
        why = _(
            "Le bouton « Transmettre ma candidature » est désactivé tant qu'il reste quelque chose à faire. Il reste :"
        )
        static_block(heading_html + text_tag("p", why, id="transmit-why", data_mark="transmit-blocked"))
        _left_to_do(actor, readiness, page)
        button = ui.button(_("Transmettre ma candidature")).props("color=primary").mark("transmit-disabled")
        button.props["aria-describedby"] = "transmit-why"
        button.disable()
        return
    static_block(
        heading_html
        + text_tag(
            "p",
            _(
                "Toutes les pièces sont déposées. Une fois transmise, votre candidature ne peut plus être modifiée "
                "tant que la composante ne l'a pas examinée."
            ),
        )
    )

    async def transmit() -> None:
        # The server refuses a second transmission anyway; once received, no more uploads, no « Transmettre ».
        done = _("Votre candidature a été transmise. Un accusé de réception vous est envoyé par mail.")
        await act(page, button, _transmit_now, actor, application_id, done=done)

    button = ui.button(_("Transmettre ma candidature"), on_click=transmit).props("color=primary")
    button.mark("transmit-application")


def _save_answer(actor: Actor, application_id: int, question_id: int, value: Any) -> None:
    with transaction() as session:
        answer_question(session, actor=actor, application_id=application_id, question_id=question_id, value=value)


def _question(
    actor: Actor, detail: ApplicationDetail, question: QuestionView, writable: bool, on_saved: Redraw
) -> None:
    with ui.element("fieldset").classes("ec-program").mark(f"question-{question.id}"):
        Text(question.label + ("" if question.is_mandatory else " " + _("(facultatif)")), "legend")
        if question.kind == QuestionKind.YES_NO:
            field = ui.radio({True: _("Oui"), False: _("Non")}, value=question.bool_value).props("inline")
        else:
            field = ui.textarea(_("Votre réponse"), value=question.text_value or "").props(
                f"outlined maxlength={question.max_length} counter"
            )
            field.classes("w-full")
        field.mark(f"answer-{question.id}")
        if not writable:
            field.disable()
            return
        message = live_paragraph(f"answer-message-{question.id}", alert=True)

        async def save() -> None:
            try:
                await run.io_bound(_save_answer, actor, detail.summary.id, question.id, field.value)
            except DomainError as error:
                message.text = error.translate(_)
                return
            message.text = ""
            ui.notify(_("Réponse enregistrée."), type="positive")
            await on_saved()

        button = ui.button(_("Enregistrer"), on_click=save).props("outline").mark(f"save-{question.id}")
        button.props["aria-label"] = _("Enregistrer la réponse : {question}").format(question=question.label)


def questions_section(actor: Actor, detail: ApplicationDetail, on_saved: Redraw) -> None:
    if not detail.questions:
        return
    with ui.element("section").mark("questions"):
        writable = detail.can_answer and not actor.read_only
        heading = text_tag("h2", _("Questions"))
        if not detail.can_answer:
            heading += text_tag("p", _("Les réponses ne peuvent plus être modifiées."))
        static_block(heading)
        for question in detail.questions:
            _question(actor, detail, question, writable, on_saved)
