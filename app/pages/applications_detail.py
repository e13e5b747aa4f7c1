"""An opened application: the guide's « Informations détaillées », « Statut », questions, decision, « Annuler ».

Everything the page shows is read in one worker thread (``load_page``), then drawn: what only informs as escaped
HTML blocks, what acts (uploads, answers, « Transmettre », « Confirmer », « Se désister », « Annuler ») as
elements. Dialogs are built when their button is first pressed. A committed change of the application (a manager,
another tab) redraws the page from a new load.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import run, ui

from app.db import new_session, transaction
from app.i18n import _, ngettext, use_language
from app.models import AnswerKind, Procedure, QuestionKind
from app.pages.applications import (
    LIST_PATH,
    answer_text,
    deadline_html,
    deadlines_html,
    decision_html,
    follow_candidate,
    status_text,
)
from app.pages.candidate_home import MANDATORY
from app.pages.dossier_download import dossier_url
from app.pages.letter_download import letter_url
from app.services.applications import (
    ApplicationDetail,
    ApplicationSummary,
    PieceView,
    QuestionView,
    Readiness,
    answer_question,
    cancel_application,
    read_my_application,
    transmission_readiness,
    transmit_application,
)
from app.services.decisions import AnswerView, answer_view, confirm_offer, letter_available, withdraw
from app.services.documents import pieces as documents
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.candidate_nav import candidate_nav, dossier_path
from app.ui.dates import format_day, format_moment
from app.ui.frame import frame
from app.ui.guards import require_candidate
from app.ui.page import page
from app.ui.piece_upload import PieceWidget, piece_upload
from app.ui.session import current_language
from app.ui.statuses import piece_look, status_html
from app.ui.text import Text, esc, link_tag, paragraph, static_block, tag, text_tag

Redraw = Callable[[], Awaitable[None]]


@dataclass
class PageData:
    """What the page shows, read in one session."""

    detail: ApplicationDetail
    answer: AnswerView | None
    has_letter: bool
    readiness: Readiness | None  # only while « Transmettre » can be shown
    pieces: dict[int, documents.Piece] = field(default_factory=dict)  # the upload widgets' pieces, by id

    @property
    def editable(self) -> bool:
        return self.detail.summary.editable


def load_page(actor: Actor, application_id: int, lang: str) -> PageData | None:
    """Blocking. None when the application is another candidate's, cancelled or nonexistent (told the same way).

    The application's rows are read once: its pieces' cards and what « Transmettre » waits for are drawn from the
    ones ``read_my_application`` read."""
    with use_language(lang), new_session() as session:
        try:
            detail, rows = read_my_application(session, actor=actor, application_id=application_id, lang=lang)
        except DomainError:
            return None
        try:
            answer = answer_view(session, actor=actor, application_id=application_id)
        except DomainError:
            answer = None
        has_letter = detail.summary.decision is not None and letter_available(
            session, actor=actor, application_id=application_id
        )
        data = PageData(detail, answer, has_letter, None)
        online = detail.summary.procedure == Procedure.ONLINE
        if online and not actor.read_only:
            data.pieces = documents.list_pieces(
                session, actor=actor, application_id=application_id, lang=lang, rows=rows
            )
            if data.editable:
                data.readiness = transmission_readiness(
                    session, actor=actor, application_id=application_id, lang=lang, rows=rows
                )
        return data


def _load_readiness(actor: Actor, application_id: int, lang: str) -> Readiness:
    with use_language(lang), new_session() as session:
        return transmission_readiness(session, actor=actor, application_id=application_id, lang=lang)


def _information_html(detail: ApplicationDetail) -> str:
    summary = detail.summary
    parts = [
        text_tag("h2", _("Informations détaillées")),
        text_tag(
            "p", summary.centre_label + " · " + _("Code : {code}").format(code=summary.program_code), class_="ec-muted"
        ),
        _program_link_html(detail),
        text_tag("p", status_text(summary.dossier_status), class_="font-bold", data_mark="dossier-status"),
        text_tag(
            "p", _("Depuis le {moment}").format(moment=format_moment(summary.dossier_status_at)), class_="ec-muted"
        ),
        text_tag("p", _("Candidature créée le {moment}").format(moment=format_moment(summary.created_at))),
    ]
    if summary.transmitted_at:
        parts.append(
            text_tag("p", _("Dossier transmis le {moment}").format(moment=format_moment(summary.transmitted_at)))
        )
    parts.append(deadlines_html(summary, "date"))
    if detail.jury_on:
        parts.append(text_tag("p", _("Jury : {day}").format(day=format_day(detail.jury_on))))
    if detail.publication_on:
        parts.append(
            text_tag("p", _("Publication des résultats : {day}").format(day=format_day(detail.publication_on)))
        )
    if summary.procedure == Procedure.PAPER:
        parts.append(
            text_tag(
                "p",
                _(
                    "Procédure papier : téléchargez votre dossier et envoyez-le avec les pièces justificatives, par "
                    "voie postale, avant la date de retour (le cachet de la poste faisant foi), à :"
                ),
            )
        )
        parts.append(
            text_tag("p", " / ".join([detail.committee_name, *detail.committee_address]), data_mark="postal-address")
        )
    parts.append(
        text_tag("p", _("Contact : {name} ({email})").format(name=detail.committee_name, email=detail.committee_email))
    )
    # The dossier's own action, apart from the programme's page: a file, downloaded.
    download = link_tag(
        _("Télécharger mon dossier (PDF)"),
        dossier_url(summary.id),
        download="",
        aria_label=_("Télécharger mon dossier (PDF) : {label}").format(label=summary.program_label),
        data_mark="download-dossier",
    )
    parts.append(tag("p", download, class_="mt-4"))
    return "".join(parts)


def _program_link_html(detail: ApplicationDetail) -> str:
    """« Voir la formation », with the programme it is about (not beside the dossier's download, a different thing:
    the programme's own site, named as the offer names it)."""
    if not detail.info_url:
        return ""
    label = detail.summary.program_label
    return tag(
        "p",
        link_tag(
            _("Voir la formation"),
            detail.info_url,
            aria_label=_("Voir la formation : {label}").format(label=label),
            data_mark="program-info",
        ),
    )


def _pieces_head_html(detail: ApplicationDetail) -> str:
    parts = [text_tag("h2", _("Statut"))]
    if not detail.pieces:
        parts.append(text_tag("p", _("Aucune pièce justificative n'est demandée pour cette formation.")))
        return "".join(parts)
    missing = [piece for piece in detail.pieces if piece.is_missing]
    parts.append(
        text_tag(
            "p",
            _("Pièces manquantes : {n} (celles dont le statut est « En attente » ou « Refusée »).").format(
                n=len(missing)
            ),
            data_mark="missing-count",
        )
    )
    return "".join(parts)


def _piece_item_html(piece: PieceView, awaiting: bool) -> str:
    # The status is written out; the colour only repeats it.
    inner = text_tag("span", piece.label) + text_tag("span", " — ")
    inner += status_html(piece_look(piece.status, awaiting))
    if piece.is_conditional:
        inner += text_tag("span", " " + _("(si vous êtes concerné)"), class_="ec-muted")
    if piece.comment:
        inner += text_tag("span", " — " + _("Motif : {reason}").format(reason=piece.comment))
    return inner


def _pieces_html(detail: ApplicationDetail) -> str:
    awaiting = detail.summary.awaiting_transmission
    items = "".join(
        tag("li", _piece_item_html(piece, awaiting), data_mark=f"piece-{piece.required_document_id}")
        for piece in detail.pieces
    )
    return _pieces_head_html(detail) + (tag("ul", items, class_="ec-bullets") if items else "")


def _answerable(data: PageData, piece: PieceView) -> bool:
    """A missing conditional piece the candidate may answer « Non concerné » now (no file, still editable)."""
    loaded = data.pieces.get(piece.id)
    return piece.is_missing and loaded is not None and loaded.is_conditional and loaded.editable and not loaded.files


def _pieces_section(actor: Actor, data: PageData, page: "ApplicationPage") -> None:
    """« Statut »: the pieces and their status, one HTML block; a missing conditional piece gets its « Non concerné »
    right beside it in the list (then each piece is an item of its own)."""
    detail = data.detail
    answerable = [piece for piece in detail.pieces if not actor.read_only and _answerable(data, piece)]
    if not answerable:
        static_block(_pieces_html(detail), "section").mark("pieces")
        return
    awaiting = detail.summary.awaiting_transmission
    with ui.element("section").mark("pieces"):
        static_block(_pieces_head_html(detail))
        with ui.element("ul").classes("ec-bullets"):
            for piece in detail.pieces:
                inner = tag("span", _piece_item_html(piece, awaiting), data_mark=f"piece-{piece.required_document_id}")
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


def _left_to_do(actor: Actor, readiness: Readiness, page: "ApplicationPage") -> None:
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
    actor: Actor, submitted_document_id: int, label: str, page: "ApplicationPage", mark: str = "not-applicable"
) -> None:
    async def not_concerned() -> None:
        button.disable()
        try:
            await run.io_bound(_not_applicable_now, actor, submitted_document_id)
        except DomainError as error:
            page.refuse(error.translate(_))
            button.enable()
            return
        page.announce(_("« {piece} » : vous n'êtes pas concerné, la pièce n'est plus demandée.").format(piece=label))
        await page.redraw()  # the piece's card, the list of pieces and what is left all change

    button = ui.button(_("Non concerné"), on_click=not_concerned).props("outline dense no-caps")
    button.mark(f"{mark}-{submitted_document_id}")
    # Starts with the visible text (WCAG 2.5.3), names the piece (several such buttons may follow each other).
    button._props["aria-label"] = _("Non concerné : {piece}").format(piece=label)  # set directly: quotes


