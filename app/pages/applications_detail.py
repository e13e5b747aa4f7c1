"""An opened application: the guide's « Informations détaillées », « Statut », questions, decision, « Annuler »."""

from collections.abc import Callable

from nicegui import run, ui

from app.db import new_session, transaction
from app.i18n import _
from app.models import AnswerKind, DossierStatus, Procedure, QuestionKind
from app.pages.applications import (
    DOCUMENT_STATUS_LABELS,
    LIST_PATH,
    deadline_line,
    decision_lines,
    follow_candidate,
    status_text,
)
from app.pages.dossier_download import dossier_url
from app.pages.letter_download import letter_url
from app.services.actors import Actor
from app.services.answers import AnswerView, answer_view, confirm_offer, withdraw
from app.services.applications import answer_question, cancel_application
from app.services.applications_views import ApplicationDetail, QuestionView, get_my_application
from app.services.errors import DomainError
from app.services.letters import letter_available
from app.services.transmission import transmission_readiness, transmit_application
from app.ui.candidate_nav import candidate_nav
from app.ui.dates import format_day, format_moment
from app.ui.frame import frame
from app.ui.guards import require_candidate
from app.ui.page import page
from app.ui.piece_upload import piece_upload
from app.ui.session import current_language
from app.ui.text import Text, heading, paragraph


def _load(actor: Actor, application_id: int) -> ApplicationDetail | None:
    try:
        with new_session() as session:
            return get_my_application(session, actor=actor, application_id=application_id, lang=current_language())
    except DomainError:
        return None  # another candidate's, cancelled, or nonexistent: told the same way


def _information(detail: ApplicationDetail) -> None:
    summary = detail.summary
    with ui.element("section").mark("information"):
        heading(_("Informations détaillées"), 2)
        paragraph(f"{summary.centre_label} · {_('Code : {code}').format(code=summary.program_code)}").classes(
            "ec-muted"
        )
        paragraph(status_text(summary.dossier_status)).classes("font-bold").mark("dossier-status")
        paragraph(_("Depuis le {moment}").format(moment=format_moment(summary.dossier_status_at))).classes("ec-muted")
        paragraph(_("Candidature créée le {moment}").format(moment=format_moment(summary.created_at)))
        if summary.transmitted_at:
            paragraph(_("Dossier transmis le {moment}").format(moment=format_moment(summary.transmitted_at)))
        deadline_line(_("Date de retour"), summary.return_by, summary.return_days_left, "return-date")
        deadline_line(
            _("Confirmer avant le"), summary.confirmation_deadline, summary.confirmation_days_left, "confirm-date"
        )
        if detail.jury_on:
            paragraph(_("Jury : {day}").format(day=format_day(detail.jury_on)))
        if detail.publication_on:
            paragraph(_("Publication des résultats : {day}").format(day=format_day(detail.publication_on)))
        if summary.procedure == Procedure.PAPER:
            paragraph(
                _(
                    "Procédure papier : téléchargez votre dossier et envoyez-le avec les pièces justificatives, par "
                    "voie postale, avant la date de retour (le cachet de la poste faisant foi), à :"
                )
            )
            paragraph(" / ".join([detail.committee_name, *detail.committee_address])).mark("postal-address")
        paragraph(_("Contact : {name} ({email})").format(name=detail.committee_name, email=detail.committee_email))
        if detail.info_url:
            ui.link(_("Voir la formation"), detail.info_url)
        ui.link(_("Télécharger mon dossier (PDF)"), dossier_url(summary.id)).mark("download-dossier")


def _pieces(actor: Actor, detail: ApplicationDetail, on_change: Callable[[], None]) -> None:
    with ui.element("section").mark("pieces"):
        heading(_("Statut"), 2)
        if not detail.pieces:
            paragraph(_("Aucune pièce justificative n'est demandée pour cette formation."))
            return
        missing = [piece for piece in detail.pieces if piece.is_missing]
        paragraph(
            _("Pièces manquantes : {n} (celles dont le statut est « En attente » ou « Refusée »).").format(
                n=len(missing)
            )
        ).mark("missing-count")
        with ui.element("ul").classes("ec-bullets"):
            for piece in detail.pieces:
                with ui.element("li").mark(f"piece-{piece.required_document_id}"):
                    # The status is written out; the colour only repeats it.
                    Text(piece.label, "span")
                    Text(" — ", "span")
                    status = Text(_(DOCUMENT_STATUS_LABELS[piece.status]), "strong")
                    if piece.is_missing:
                        status.classes("text-negative")
                    if piece.is_conditional:
                        Text(" " + _("(si vous êtes concerné)"), "span").classes("ec-muted")
                    if piece.comment:
                        Text(" — " + _("Motif : {reason}").format(reason=piece.comment), "span")
    if detail.summary.procedure == Procedure.ONLINE and not actor.read_only:
        with ui.element("section").mark("uploads"):
            heading(_("Déposer les pièces"), 2)
            paragraph(
                _(
                    "Déposez un ou plusieurs fichiers par pièce (PDF, JPEG ou PNG) : nous les assemblons en un seul "
                    "PDF, dans l'ordre que vous choisissez."
                )
            ).classes("ec-muted")
            for piece in detail.pieces:
                piece_upload(piece.id, on_change=on_change, actor=actor)


