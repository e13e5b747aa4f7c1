"""The candidate's answers to the programme's questions (yes/no or text), while the dossier is in their hands."""

from sqlmodel import Session, select

from app import clock
from app.i18n import N_
from app.models import TEXT_ANSWER_LIMIT, Program, Question, QuestionAnswer, QuestionKind
from app.services.applications.actions import (
    answers_open,
    applies_to,
    own_application,
)
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.text_rules import check_text


def answer_question(
    session: Session, *, actor: Actor, application_id: int, question_id: int, value: bool | str | None
) -> QuestionAnswer | None:
    """Record the answer to one of the application's questions (None or empty text clears an optional one)."""
    _candidate, application = own_application(session, actor, application_id, write=True)
    program = session.get(Program, application.program_id)
    assert program is not None
    question = session.get(Question, question_id)
    if question is None or not question.is_active or not applies_to(question, application.centre_id, program.id or 0):
        raise NotFound("question")
    if not answers_open(application, program, clock.now()):
        raise DomainError(
            "answers_closed",
            N_(
                "Les réponses ne peuvent plus être modifiées : la date de retour est passée ou le dossier est transmis."
            ),
        )
    text_value, bool_value = _checked_value(question, value)
    empty = bool_value is None and text_value is None
    if empty and question.is_mandatory:
        raise DomainError("answer_required", N_("Cette question demande une réponse."), field=f"question-{question_id}")
    answer = session.exec(
        select(QuestionAnswer).where(
            QuestionAnswer.application_id == application.id, QuestionAnswer.question_id == question_id
        )
    ).first()
    if empty:
        if answer is not None:
            session.delete(answer)
        result = None
    else:
        answer = answer or QuestionAnswer(application_id=application.id or 0, question_id=question_id)
        answer.text_value, answer.bool_value, answer.answered_at = text_value, bool_value, clock.now()
        session.add(answer)
        result = answer
    session.flush()
    audit_application(session, actor, application, "application.question_answered", entity=("question", question_id))
    # No live update: the candidate's own answer changes nothing the other views show, and redrawing the page
    # would wipe answers typed but not yet saved.
    return result


def _checked_value(question: Question, value: bool | str | None) -> tuple[str | None, bool | None]:
    """(text, yes/no) as stored for ``question``'s kind; a text is held to the question's and the column's limit."""
    field = f"question-{question.id}"
    if question.kind == QuestionKind.YES_NO:
        if value is not None and not isinstance(value, bool):
            raise DomainError("answer_yes_no", N_("Répondez par oui ou par non."), field=field)
        return None, value
    if value is not None and not isinstance(value, str):
        raise DomainError("answer_text", N_("Saisissez une réponse."), field=field)
    text_value = check_text(value or "", field=field).strip() or None
    limit = min(question.max_length, TEXT_ANSWER_LIMIT)
    if text_value is not None and len(text_value) > limit:
        raise DomainError("answer_too_long", N_("{max} caractères au maximum."), field=field, max=limit)
    return text_value, None