def _transmit(actor: Actor, application_id: int, readiness: Readiness, page: "ApplicationPage") -> None:
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
        button.disable()  # a double click transmits once; the server refuses a second transmission anyway
        try:
            await run.io_bound(_transmit_now, actor, application_id)
        except DomainError as error:
            page.refuse(error.translate(_))
            button.enable()
            return
        page.announce(_("Votre candidature a été transmise. Un accusé de réception vous est envoyé par mail."))
        await page.redraw()  # the dossier is received: no more uploads, no « Transmettre »

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
        message = Text("", "p").classes("text-negative").mark(f"answer-message-{question.id}")
        message.props["role"] = "alert"

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


def _questions(actor: Actor, detail: ApplicationDetail, on_saved: Redraw) -> None:
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


def _decision_html(data: PageData) -> str:
    detail = data.detail
    parts = [text_tag("h2", _("Décision"))]
    if detail.summary.decision is None:
        parts.append(text_tag("p", _("Aucune décision n'a encore été publiée."), data_mark="no-decision"))
    else:
        parts.append(decision_html(detail.summary.decision))
        if data.has_letter:
            parts.append(
                tag(
                    "p",
                    link_tag(
                        _("Télécharger la lettre (PDF)"), letter_url(detail.summary.id), data_mark="download-letter"
                    ),
                )
            )
    return "".join(parts)


