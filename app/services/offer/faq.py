"""The candidates' FAQ (« Foire aux questions »): questions and answers in French and English, edited by staff.

The public page lists the active entries in their order. ``seed_guide_faq`` fills an empty FAQ with the questions
of the Université d'Orléans candidates' guide (the demo campus does it).
"""

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, field_validator
from sqlmodel import Session, col, func, select

from app.i18n import N_
from app.models import FaqEntry
from app.services.accounts.admin_rights import require_admin
from app.services.offer import fields as offer_fields
from app.services.offer.faq_guide import GUIDE_FAQ
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.form_checks import REQUIRED, validate
from app.services.platform.labels import in_language
from app.services.platform.versioned_save import form_action, load_for_edit, save_entity

QUESTION_MAX = 500
ANSWER_MAX = 10_000
ORDER_MAX = 9999
EDITABLE_FIELDS = ("question_fr", "question_en", "answer_fr", "answer_en", "display_order", "is_active")


@dataclass(frozen=True)
class FaqItem:
    id: int
    question: str
    answer: str


def public_faq(session: Session, *, language: str) -> list[FaqItem]:
    """The active entries in their order, in ``language`` (French when an English text is missing)."""
    rows = session.exec(
        select(FaqEntry).where(col(FaqEntry.is_active)).order_by(col(FaqEntry.display_order), col(FaqEntry.id))
    ).all()
    return [
        FaqItem(
            id=row.id or 0,
            question=in_language(row.question_fr, row.question_en, language),
            answer=in_language(row.answer_fr, row.answer_en, language),
        )
        for row in rows
    ]


class FaqSchema(BaseModel):
    question_fr: str
    question_en: str
    answer_fr: str
    answer_en: str
    display_order: int | None = 0
    is_active: bool = True

    @field_validator("question_fr", "question_en", mode="before")
    @classmethod
    def _question(cls, value: Any) -> str:
        return offer_fields.text(value, QUESTION_MAX, required=True)  # one line, spaces collapsed

    @field_validator("answer_fr", "answer_en", mode="before")
    @classmethod
    def _answer(cls, value: Any) -> str:
        text = str(value or "").strip()
        if not text:
            raise ValueError(REQUIRED)
        if len(text) > ANSWER_MAX:
            raise ValueError(N_("Ce texte est trop long."))
        return text

    @field_validator("display_order")
    @classmethod
    def _order(cls, value: int | None) -> int:
        if value is None:
            return 0
        if not 0 <= value <= ORDER_MAX:
            raise ValueError(N_("Indiquez un nombre entre 0 et 9999."))
        return value


def list_entries(session: Session, *, actor: Actor) -> list[FaqEntry]:
    """Every entry, active or not, in display order."""
    require_admin(session, actor=actor)
    return list(session.exec(select(FaqEntry).order_by(col(FaqEntry.display_order), col(FaqEntry.id))).all())


def next_order(session: Session) -> int:
    """The order that puts a new entry last (steps of 10 leave room to insert between two)."""
    highest = session.exec(select(func.max(FaqEntry.display_order))).one()
    return min((highest or 0) + 10, ORDER_MAX)


def save_entry(
    session: Session, *, actor: Actor, entry_id: int | None, expected_version: int | None, values: dict[str, Any]
) -> FaqEntry:
    """Create or edit an entry; a concurrent edit of the same entry is refused."""
    require_admin(session, actor=actor, write=True)
    clean = validate(FaqSchema, {name: values.get(name) for name in EDITABLE_FIELDS}).model_dump()
    return save_entity(
        session,
        actor=actor,
        model=FaqEntry,
        entity_id=entry_id,
        expected_version=expected_version,
        values=clean,
        action=form_action("faq", entry_id),
        unique_field=None,
    )


def delete_entry(session: Session, *, actor: Actor, entry_id: int, expected_version: int | None) -> None:
    """Remove an entry (deactivating it keeps it for later); refused if it changed since it was opened."""
    require_admin(session, actor=actor, write=True)
    entry = load_for_edit(session, FaqEntry, entry_id, expected_version)
    before = {"question_fr": entry.question_fr}
    session.delete(entry)
    session.flush()
    audit_row(session, actor, "faq.deleted", entry, before=before)


def seed_guide_faq(session: Session) -> int:
    """Fill an empty FAQ with the guide's questions; returns how many were added (0 if the FAQ has entries)."""
    if session.exec(select(FaqEntry.id).limit(1)).first() is not None:
        return 0
    for position, (question_fr, answer_fr, question_en, answer_en) in enumerate(GUIDE_FAQ, start=1):
        session.add(
            FaqEntry(
                question_fr=question_fr,
                answer_fr=answer_fr,
                question_en=question_en,
                answer_en=answer_en,
                display_order=position * 10,
            )
        )
    session.flush()
    return len(GUIDE_FAQ)
