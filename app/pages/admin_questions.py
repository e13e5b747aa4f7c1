"""« Questions » (/admin/questions): the questions asked with the applications of the institution, a centre or a
programme.

``/admin/questions?cible=KEY`` lists one place's questions in order (move up / down); ``/admin/questions/ID``
edits one; ``/admin/questions/nouvelle?cible=KEY`` creates one. Rules and rights: ``app.services.admin_questions``.
"""

from typing import Any

from nicegui import ui

from app.db import transaction
from app.i18n import _
from app.models import Question, QuestionKind
from app.services import admin_questions, admin_scoped
from app.services.actors import Actor
from app.services.admin_scoped import INSTITUTION, Target, target_of
from app.services.errors import DomainError, NotFound
from app.ui.admin_nav import back_to_admin
from app.ui.admin_scoped import option_label, ordered_table, status_line, target_picker
from app.ui.dossier_form import EntityForm, copy_into, saved_notice
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.session import current_language
from app.ui.text import heading, paragraph

PATH = "/admin/questions"
NEW = "nouvelle"


def _label(question: Question, lang: str) -> str:
    return question.label_en if lang == "en" else question.label_fr


def _kind(question: Question) -> str:
    text = _(admin_questions.KIND_LABELS[QuestionKind(question.kind)])
    if question.kind == QuestionKind.TEXT:
        text += " — " + _("{max} caractères au maximum.").format(max=question.max_length)
    return text


def _list_page(actor: Actor, key: str) -> None:
    lang = current_language()
    with transaction() as session:
        options = admin_scoped.target_options(session, actor=actor)
    if not key:  # first visit: the first place the role may edit (a centre manager's own centre)
        key = next((o.key for o in options if o.editable), INSTITUTION.key)
    target = Target.parse(key) or INSTITUTION
    option = next((o for o in options if o.key == target.key), None)
    with frame(_("Questions")):
        back_to_admin()
        paragraph(
            _(
                "Une candidature pose les questions de l'établissement, celles de son centre et celles de sa "
                "formation, dans cet ordre. Une question à laquelle des candidats ont répondu ne se supprime pas : "
                "désactivez-la."
            )
        )
        target_picker(options, target.key, PATH, lang)
        if option is None:
            paragraph(_("Vous n'avez pas accès à ce périmètre.")).mark("refusal")
            return
        heading(_("Questions : {place}").format(place=option_label(option, lang).lstrip("— ")), 2)
        if option.editable:
            ui.link(_("Ajouter une question"), f"{PATH}/{NEW}?cible={target.key}").mark("add-question")
        else:
            paragraph(_("Lecture seule : votre rôle ne permet pas de modifier ces questions.")).mark("read-only")
        notice = status_line("", "list-notice")
        error = ui.label("").classes("text-negative").mark("list-error")
        error.props["role"] = "alert"

        @ui.refreshable
        def table() -> None:
            try:
                with transaction() as session:
                    rows = admin_questions.list_questions(session, actor=actor, target=target)
            except DomainError as refusal:
                paragraph(refusal.translate(_)).mark("refusal")
                return
            if not rows:
                paragraph(_("Aucune question pour ce périmètre.")).mark("no-question")
                return

            def move(row: admin_questions.QuestionRow, offset: int) -> None:
                try:
                    with transaction() as session:
                        admin_questions.move_question(
                            session, actor=actor, question_id=row.question.id or 0, offset=offset
                        )
                except DomainError as refusal:
                    error.text = refusal.translate(_)
                    return
                error.text = ""
                notice.text = _("Ordre enregistré.")
                table.refresh()

            ordered_table(
                "questions",
                [_("Code"), _("Question"), _("Réponse attendue"), _("Obligatoire"), _("État"), _("Réponses")],
                rows,
                cells=lambda r: [
                    r.question.code,
                    _label(r.question, lang),
                    _kind(r.question),
                    _("Oui") if r.question.is_mandatory else _("Non"),
                    _("Active") if r.question.is_active else _("Désactivée"),
                    str(r.answers),
                ],
                label=lambda r: _label(r.question, lang),
                edit_path=lambda r: f"{PATH}/{r.question.id}",
                on_move=move if option.editable else None,
            )

        table()