def _confirm_now(actor: Actor, application_id: int, provisional: bool) -> None:
    with transaction() as session:
        confirm_offer(session, actor=actor, application_id=application_id, provisional=provisional)


def _withdraw_now(actor: Actor, application_id: int, reason: str) -> None:
    with transaction() as session:
        withdraw(session, actor=actor, application_id=application_id, reason=reason)


def _waiting_list_html(view: AnswerView) -> str:
    """The one rank the candidate reads (``waiting_list.displayed_rank``), and how far the list has moved."""
    parts = [
        text_tag("h2", _("Liste complémentaire")),
        text_tag(
            "p",
            _("Vous êtes au rang {rank} sur la liste complémentaire.").format(rank=view.waiting_rank),
            data_mark="waiting-rank",
        ),
    ]
    if view.called_count:
        called = ngettext(
            "{n} candidat de cette liste a déjà été appelé.",
            "{n} candidats de cette liste ont déjà été appelés.",
            view.called_count,
        ).format(n=view.called_count)
        parts.append(text_tag("p", called, data_mark="waiting-called"))
    return "".join(parts)


ANSWER_MARKS = {
    AnswerKind.CONFIRMED: "answer-confirmed",
    AnswerKind.PROVISIONAL: "answer-provisional",
    AnswerKind.WITHDRAWN: "answer-withdrawn",
}


def _answer_html(view: AnswerView, summary: ApplicationSummary) -> str:
    """The answer given and when, or the deadline while an answer is still awaited (as in the list)."""
    parts = [text_tag("h2", _("Répondre"))]
    if view.answer is not None:
        parts.append(text_tag("p", answer_text(summary), data_mark=ANSWER_MARKS[view.answer]))
    if view.deadline is not None and view.answer in (None, AnswerKind.PROVISIONAL):
        if view.days_left is None:
            parts.append(text_tag("p", _("La date limite de confirmation est dépassée."), data_mark="answer-late"))
        else:
            parts.append(deadline_html(_("Répondre avant le"), view.deadline, view.days_left, "answer-deadline"))
    return "".join(parts)


