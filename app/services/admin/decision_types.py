"""Administration of the decision types ("types d'avis") and refusal reasons ("motifs"): the central office's.

A decision type or a reason is never deleted once a decision uses it (nor a type a programme names): it is
deactivated, and only active ones are offered when entering a decision. A type a programme uses for its offers
or for its waiting-list calls cannot be deactivated while that programme is active: the nightly waiting-list
call would have nothing to give; the refusal names the programmes to change first.
"""

from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import BaseModel, BeforeValidator, model_validator
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import Campaign, Decision, DecisionKind, DecisionType, Program, RefusalReason
from app.services.admin.common import form_action, load_for_edit, require_admin, save_active, save_entity
from app.services.admin.scoped import checked, clean_choice, clean_code, clean_label
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.form_checks import DossierInvalid

TYPE_FIELDS = ("code", "kind", "label_fr", "label_en", "is_final")
REASON_FIELDS = ("code", "label_fr", "label_en")

KIND_LABELS = {
    DecisionKind.FAVORABLE: N_("Avis favorable"),
    DecisionKind.UNFAVORABLE: N_("Avis défavorable"),
    DecisionKind.WAITING_LIST: N_("Liste complémentaire"),
    DecisionKind.ON_HOLD: N_("Liste d'attente"),
    DecisionKind.PRESELECTION: N_("Présélection"),
}

PRESELECTION_NOT_FINAL = N_("Une présélection ne clôt pas l'examen du dossier : décochez « Avis définitif ».")
TYPE_USED_BY_PROGRAMS = N_(
    "Ce type d'avis est celui des formations actives suivantes (avis favorable ou appel de la liste "
    "complémentaire) : {programs}. Choisissez-leur d'abord un autre type d'avis."
)
KIND_LOCKED = N_("Ce type d'avis est déjà utilisé : sa nature ne peut plus changer. Créez un autre type d'avis.")
TYPE_IN_USE = N_(
    "Ce type d'avis est déjà utilisé (avis et formations : {count}) ; il ne peut pas être supprimé. Désactivez-le."
)
REASON_IN_USE = N_("Ce motif est déjà utilisé ({count} avis) : il ne peut pas être supprimé. Désactivez-le.")


Code = Annotated[str, BeforeValidator(partial(clean_code, size=20))]


class DecisionTypeValues(BaseModel):
    code: Code
    kind: Annotated[DecisionKind, BeforeValidator(partial(clean_choice, choices=DecisionKind))]
    label_fr: Annotated[str, BeforeValidator(partial(clean_label, size=200))]
    label_en: Annotated[str, BeforeValidator(partial(clean_label, size=200))]
    is_final: bool = True

    @model_validator(mode="after")
    def _preselection(self) -> "DecisionTypeValues":
        if self.kind == DecisionKind.PRESELECTION and self.is_final:
            raise DossierInvalid({"kind": PRESELECTION_NOT_FINAL})  # a checkbox has no error slot
        return self


class RefusalReasonValues(BaseModel):
    code: Code
    label_fr: Annotated[str, BeforeValidator(partial(clean_label, size=300))]
    label_en: Annotated[str, BeforeValidator(partial(clean_label, size=300))]


def _check(schema: type[BaseModel], fields: tuple[str, ...], values: dict[str, Any]) -> dict[str, Any]:
    return checked(schema, fields, values, {"code": {"max": 20}})


# --- Decision types -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionTypeRow:
    decision_type: DecisionType
    decisions: int  # decisions of this type
    programs: list[str]  # codes of the active programmes that name it (offer or waiting-list call)