def _edit_page(actor: Actor, key: str, cible: str) -> None:
    lang = current_language()
    creating = key == NEW
    try:
        with transaction() as session:
            if creating:
                target = Target.parse(cible)
                if target is None:
                    raise NotFound("target")
                admin_scoped.require_target(session, actor=actor, target=target, write=True)
                row = admin_questions.QuestionRow(admin_questions.new_question(target), 0)
            else:
                row = admin_questions.get_question(session, actor=actor, question_id=int(key) if key.isdigit() else 0)
                target = target_of(row.question)
            place = admin_scoped.describe(session, target, lang)
            editable = admin_scoped.can_edit(session, actor=actor, target=target)
    except DomainError as refusal:
        with frame(_("Question")):
            back_to_admin()
            paragraph(refusal.translate(_)).mark("refusal")
        return
    question = row.question
    with frame(_("Nouvelle question") if creating else _("Question")):
        back_to_admin()
        ui.link(_("← Liste des questions de ce périmètre"), f"{PATH}?cible={target.key}").mark("back-to-list")
        paragraph(_("Périmètre : {place}").format(place=place or _("Établissement (toutes les formations)"))).mark(
            "place"
        )
        if not editable:
            paragraph(_("Lecture seule : votre rôle ne permet pas de modifier cette question.")).mark("read-only")
        form = EntityForm(question, read_only=not editable)
        form.text("code", _("Code"), required=True, hint=_("Lettres, chiffres, tirets ; unique dans l'établissement"))
        form.select(
            "kind",
            _("Réponse attendue"),
            {kind: _(label) for kind, label in admin_questions.KIND_LABELS.items()},
            required=True,
        )
        form.text("label_fr", _("Question en français"), required=True, textarea=True)
        form.text("label_en", _("Question en anglais"), required=True, textarea=True)
        form.checkbox("is_mandatory", _("Obligatoire : une réponse est exigée pour transmettre"))
        form.number("max_length", _("Longueur maximale de la réponse (texte libre)"), hint=_("De 1 à 5000 caractères"))
        notice = saved_notice(_("Enregistré."))

        def save() -> bool:
            values = {name: getattr(question, name) for name in admin_questions.FIELDS}
            with transaction() as session:
                saved = admin_questions.save_question(
                    session,
                    actor=actor,
                    question_id=None if creating else question.id,
                    expected_version=None if creating else question.version,
                    values=values,
                    target=target,
                )
            copy_into(question, saved)
            return True

        def on_save() -> None:
            notice.set_visibility(False)
            if not form.run(save):
                return
            if creating:
                ui.navigate.to(f"{PATH}/{question.id}")
                return
            form.refresh_values()
            notice.set_visibility(True)

        if editable:
            ui.button(_("Enregistrer"), on_click=on_save).props("color=primary").mark("save")
        if not creating:
            _state_section(actor, question, row.answers, editable, target)


def _state_section(actor: Actor, question: Question, answers: int, editable: bool, target: Target) -> None:
    with ui.element("section").classes("w-full mt-6").mark("state-section"):
        heading(_("Disponibilité"), 2)
        error = ui.label("").classes("text-negative").mark("state-error")
        error.props["role"] = "alert"

        @ui.refreshable
        def body() -> None:
            paragraph(
                _("Active : posée aux candidats.")
                if question.is_active
                else _("Désactivée : plus posée ; les réponses déjà données restent enregistrées.")
            ).mark("state")
            if answers:
                paragraph(
                    _("{count} réponse(s) déjà données : elle ne peut pas être supprimée.").format(count=answers)
                ).mark("answered")
            if not editable:
                return
            with ui.row():
                if question.is_active:
                    ui.button(_("Désactiver"), on_click=lambda: toggle(False)).props("outline").mark("deactivate")
                else:
                    ui.button(_("Réactiver"), on_click=lambda: toggle(True)).props("outline").mark("activate")
                if not answers:
                    ui.button(_("Supprimer"), on_click=lambda: dialog.open()).props("outline color=negative").mark(
                        "delete"
                    )

        def toggle(active: bool) -> None:
            try:
                with transaction() as session:
                    saved = admin_questions.set_question_active(
                        session,
                        actor=actor,
                        question_id=question.id or 0,
                        expected_version=question.version,
                        active=active,
                    )
            except DomainError as refusal:
                error.text = refusal.translate(_)
                return
            question.version, question.is_active = saved.version, saved.is_active
            error.text = ""
            ui.notify(_("Question réactivée.") if active else _("Question désactivée."), type="positive")
            body.refresh()

        def delete() -> None:
            try:
                with transaction() as session:
                    admin_questions.delete_question(
                        session, actor=actor, question_id=question.id or 0, expected_version=question.version
                    )
            except DomainError as refusal:
                error.text = refusal.translate(_)
                dialog.close()
                return
            ui.navigate.to(f"{PATH}?cible={target.key}")

        with ui.dialog() as dialog, ui.card():
            paragraph(_("Supprimer définitivement cette question ?"))
            with ui.row():
                ui.button(_("Supprimer"), on_click=delete).props("color=negative").mark("confirm-delete")
                ui.button(_("Annuler"), on_click=dialog.close).props("flat")

        body()


def register() -> None:
    @ui.page(PATH)
    def admin_questions_list(cible: str = "") -> Any:
        gate = require_staff()
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        try:
            _list_page(gate.actor, cible)
        except DomainError as refusal:
            with frame(_("Questions")):
                back_to_admin()
                paragraph(refusal.translate(_)).mark("refusal")
        return None

    @ui.page(PATH + "/{key}")
    def admin_question_edit(key: str, cible: str = "") -> Any:
        gate = require_staff()
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        _edit_page(gate.actor, key, cible)
        return None