def _withdraw_dialog(actor: Actor, detail: ApplicationDetail, page: "ApplicationPage") -> ui.dialog:
    application_id = detail.summary.id
    with ui.dialog() as dialog, ui.card().mark("withdraw-dialog"):
        dialog.props["aria-labelledby"] = "withdraw-title"
        Text(_("Se désister ?"), "h2").props("id=withdraw-title").classes("text-xl")
        paragraph(
            _(
                "Vous renoncez à votre place dans « {label} ». Ce désistement est définitif : vous ne "
                "pourrez pas revenir sur ce choix, et votre place sera proposée à un autre candidat."
            ).format(label=detail.summary.program_label)
        )
        reason = ui.textarea(_("Motif (facultatif)")).props("outlined maxlength=1000").classes("w-full")
        reason.mark("withdraw-reason")
        error = Text("", "p").classes("text-negative")
        error.props["role"] = "alert"

        async def confirm_withdrawal() -> None:
            confirm_button.disable()
            try:
                await run.io_bound(_withdraw_now, actor, application_id, reason.value or "")
            except DomainError as exc:
                error.text = exc.translate(_)
                confirm_button.enable()
                return
            if not dialog.is_deleted:  # the live update may have redrawn the page already
                dialog.close()
            page.announce(_("Votre désistement est enregistré."))
            await page.redraw()

        with ui.row().classes("justify-end w-full"):
            ui.button(_("Non, garder ma place"), on_click=dialog.close).props("flat autofocus").mark("withdraw-keep")
            confirm_button = ui.button(_("Oui, me désister"), on_click=confirm_withdrawal)
            confirm_button.props("color=negative").mark("withdraw-confirm")
    return dialog


def _on_demand(build: Callable[[], ui.dialog]) -> Callable[[], None]:
    """A button handler opening the dialog ``build`` draws, built on the first press only (beside the button)."""
    built: list[ui.dialog] = []

    def open_dialog() -> None:
        if not built:
            built.append(build())
        built[0].open()

    return open_dialog


def _answer(actor: Actor, data: PageData, page: "ApplicationPage") -> None:
    """« Répondre »: confirm or withdraw an offer before its deadline; the waiting-list rank."""
    view = data.answer
    if view is None:
        return
    application_id = data.detail.summary.id
    if view.waiting_rank is not None:
        static_block(_waiting_list_html(view), "section").mark("waiting-list")
    if not view.has_offer:
        return
    with ui.element("section").mark("answer"):
        static_block(_answer_html(view, data.detail.summary))
        if view.answer == AnswerKind.WITHDRAWN or actor.read_only:
            return

        async def confirm(provisional: bool = False) -> None:
            for button in buttons:
                button.disable()  # a double click answers once; the server ignores a repeated answer anyway
            try:
                await run.io_bound(_confirm_now, actor, application_id, provisional)
            except DomainError as error:
                page.refuse(error.translate(_))
                for button in buttons:
                    button.enable()
                return
            if provisional:
                page.announce(_("Votre acceptation en attendant mieux est enregistrée."))
            else:
                page.announce(_("Votre candidature est confirmée."))
            await page.redraw()

        buttons: list[ui.button] = []
        with ui.row():
            if view.can_confirm:
                buttons.append(
                    ui.button(_("Confirmer"), on_click=lambda: confirm()).props("color=primary").mark("confirm-offer")
                )
                if view.provisional_allowed:
                    buttons.append(
                        ui.button(_("Accepter en attendant mieux"), on_click=lambda: confirm(True))
                        .props("outline")
                        .mark("confirm-provisional")
                    )
            if view.can_withdraw:
                opener = _on_demand(lambda: _withdraw_dialog(actor, data.detail, page))
                ui.button(_("Se désister"), on_click=opener).props("outline color=negative").mark("withdraw-offer")


def _cancel_now(actor: Actor, application_id: int) -> None:
    with transaction() as session:
        cancel_application(session, actor=actor, application_id=application_id)