def _transmit(actor: Actor, application_id: int) -> None:
    """« Transmettre »: what still blocks it, or the button (the server checks everything again)."""
    with new_session() as session:
        readiness = transmission_readiness(session, actor=actor, application_id=application_id, lang=current_language())
    with ui.element("section").mark("transmit"):
        heading(_("Transmettre"), 2)
        if not readiness.ready:
            assert readiness.refusal is not None
            paragraph(readiness.refusal.translate(_)).mark("transmit-blocked")
            return
        paragraph(
            _(
                "Toutes les pièces sont déposées. Une fois transmise, votre candidature ne peut plus être modifiée "
                "tant que la composante ne l'a pas examinée."
            )
        )

        async def transmit() -> None:
            button.disable()  # a double click transmits once; the server refuses a second transmission anyway
            try:
                await run.io_bound(_transmit_now, actor, application_id)
            except DomainError as error:
                ui.notify(error.translate(_), type="negative")
                button.enable()
            else:
                ui.notify(_("Votre candidature a été transmise. Un accusé de réception vous est envoyé par mail."))

        button = ui.button(_("Transmettre ma candidature"), on_click=transmit).props("color=primary")
        button.mark("transmit-application")


def _transmit_now(actor: Actor, application_id: int) -> None:
    with transaction() as session:
        transmit_application(session, actor=actor, application_id=application_id)


