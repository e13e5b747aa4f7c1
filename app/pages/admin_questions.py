"""« Questions » (/admin/questions): the questions asked with the applications of the institution, a centre or a
programme.

``/admin/questions?cible=KEY`` lists one place's questions in order (move up / down); ``/admin/questions/ID``
edits one; ``/admin/questions/nouvelle?cible=KEY`` creates one. Rules and rights: ``app.services.admin.questions``.
"""

from app.db import transaction
from app.i18n import N_, _, ngettext
from app.models import Question, QuestionKind
from app.services.admin import Target, target_of
from app.services.admin import questions as admin_questions
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_edit import StateTexts, refusal_page, save_button, state_section
from app.ui.admin_scoped import ListTexts, edit_header, open_item, register_scoped_pages, scoped_list_page
from app.ui.dossier_form import EntityForm
from app.ui.frame import frame
from app.ui.session import current_language

PATH = routes.ADMIN_QUESTIONS
NEW = "nouvelle"


def _label(question: Question, lang: str) -> str:
    return question.label_en if lang == "en" else question.label_fr


def _kind(question: Question) -> str:
    text = _(admin_questions.KIND_LABELS[QuestionKind(question.kind)])
    if question.kind == QuestionKind.TEXT:
        text += " — " + _("{max} caractères au maximum.").format(max=question.max_length)
    return text


async def _list_page(actor: Actor, key: str) -> None:
    lang = current_language()
    await scoped_list_page(
        actor,
        key,
        path=PATH,
        new=NEW,
        texts=ListTexts(
            title=_("Questions"),
            intro=_(
                "Une candidature pose les questions de l'établissement, celles de son centre et celles de sa "
                "formation, dans cet ordre. Une question à laquelle des candidats ont répondu ne se supprime pas : "
                "désactivez-la."
            ),
            heading=_("Questions : {place}"),
            add=_("Ajouter une question"),
            add_marker="add-question",
            read_only=_("Lecture seule : votre rôle ne permet pas de modifier ces questions."),
            empty=_("Aucune question pour ce périmètre."),
            empty_marker="no-question",
        ),
        marker="questions",
        headers=[_("Code"), _("Question"), _("Réponse attendue"), _("Obligatoire"), _("État"), _("Réponses")],
        load=lambda session, target: admin_questions.list_questions(session, actor=actor, target=target),
        move=lambda session, row, offset: admin_questions.move_question(
            session, actor=actor, question_id=row.question.id or 0, offset=offset
        ),
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
    )


async def _edit_page(actor: Actor, key: str, cible: str) -> None:
    creating = key == NEW
    try:
        opened = await open_item(
            actor,
            key,
            cible,
            creating=creating,
            new=lambda target: admin_questions.QuestionRow(admin_questions.new_question(target), 0),
            get=lambda session, question_id: admin_questions.get_question(
                session, actor=actor, question_id=question_id
            ),
            target_of_row=lambda row: target_of(row.question),
        )
    except DomainError as refusal:
        refusal_page(_("Question"), refusal)
        return
    row: admin_questions.QuestionRow = opened.row
    question, target, editable = row.question, opened.target, opened.editable
    with frame(_("Nouvelle question") if creating else _("Question")):
        edit_header(
            PATH,
            opened,
            back=_("← Liste des questions de ce périmètre"),
            read_only=_("Lecture seule : votre rôle ne permet pas de modifier cette question."),
        )
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
        save_button(
            form,
            question,
            admin_questions.FIELDS,
            lambda session, values: admin_questions.save_question(
                session,
                actor=actor,
                question_id=None if creating else question.id,
                expected_version=None if creating else question.version,
                values=values,
                target=target,
            ),
            creating=creating,
            created_path=lambda: f"{PATH}/{question.id}",
            editable=editable,
        )
        if not creating:
            _state_section(actor, question, row.answers, editable, target)


def _state_section(actor: Actor, question: Question, answers: int, editable: bool, target: Target) -> None:
    def toggle(active: bool) -> Question:
        with transaction() as session:
            return admin_questions.set_question_active(
                session, actor=actor, question_id=question.id or 0, expected_version=question.version, active=active
            )

    def delete() -> None:
        with transaction() as session:
            admin_questions.delete_question(
                session, actor=actor, question_id=question.id or 0, expected_version=question.version
            )

    state_section(
        question,
        StateTexts(
            active=_("Active : posée aux candidats."),
            inactive=_("Désactivée : plus posée ; les réponses déjà données restent enregistrées."),
            used=ngettext(
                "{count} réponse déjà donnée : elle ne peut pas être supprimée.",
                "{count} réponses déjà données : elle ne peut pas être supprimée.",
                answers,
            ).format(count=answers),
            used_marker="answered",
            activated=_("Question réactivée."),
            deactivated=_("Question désactivée."),
            confirm=_("Supprimer définitivement cette question ?"),
        ),
        used=answers,
        editable=editable,
        toggle=toggle,
        delete=delete,
        after_delete=f"{PATH}?cible={target.key}",
    )


def register() -> None:
    register_scoped_pages(PATH, N_("Questions"), _list_page, _edit_page)
