"""Administration of the questions asked with applications (yes/no or free text), at the institution, a centre or a
programme.

What an application must answer is computed from the *active* questions of its three scopes
(``applications.applicable_questions``): a deactivated question is no longer asked nor required to transmit. A
question already answered is never deleted (its answers stay in the database); nor does its kind change, which
would make the answers given meaningless.
"""

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, field_validator
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import Question, QuestionAnswer, QuestionKind, Scope
from app.services.actors import Actor
from app.services.admin_common import load_for_edit, save_entity
from app.services.admin_scoped import (
    CODE_FORMAT,
    Target,
    checked,
    move,
    next_order,
    require_target,
    siblings,
    target_of,
)
from app.services.applications import TEXT_ANSWER_LIMIT
from app.services.audit import audit
from app.services.dossier_schemas import INVALID, REQUIRED, DossierInvalid
from app.services.errors import DomainError, NotFound

FIELDS = ("code", "kind", "label_fr", "label_en", "is_mandatory", "max_length")
CODE_RE = re.compile(r"^[A-Z0-9_-]{1,30}$")

KIND_LABELS = {QuestionKind.YES_NO: N_("Oui / non"), QuestionKind.TEXT: N_("Texte libre")}

QUESTION_ANSWERED = N_(
    "Des candidats ont déjà répondu à cette question ({count} réponse(s)) : elle ne peut pas être supprimée. "
    "Désactivez-la : elle ne sera plus posée, et les réponses données restent enregistrées."
)
KIND_LOCKED = N_("Des candidats ont déjà répondu : le type de réponse ne peut plus changer. Créez une autre question.")
MAX_LENGTH_RANGE = N_("Indiquez un nombre entre 1 et {max}.")


class QuestionValues(BaseModel):
    code: str
    kind: QuestionKind
    label_fr: str
    label_en: str
    is_mandatory: bool = True
    max_length: int = 2000

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, value: Any) -> str:
        text = re.sub(r"\s+", "", str(value or "")).upper()
        if not text:
            raise ValueError(REQUIRED)
        if not CODE_RE.match(text):
            raise ValueError(CODE_FORMAT)
        return text

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> QuestionKind:
        if value in (None, ""):
            raise ValueError(REQUIRED)
        try:
            return QuestionKind(value)
        except ValueError:
            raise ValueError(INVALID) from None

    @field_validator("label_fr", "label_en", mode="before")
    @classmethod
    def _label(cls, value: Any) -> str:
        text = re.sub(r"\s+", " ", str(value or "")).strip()
        if not text:
            raise ValueError(REQUIRED)
        if len(text) > 500:
            raise ValueError(N_("Ce texte est trop long."))
        return text

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
    if question_id is None:
        if target is None:
            raise NotFound("target")
        require_target(session, actor=actor, target=target, write=True)
        order = next_order(session, Question, target)
        return save_entity(
            session,
            actor=actor,
            model=Question,
            entity_id=None,
            expected_version=None,
            values=check_values(values) | target.values() | {"display_order": order},
            action="question.created",
        )
    current = load_for_edit(session, Question, question_id, expected_version)
    require_target(session, actor=actor, target=target_of(current), write=True)
    clean = check_values(values)
    if clean["kind"] != current.kind and _answers(session, [question_id]):
        raise DossierInvalid({"kind": KIND_LOCKED})
    return save_entity(
        session,
        actor=actor,
        model=Question,
        entity_id=question_id,
        expected_version=expected_version,
        values=clean,
        action="question.updated",
    )


def set_question_active(
    session: Session, *, actor: Actor, question_id: int, expected_version: int | None, active: bool
) -> Question:
    current = load_for_edit(session, Question, question_id, expected_version)
    require_target(session, actor=actor, target=target_of(current), write=True)
    return save_entity(
        session,
        actor=actor,
        model=Question,
        entity_id=question_id,
        expected_version=expected_version,
        values={"is_active": active},
        action="question.activated" if active else "question.deactivated",
    )


def delete_question(session: Session, *, actor: Actor, question_id: int, expected_version: int | None) -> None:
    """Delete a question nobody answered; an answered one is deactivated instead."""
    question = load_for_edit(session, Question, question_id, expected_version)
    require_target(session, actor=actor, target=target_of(question), write=True)
    count = _answers(session, [question_id]).get(question_id, 0)
    if count:
        raise DomainError("question_answered", QUESTION_ANSWERED, count=count)
    before = {
        "code": question.code,
        "label_fr": question.label_fr,
        "scope": Scope(question.scope).value,
        "centre_id": question.centre_id,
        "program_id": question.program_id,
    }
    session.delete(question)
    session.flush()
    audit(session, actor=actor, action="question.deleted", entity_type="question", entity_id=question_id, before=before)


def move_question(session: Session, *, actor: Actor, question_id: int, offset: int) -> list[Question]:
    return move(session, actor=actor, model=Question, item_id=question_id, offset=offset)