def _question(
    actor: Actor, detail: ApplicationDetail, question: QuestionView, writable: bool, on_saved: Callable[[], None]
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

        def save() -> None:
            try:
                with transaction() as session:
                    answer_question(
                        session,
                        actor=actor,
                        application_id=detail.summary.id,
                        question_id=question.id,
                        value=field.value,
                    )
            except DomainError as error:
                message.text = error.translate(_)
                return
            message.text = ""
            ui.notify(_("Réponse enregistrée."), type="positive")
            on_saved()

        button = ui.button(_("Enregistrer"), on_click=save).props("outline").mark(f"save-{question.id}")
        button.props["aria-label"] = _("Enregistrer la réponse : {question}").format(question=question.label)


def _questions(actor: Actor, detail: ApplicationDetail, on_saved: Callable[[], None]) -> None:
    if not detail.questions:
        return
    with ui.element("section").mark("questions"):
        heading(_("Questions"), 2)
        writable = detail.can_answer and not actor.read_only
        if not detail.can_answer:
            paragraph(_("Les réponses ne peuvent plus être modifiées."))
        for question in detail.questions:
            _question(actor, detail, question, writable, on_saved)


def _decision(actor: Actor, detail: ApplicationDetail) -> None:
    with ui.element("section").mark("decision"):
        heading(_("Décision"), 2)
        if detail.summary.decision is None:
            paragraph(_("Aucune décision n'a encore été publiée.")).mark("no-decision")
        else:
            decision_lines(detail.summary.decision)
            with new_session() as session:
                has_letter = letter_available(session, actor=actor, application_id=detail.summary.id)
            if has_letter:
                ui.link(_("Télécharger la lettre (PDF)"), letter_url(detail.summary.id)).mark("download-letter")


def _load_answer(actor: Actor, application_id: int) -> AnswerView | None:
    try:
        with new_session() as session:
            return answer_view(session, actor=actor, application_id=application_id)
    except DomainError:
        return None


def _confirm_now(actor: Actor, application_id: int, provisional: bool) -> None:
    with transaction() as session:
        confirm_offer(session, actor=actor, application_id=application_id, provisional=provisional)


def _withdraw_now(actor: Actor, application_id: int, reason: str) -> None:
    with transaction() as session:
        withdraw(session, actor=actor, application_id=application_id, reason=reason)


def _answer(actor: Actor, detail: ApplicationDetail, on_done: Callable[[], None]) -> None:
    """« Répondre »: confirm or withdraw an offer before its deadline; the waiting-list rank; the letter."""
    application_id = detail.summary.id
    view = _load_answer(actor, application_id)
    if view is None:
        return
    if view.waiting_rank is not None:
        with ui.element("section").mark("waiting-list"):
            heading(_("Liste complémentaire"), 2)
            text = _("Vous êtes au rang {rank}.").format(rank=view.waiting_rank)
            if view.last_called_rank is not None:
                text = _("Vous êtes au rang {rank} ; dernier rang appelé : {last}.").format(
                    rank=view.waiting_rank, last=view.last_called_rank
                )
            paragraph(text).mark("waiting-rank")
    if not view.has_offer:
        return
    with ui.element("section").mark("answer"):
        heading(_("Répondre"), 2)
        if view.answer == AnswerKind.WITHDRAWN:
            paragraph(_("Vous vous êtes désisté de cette formation.")).mark("answer-withdrawn")
            return
        if view.answer == AnswerKind.CONFIRMED:
            paragraph(_("Vous avez confirmé votre candidature.")).mark("answer-confirmed")
        elif view.answer == AnswerKind.PROVISIONAL:
            paragraph(_("Vous avez accepté cette proposition en attendant mieux.")).mark("answer-provisional")
        if view.deadline is not None and view.answer != AnswerKind.CONFIRMED:
            deadline_line(_("Répondre avant le"), view.deadline, view.days_left, "answer-deadline")
            if view.days_left is None:
                paragraph(_("La date limite de confirmation est dépassée.")).mark("answer-late")
        if actor.read_only:
            return

        async def confirm(provisional: bool = False) -> None:
            for button in buttons:
                button.disable()  # a double click answers once; the server ignores a repeated answer anyway
            try:
                await run.io_bound(_confirm_now, actor, application_id, provisional)
            except DomainError as error:
                ui.notify(error.translate(_), type="negative")
                for button in buttons:
                    button.enable()
                return
            ui.notify(_("Votre candidature est confirmée."), type="positive")
            on_done()

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
                        ui.notify(_("Votre désistement est enregistré."), type="positive")
                        on_done()

                    with ui.row().classes("justify-end w-full"):
                        ui.button(_("Non, garder ma place"), on_click=dialog.close).props("flat autofocus").mark(
                            "withdraw-keep"
                        )
                        confirm_button = ui.button(_("Oui, me désister"), on_click=confirm_withdrawal)
                        confirm_button.props("color=negative").mark("withdraw-confirm")
                ui.button(_("Se désister"), on_click=dialog.open).props("outline color=negative").mark("withdraw-offer")


def _cancel(actor: Actor, detail: ApplicationDetail) -> None:
    if not detail.summary.can_cancel or actor.read_only:
        return  # a manager has acted: the action is absent (and the service refuses it anyway)
    label = detail.summary.program_label
    with ui.dialog() as dialog, ui.card().mark("cancel-dialog"):
        dialog.props["aria-labelledby"] = "cancel-title"
        Text(_("Annuler la candidature ?"), "h2").props("id=cancel-title").classes("text-xl")
        paragraph(
            _(
                "Votre candidature à « {label} » sera annulée et les pièces déposées pour elle seront supprimées. "
                "Vous pourrez candidater de nouveau tant que la période de candidature est ouverte."
            ).format(label=label)
        )
        error = Text("", "p").classes("text-negative")
        error.props["role"] = "alert"

        def confirm() -> None:
            try:
                with transaction() as session:
                    cancel_application(session, actor=actor, application_id=detail.summary.id)
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

    with ui.element("section").mark("cancel"):
        heading(_("Annuler"), 2)
        paragraph(_("L'annulation est possible tant qu'aucun gestionnaire n'a traité votre dossier."))
        ui.button(_("Annuler cette candidature"), on_click=dialog.open).props("outline color=negative").mark(
            "cancel-application"
        )


def register() -> None:
    @page(LIST_PATH + "/{application_id}")
    def my_application(application_id: int):
        gate = require_candidate()
        if gate.refused:
            return gate.response
        actor = gate.actor
        assert actor is not None
        detail = _load(actor, application_id)
        if detail is None:
            with frame(_("Candidature introuvable")):
                paragraph(_("Cette candidature n'existe pas ou ne vous appartient pas.")).mark("not-found")
                ui.link(_("Retour à mes candidatures"), LIST_PATH)
            return None
        with frame(_("Candidature : {label}").format(label=detail.summary.program_label)):
            candidate_nav("candidatures", actor=actor, program_id=detail.summary.program_id)

            @ui.refreshable
            def view() -> None:
                current = _load(actor, application_id)
                if current is None:
                    paragraph(_("Cette candidature a été annulée.")).mark("not-found")
                    ui.link(_("Retour à mes candidatures"), LIST_PATH)
                    return
                if current.summary.archived:
                    paragraph(
                        _(
                            "Cette candidature appartient à une campagne terminée : vous pouvez la consulter, "
                            "mais plus la modifier."
                        )
                    ).classes("ec-notice").mark("archived-notice")
                _information(current)
                editable = current.summary.dossier_status in (DossierStatus.PENDING, DossierStatus.INCOMPLETE)
                editable = editable and not current.summary.archived
                online = current.summary.procedure == Procedure.ONLINE
                transmit_view = ui.refreshable(_transmit)
                _pieces(actor, current, on_change=transmit_view.refresh)
                _questions(actor, current, on_saved=transmit_view.refresh)
                if editable and online and not actor.read_only:
                    transmit_view(actor, application_id)
                _decision(actor, current)
                _answer(actor, current, on_done=view.refresh)
                _cancel(actor, current)

            view()
            follow_candidate(detail.summary.candidate_id, view.refresh)
        return None