def _cancel_dialog(actor: Actor, detail: ApplicationDetail) -> ui.dialog:
    with ui.dialog() as dialog, ui.card().mark("cancel-dialog"):
        dialog.props["aria-labelledby"] = "cancel-title"
        Text(_("Annuler la candidature ?"), "h2").props("id=cancel-title").classes("text-xl")
        paragraph(
            _(
                "Votre candidature à « {label} » sera annulée et les pièces déposées pour elle seront supprimées. "
                "Vous pourrez candidater de nouveau tant que la période de candidature est ouverte."
            ).format(label=detail.summary.program_label)
        )
        error = Text("", "p").classes("text-negative")
        error.props["role"] = "alert"

        async def confirm() -> None:
            try:
                await run.io_bound(_cancel_now, actor, detail.summary.id)
            except DomainError as exc:
                error.text = exc.translate(_)
                return
            dialog.close()
            ui.notify(_("Votre candidature a été annulée."), type="positive")
            ui.navigate.to(LIST_PATH)

        with ui.row().classes("justify-end w-full"):
            # The harmless choice takes the focus: Enter on an opened dialog never cancels by accident.
            ui.button(_("Non, la garder"), on_click=dialog.close).props("flat autofocus").mark("cancel-keep")
            ui.button(_("Oui, annuler"), on_click=confirm).props("color=negative").mark("cancel-confirm")
    return dialog


def _cancel(actor: Actor, detail: ApplicationDetail) -> None:
    if not detail.summary.can_cancel or actor.read_only:
        return  # a manager has acted: the action is absent (and the service refuses it anyway)
    with ui.element("section").mark("cancel"):
        static_block(
            text_tag("h2", _("Annuler"))
            + text_tag("p", _("L'annulation est possible tant qu'aucun gestionnaire n'a traité votre dossier."))
        )
        opener = _on_demand(lambda: _cancel_dialog(actor, detail))
        ui.button(_("Annuler cette candidature"), on_click=opener).props("outline color=negative").mark(
            "cancel-application"
        )


