"""« Questions » (/admin/questions): the questions asked with the applications of the institution, a centre or a
programme.

``/admin/questions?cible=KEY`` lists one place's questions in order (move up / down); ``/admin/questions/ID``
edits one; ``/admin/questions/nouvelle?cible=KEY`` creates one. Rules and rights: ``app.services.admin.questions``.
"""

from app.i18n import N_, _, ngettext
from app.models import Question, QuestionKind
from app.services.admin import questions as admin_questions
from app.services.platform import Actor, label_in
from app.ui import routes
from app.ui.admin_edit import EntityActions, StateTexts
from app.ui.admin_scoped import ItemScreen, ListTexts, register_scoped_pages, scoped_list_page
from app.ui.dossier_form import EntityForm
from app.ui.session import current_language

PATH = routes.ADMIN_QUESTIONS
NEW = "nouvelle"


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
        SCREEN,
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
        cells=lambda r: [
            r.question.code,
            label_in(r.question, lang),
            _kind(r.question),
            _("Oui") if r.question.is_mandatory else _("Non"),
            _("Active") if r.question.is_active else _("Désactivée"),
            str(r.answers),
        ],
    )


def _fields(form: EntityForm) -> None:
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


def _state_texts(answers: int) -> StateTexts:
    return StateTexts(
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
    )


SCREEN = ItemScreen(
    path=PATH,
    new=NEW,
    title=N_("Question"),
    new_title=N_("Nouvelle question"),
    back=N_("← Liste des questions de ce périmètre"),
    read_only=N_("Lecture seule : votre rôle ne permet pas de modifier cette question."),
    rows=admin_questions.list_questions,
    move=admin_questions.move_question,
    new_row=lambda target: admin_questions.QuestionRow(admin_questions.new_question(target), 0),
    get=lambda session, actor, question_id: admin_questions.get_question(session, actor=actor, question_id=question_id),
    item=lambda row: row.question,
    used=lambda row: row.answers,
    fields=_fields,
    field_names=admin_questions.FIELDS,
    actions=EntityActions(
        "question_id",
        admin_questions.save_question,
        admin_questions.set_question_active,
        admin_questions.delete_question,
    ),
    state_texts=_state_texts,
)


def register() -> None:
    register_scoped_pages(N_("Questions"), _list_page, SCREEN)