def _decision_counts(session: Session, column: Any, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.exec(select(column, sa.func.count()).where(column.in_(ids)).group_by(column)).all()
    return {row_id: count for row_id, count in rows if row_id is not None}


def _programs_naming(session: Session, type_id: int, *, active_only: bool) -> list[Program]:
    statement = (
        select(Program)
        .join(Campaign, col(Campaign.id) == Program.campaign_id)
        .where(
            sa.or_(Program.favorable_decision_type_id == type_id, Program.waiting_list_call_decision_type_id == type_id)
        )
    )
    if active_only:
        statement = statement.where(col(Program.is_active), col(Campaign.archived_at).is_(None))
    return list(session.exec(statement.order_by(col(Program.code), col(Program.id))).all())


def list_decision_types(session: Session, *, actor: Actor) -> list[DecisionTypeRow]:
    require_admin(session, actor=actor)
    types = session.exec(select(DecisionType).order_by(col(DecisionType.kind), col(DecisionType.code))).all()
    counts = _decision_counts(session, col(Decision.decision_type_id), [t.id for t in types if t.id is not None])
    return [
        DecisionTypeRow(
            t,
            counts.get(t.id or 0, 0),
            [p.code for p in _programs_naming(session, t.id or 0, active_only=True)],
        )
        for t in types
    ]


def get_decision_type(session: Session, *, actor: Actor, type_id: int) -> tuple[DecisionType, int]:
    """One decision type and how often it is used (decisions and programmes naming it)."""
    require_admin(session, actor=actor)
    row = session.get(DecisionType, type_id)
    if row is None:
        raise NotFound("decision type")
    return row, _type_use(session, type_id)


def new_decision_type() -> DecisionType:
    return DecisionType(code="", kind=DecisionKind.FAVORABLE, label_fr="", label_en="")


def save_decision_type(
    session: Session, *, actor: Actor, type_id: int | None, expected_version: int | None, values: dict[str, Any]
) -> DecisionType:
    require_admin(session, actor=actor, write=True)
    clean = _check(DecisionTypeValues, TYPE_FIELDS, values)
    if type_id is not None:
        current = load_for_edit(session, DecisionType, type_id, expected_version)
        if clean["kind"] != current.kind and _type_use(session, type_id):
            raise DossierInvalid({"kind": KIND_LOCKED})
    return save_entity(
        session,
        actor=actor,
        model=DecisionType,
        entity_id=type_id,
        expected_version=expected_version,
        values=clean,
        action=form_action("decision_type", type_id),
    )


def set_decision_type_active(
    session: Session, *, actor: Actor, type_id: int, expected_version: int | None, active: bool
) -> DecisionType:
    require_admin(session, actor=actor, write=True)
    load_for_edit(session, DecisionType, type_id, expected_version)
    if not active:
        programs = _programs_naming(session, type_id, active_only=True)
        if programs:
            raise DomainError(
                "decision_type_in_use", TYPE_USED_BY_PROGRAMS, programs=", ".join(p.code for p in programs)
            )
    return save_active(
        session,
        actor=actor,
        model=DecisionType,
        entity_id=type_id,
        expected_version=expected_version,
        active=active,
        action="decision_type",
    )


def _type_use(session: Session, type_id: int) -> int:
    decisions = _decision_counts(session, col(Decision.decision_type_id), [type_id]).get(type_id, 0)
    return decisions + len(_programs_naming(session, type_id, active_only=False))


def delete_decision_type(session: Session, *, actor: Actor, type_id: int, expected_version: int | None) -> None:
    require_admin(session, actor=actor, write=True)
    row = load_for_edit(session, DecisionType, type_id, expected_version)
    used = _type_use(session, type_id)
    if used:
        raise DomainError("decision_type_used", TYPE_IN_USE, count=used)
    before = {"code": row.code, "kind": DecisionKind(row.kind).value, "label_fr": row.label_fr}
    session.delete(row)
    session.flush()
    audit_row(session, actor, "decision_type.deleted", row, before=before)


# --- Refusal reasons ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefusalReasonRow:
    reason: RefusalReason
    decisions: int


def list_refusal_reasons(session: Session, *, actor: Actor) -> list[RefusalReasonRow]:
    require_admin(session, actor=actor)
    reasons = session.exec(select(RefusalReason).order_by(col(RefusalReason.code))).all()
    counts = _decision_counts(session, col(Decision.refusal_reason_id), [r.id for r in reasons if r.id is not None])
    return [RefusalReasonRow(r, counts.get(r.id or 0, 0)) for r in reasons]


def get_refusal_reason(session: Session, *, actor: Actor, reason_id: int) -> tuple[RefusalReason, int]:
    """One refusal reason and the number of decisions giving it."""
    require_admin(session, actor=actor)
    row = session.get(RefusalReason, reason_id)
    if row is None:
        raise NotFound("refusal reason")
    return row, _decision_counts(session, col(Decision.refusal_reason_id), [reason_id]).get(reason_id, 0)


def new_refusal_reason() -> RefusalReason:
    return RefusalReason(code="", label_fr="", label_en="")


def save_refusal_reason(
    session: Session, *, actor: Actor, reason_id: int | None, expected_version: int | None, values: dict[str, Any]
) -> RefusalReason:
    require_admin(session, actor=actor, write=True)
    return save_entity(
        session,
        actor=actor,
        model=RefusalReason,
        entity_id=reason_id,
        expected_version=expected_version,
        values=_check(RefusalReasonValues, REASON_FIELDS, values),
        action=form_action("refusal_reason", reason_id),
    )


def set_refusal_reason_active(
    session: Session, *, actor: Actor, reason_id: int, expected_version: int | None, active: bool
) -> RefusalReason:
    require_admin(session, actor=actor, write=True)
    return save_active(
        session,
        actor=actor,
        model=RefusalReason,
        entity_id=reason_id,
        expected_version=expected_version,
        active=active,
        action="refusal_reason",
    )


def delete_refusal_reason(session: Session, *, actor: Actor, reason_id: int, expected_version: int | None) -> None:
    require_admin(session, actor=actor, write=True)
    row = load_for_edit(session, RefusalReason, reason_id, expected_version)
    used = _decision_counts(session, col(Decision.refusal_reason_id), [reason_id]).get(reason_id, 0)
    if used:
        raise DomainError("refusal_reason_used", REASON_IN_USE, count=used)
    before = {"code": row.code, "label_fr": row.label_fr}
    session.delete(row)
    session.flush()
    audit_row(session, actor, "refusal_reason.deleted", row, before=before)
