"""Administration of the questions asked with applications (yes/no or free text), at the institution, a centre or a
programme.

What an application must answer is computed from the *active* questions of its three scopes
(``applications.applicable_questions``): a deactivated question is no longer asked nor required to transmit. A
question already answered is never deleted (its answers stay in the database); nor does its kind change, which
would make the answers given meaningless.
"""

from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import BaseModel, BeforeValidator, field_validator
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import TEXT_ANSWER_LIMIT, Question, QuestionAnswer, QuestionKind
from app.services.admin.scoped import (
    Target,
    checked,
    clean_choice,
    clean_code,
    clean_label,
    load_item,
    move,
    placed_snapshot,
    require_target,
    save_item,
    set_item_active,
    siblings,
    target_of,
)
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.form_checks import INVALID, DossierInvalid

FIELDS = ("code", "kind", "label_fr", "label_en", "is_mandatory", "max_length")

KIND_LABELS = {QuestionKind.YES_NO: N_("Oui / non"), QuestionKind.TEXT: N_("Texte libre")}

QUESTION_ANSWERED = N_(
    "Des candidats ont déjà répondu à cette question (réponses : {count}) ; elle ne peut pas être supprimée. "
    "Désactivez-la : elle ne sera plus posée, et les réponses données restent enregistrées."
)
KIND_LOCKED = N_("Des candidats ont déjà répondu : le type de réponse ne peut plus changer. Créez une autre question.")
MAX_LENGTH_RANGE = N_("Indiquez un nombre entre 1 et {max}.")

Label = Annotated[str, BeforeValidator(partial(clean_label, size=500))]


class QuestionValues(BaseModel):
    code: Annotated[str, BeforeValidator(partial(clean_code, size=30))]
    kind: Annotated[QuestionKind, BeforeValidator(partial(clean_choice, choices=QuestionKind))]
    label_fr: Label
    label_en: Label
    is_mandatory: bool = True
    max_length: int = 2000

    @field_validator("max_length", mode="before")
    @classmethod
    def _max_length(cls, value: Any) -> int:
        if value in (None, ""):
            return 2000
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(INVALID) from None
        if not 1 <= number <= TEXT_ANSWER_LIMIT:
            raise ValueError(MAX_LENGTH_RANGE)
        return number


def check_values(values: dict[str, Any]) -> dict[str, Any]:
    """The values, validated and normalised, or a DossierInvalid naming each field in error."""
    return checked(QuestionValues, FIELDS, values, {"code": {"max": 30}, "max_length": {"max": TEXT_ANSWER_LIMIT}})


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    answers: int  # answers given (then it can be deactivated, not deleted)


def list_questions(session: Session, *, actor: Actor, target: Target) -> list[QuestionRow]:
    require_target(session, actor=actor, target=target, write=False)
    questions = siblings(session, Question, target)
    counts = _answers(session, [q.id for q in questions if q.id is not None])
    return [QuestionRow(q, counts.get(q.id or 0, 0)) for q in questions]


def get_question(session: Session, *, actor: Actor, question_id: int) -> QuestionRow:
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound("question")
    require_target(session, actor=actor, target=target_of(question), write=False)
    return QuestionRow(question, _answers(session, [question_id]).get(question_id, 0))


def new_question(target: Target) -> Question:
    """An unsaved question of ``target``, for the creation form."""
    return Question(code="", label_fr="", label_en="", kind=QuestionKind.YES_NO, **target.values())


def _answers(session: Session, question_ids: list[int]) -> dict[int, int]:
    if not question_ids:
        return {}
    rows = session.exec(
        select(QuestionAnswer.question_id, sa.func.count())
        .where(col(QuestionAnswer.question_id).in_(question_ids))
        .group_by(col(QuestionAnswer.question_id))
    ).all()
    return {question_id: count for question_id, count in rows}


def save_question(
    session: Session,
    *,
    actor: Actor,
    question_id: int | None,
    expected_version: int | None,
    values: dict[str, Any],
    target: Target | None = None,
) -> Question:
    """Create a question of ``target`` (``question_id`` None) or change one; its place never changes."""

    def kind_kept(current: Question, clean: dict[str, Any]) -> None:
        if clean["kind"] != current.kind and _answers(session, [current.id or 0]):
            raise DossierInvalid({"kind": KIND_LOCKED})

    return save_item(
        session,
        actor=actor,
        model=Question,
        item_id=question_id,
        expected_version=expected_version,
        values=values,
        target=target,
        check=check_values,
        action="question",
        on_change=kind_kept,
    )


def set_question_active(
    session: Session, *, actor: Actor, question_id: int, expected_version: int | None, active: bool
) -> Question:
    return set_item_active(
        session,
        actor=actor,
        model=Question,
        item_id=question_id,
        expected_version=expected_version,
        active=active,
        action="question",
    )


def delete_question(session: Session, *, actor: Actor, question_id: int, expected_version: int | None) -> None:
    """Delete a question nobody answered; an answered one is deactivated instead."""
    question = _load(session, actor, question_id, expected_version)
    count = _answers(session, [question_id]).get(question_id, 0)
    if count:
        raise DomainError("question_answered", QUESTION_ANSWERED, count=count)
    before = placed_snapshot(question)
    session.delete(question)
    session.flush()
    audit_row(session, actor, "question.deleted", question, before=before)


def move_question(session: Session, *, actor: Actor, question_id: int, offset: int) -> list[Question]:
    return move(session, actor=actor, model=Question, item_id=question_id, offset=offset)


def _load(session: Session, actor: Actor, question_id: int, expected_version: int | None) -> Question:
    return load_item(session, actor=actor, model=Question, item_id=question_id, expected_version=expected_version)