class ApplicationPage:
    """The page's sections, drawn from one load and redrawn after an action or a live update.

    What an action ends with is said outside the redrawn sections: the live update of a committed action (or of an
    earlier one) may clear them, the pressed button and its slot with them, while the handler still runs."""

    def __init__(self, actor: Actor, application_id: int, lang: str) -> None:
        self.actor = actor
        self.application_id = application_id
        self.lang = lang
        self.container: ui.element | None = None
        self.head: ui.element | None = None  # the sections before the uploads…
        self.tail: ui.element | None = None  # …and after them
        self.piece_widgets: dict[int, PieceWidget] = {}
        self.transmit_box: ui.element | None = None
        self.status: Text | None = None

    def draw_status(self) -> None:
        """The status line, empty and in place from the start: a screen reader announces what is later written in
        a live region it already knows (role=status), not one inserted along with its text."""
        self.status = Text("", "div").classes("font-bold").style("color: var(--ec-green)").mark("action-status")
        self.status.props["role"] = "status"

    def announce(self, text: str) -> None:
        """An action is done: written on the status line (announced, and it stays) and shown as a toast, which the
        status line already speaks (the toast's own role=alert would say it twice)."""
        if self.status is None or self.status.is_deleted:  # the page is gone (the candidate left)
            return
        self.status.text = text
        with self.status:  # the page's own slot: the pressed button's may have been deleted by a redraw
            ui.notify(text, type="positive", attrs={"aria-hidden": "true"})

    def refuse(self, text: str) -> None:
        """An action was refused: a toast (role=alert, read out at once); the status line no longer claims success."""
        if self.status is None or self.status.is_deleted:
            return
        self.status.text = ""
        with self.status:
            ui.notify(text, type="negative")

    async def redraw(self) -> None:
        data = await run.io_bound(load_page, self.actor, self.application_id, self.lang)
        assert self.container is not None
        if self.container.is_deleted:
            return
        await self.draw(data)

    async def redraw_transmit(self) -> None:
        """After a piece or an answer changed: only « Transmettre » depends on it."""
        box = self.transmit_box
        if box is None or box.is_deleted:
            return
        readiness = await run.io_bound(_load_readiness, self.actor, self.application_id, self.lang)
        box.clear()
        with box:
            _transmit(self.actor, self.application_id, readiness, self)

    async def draw(self, data: PageData | None) -> None:
        """Draw the sections in ``self.container``, or draw them again. The upload widgets of the same pieces are
        kept and shown their new state: drawn anew, they would take the keyboard focus away from their button and
        lose the outcomes they are announcing (each file added is a committed change, hence a live redraw)."""
        assert self.container is not None
        if data is not None and self.head is not None and self.tail is not None and self._same_uploads(data):
            self.head.clear()
            with self.head:
                self._draw_head(data)
            for piece_id, widget in self.piece_widgets.items():
                if (piece := data.pieces.get(piece_id)) is not None:
                    widget.show(piece)
            self.tail.clear()
            with self.tail:
                self._draw_tail(data)
            return
        self.container.clear()
        self.piece_widgets = {}
        with self.container:
            if data is None:
                static_block(
                    text_tag("p", _("Cette candidature a été annulée."), data_mark="not-found")
                    + tag("p", link_tag(_("Retour à mes candidatures"), LIST_PATH))
                ).mark("not-found")
                return
            with ui.element("div") as self.head:
                self._draw_head(data)
            if self._upload_ids(data):
                await self._draw_uploads(data)
            with ui.element("div") as self.tail:
                self._draw_tail(data)

    def _upload_ids(self, data: PageData) -> list[int]:
        """The pieces the candidate uploads files to on this page, in order (none: no upload section)."""
        detail = data.detail
        if detail.summary.procedure != Procedure.ONLINE or self.actor.read_only:
            return []
        return [piece.id for piece in detail.pieces]

    def _same_uploads(self, data: PageData) -> bool:
        return bool(self.piece_widgets) and list(self.piece_widgets) == self._upload_ids(data)

    def _draw_head(self, data: PageData) -> None:
        detail = data.detail
        if detail.summary.archived:
            paragraph(
                _(
                    "Cette candidature appartient à une campagne terminée : vous pouvez la consulter, "
                    "mais plus la modifier."
                )
            ).classes("ec-notice").mark("archived-notice")
        static_block(_information_html(detail), "section").mark("information")
        _pieces_section(self.actor, data, self)

    async def _draw_uploads(self, data: PageData) -> None:
        with ui.element("section").mark("uploads"):
            static_block(
                text_tag("h2", _("Déposer les pièces"))
                + text_tag(
                    "p",
                    _(
                        "Déposez un ou plusieurs fichiers par pièce (PDF, JPEG ou PNG) : nous les assemblons en "
                        "un seul PDF, dans l'ordre que vous choisissez."
                    ),
                    class_="ec-muted",
                )
            )
            for piece_id in self._upload_ids(data):
                widget = await piece_upload(
                    piece_id, on_change=self.redraw_transmit, actor=self.actor, piece=data.pieces.get(piece_id)
                )
                if widget is not None:
                    self.piece_widgets[piece_id] = widget

    def _draw_tail(self, data: PageData) -> None:
        actor = self.actor
        detail = data.detail
        _questions(actor, detail, on_saved=self.redraw_transmit)
        self.transmit_box = None
        if data.readiness is not None and not actor.read_only:
            with ui.element("section").mark("transmit") as self.transmit_box:
                _transmit(actor, self.application_id, data.readiness, self)
        static_block(_decision_html(data), "section").mark("decision")
        _answer(actor, data, self)
        _cancel(actor, detail)


def register() -> None:
    @page(routes.APPLICATION)
    async def my_application(application_id: int):
        gate = await require_candidate()
        if gate.refused:
            return gate.response
        actor = gate.actor
        assert actor is not None
        lang = current_language()
        data = await run.io_bound(load_page, actor, application_id, lang)
        if data is None:
            with frame(_("Candidature introuvable")):
                paragraph(_("Cette candidature n'existe pas ou ne vous appartient pas.")).mark("not-found")
                ui.link(_("Retour à mes candidatures"), LIST_PATH)
            return None
        with frame(_("Candidature : {label}").format(label=data.detail.summary.program_label)):
            candidate_nav("candidatures", actor=actor, program_id=data.detail.summary.program_id)
            view = ApplicationPage(actor, application_id, lang)
            view.draw_status()
            with ui.element("div").classes("w-full") as view.container:
                await view.draw(data)
            follow_candidate(data.detail.summary.candidate_id, view.redraw)
        return None
