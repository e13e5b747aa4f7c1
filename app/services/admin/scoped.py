"""What required pieces and questions share: where they apply (the institution, one centre, one programme), who
may edit them there, and their order.

Rights: the institution's items are the central office's (administrators included); a centre's items and its
programmes' items are also open to that centre's managers when the central office lets the centre edit its
offer (``ApplicationCentre.managers_edit_offer``). Read-only roles see, never save. A centre manager always sees
their centre's items and the institution's (what their candidates are asked anyway), read-only unless allowed.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import (
    ApplicationCentre,
    Campaign,
    Program,
    Question,
    RequiredDocument,
    Scope,
    StaffRole,
    StaffRoleAssignment,
)
from app.services.accounts import staff_roles as staff
from app.services.admin.common import (
    ADMIN_ROLES,
    form_action,
    load_for_edit,
    require_admin,
    require_centre_offer,
    save_active,
    save_entity,
)
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, NotFound, passes
from app.services.platform.form_checks import INVALID, REQUIRED, DossierInvalid, validate
from app.services.platform.labels import label_in

ScopedModel = type[RequiredDocument] | type[Question]
E = TypeVar("E", bound=Enum)
ORDER_STEP = 10
READERS = (*ADMIN_ROLES, StaffRole.CENTRE_MANAGER)

CANNOT_MOVE = N_("Cet élément est déjà à cette extrémité de la liste.")
CODE_FORMAT = N_("De 1 à {max} caractères parmi A-Z, 0-9, tiret et tiret bas.")


TOO_LONG = N_("Ce texte est trop long.")
CODE_CHARACTERS = re.compile(r"^[A-Z0-9_-]+$")


def clean_code(value: Any, size: int) -> str:
    """A code without spaces, in capitals, of 1 to ``size`` characters among A-Z, 0-9, - and _ (validators' rule)."""
    text = re.sub(r"\s+", "", str(value or "")).upper()
    if not text:
        raise ValueError(REQUIRED)
    if not CODE_CHARACTERS.match(text) or len(text) > size:
        raise ValueError(CODE_FORMAT)
    return text


def clean_label(value: Any, size: int) -> str:
    """A required wording on one line (spaces collapsed), of at most ``size`` characters (validators' rule)."""
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    if not text:
        raise ValueError(REQUIRED)
    if len(text) > size:
        raise ValueError(TOO_LONG)
    return text


def clean_choice(value: Any, choices: type[E]) -> E:
    """A required choice among ``choices`` (validators' rule)."""
    if value in (None, ""):
        raise ValueError(REQUIRED)
    try:
        return choices(value)
    except ValueError:
        raise ValueError(INVALID) from None


def checked(
    schema: type[BaseModel], fields: tuple[str, ...], values: dict[str, Any], params: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """``values`` validated by ``schema``; the messages of a DossierInvalid get their ``{placeholders}`` filled."""
    try:
        return validate(schema, {name: values[name] for name in fields if name in values}).model_dump()
    except DossierInvalid as error:
        raise DossierInvalid(error.errors, {n: params[n] for n in error.errors if n in params}) from None


@dataclass(frozen=True)
class Target:
    """Where an item applies; ``key`` is how the screens name it in their address (``?cible=``)."""

    scope: Scope
    centre_id: int | None = None
    program_id: int | None = None

    @property
    def key(self) -> str:
        if self.scope == Scope.CENTRE:
            return f"centre-{self.centre_id}"
        if self.scope == Scope.PROGRAM:
            return f"formation-{self.program_id}"
        return "etablissement"

    @classmethod
    def parse(cls, key: str | None) -> "Target | None":
        """The target a key names, or None when it names nothing valid."""
        if not key or key == "etablissement":
            return cls(Scope.INSTITUTION) if key else None
        prefix, _, number = key.partition("-")
        if not number.isdigit():
            return None
        if prefix == "centre":
            return cls(Scope.CENTRE, centre_id=int(number))
        if prefix == "formation":
            return cls(Scope.PROGRAM, program_id=int(number))
        return None

    def values(self) -> dict[str, Any]:
        """The columns an item placed here takes (the scope check constraint holds by construction)."""
        return {"scope": self.scope, "centre_id": self.centre_id, "program_id": self.program_id}


INSTITUTION = Target(Scope.INSTITUTION)


def target_of(row: RequiredDocument | Question) -> Target:
    return Target(row.scope, centre_id=row.centre_id, program_id=row.program_id)


def owning_centre(session: Session, target: Target) -> int | None:
    """The centre whose managers may edit items of ``target`` (None for the institution); NotFound if it is gone."""
    if target.scope == Scope.INSTITUTION:
        return None
    if target.scope == Scope.CENTRE:
        if target.centre_id is None or session.get(ApplicationCentre, target.centre_id) is None:
            raise NotFound("centre")
        return target.centre_id
    program = session.get(Program, target.program_id) if target.program_id is not None else None
    if program is None:
        raise NotFound("program")
    return program.centre_id


def require_target(session: Session, *, actor: Actor, target: Target, write: bool) -> StaffRoleAssignment:
    """Refuse unless the actor may see (``write=False``) or change (``write=True``) the items of ``target``."""
    centre_id = owning_centre(session, target)
    if centre_id is None:
        if write:
            return require_admin(session, actor=actor, write=True)
        return require_viewer(session, actor=actor)
    if write:
        return require_centre_offer(session, actor=actor, centre_id=centre_id, write=True)
    return staff.require_role(session, actor=actor, roles=READERS, centre_id=centre_id)


def can_edit(session: Session, *, actor: Actor, target: Target) -> bool:
    return passes(require_target, session, actor=actor, target=target, write=True)


def require_viewer(session: Session, *, actor: Actor) -> StaffRoleAssignment:
    """The central office, an administrator (read-only roles too), or a centre manager."""
    role = staff.current_role(session, actor=actor)
    return staff.require_role(session, actor=actor, roles=READERS, centre_id=role.centre_id)


@dataclass(frozen=True)
class TargetOption:
    key: str
    label_fr: str
    label_en: str
    editable: bool


def target_options(session: Session, *, actor: Actor) -> list[TargetOption]:
    """The places the actor may look at, institution first, then each centre followed by its programmes.

    Programmes are those of campaigns not archived (the active one and any being prepared).
    """
    assignment = require_viewer(session, actor=actor)
    central = assignment.role in ADMIN_ROLES
    centres = session.exec(select(ApplicationCentre).order_by(col(ApplicationCentre.code))).all()
    if not central:
        centres = [c for c in centres if c.id == assignment.centre_id]
    # Same answer as require_target(write=True), without a query per option.
    writable = not assignment.read_only and (central or all(c.managers_edit_offer for c in centres))
    programs = session.exec(
        select(Program)
        .join(Campaign, col(Campaign.id) == Program.campaign_id)
        .where(col(Campaign.archived_at).is_(None), col(Program.centre_id).in_([c.id for c in centres]))
        .order_by(col(Program.code), col(Program.id))
    ).all()
    options = [
        TargetOption(
            INSTITUTION.key,
            N_("Établissement (toutes les formations)"),
            "Institution (every programme)",
            central and writable,
        )
    ]
    for centre in centres:
        options.append(
            TargetOption(
                Target(Scope.CENTRE, centre_id=centre.id).key,
                f"{centre.label_fr} ({centre.code})",
                f"{centre.label_en} ({centre.code})",
                writable,
            )
        )
        for program in (p for p in programs if p.centre_id == centre.id):
            options.append(
                TargetOption(
                    Target(Scope.PROGRAM, program_id=program.id).key,
                    f"— {program.code} · {program.label_fr}",
                    f"— {program.code} · {program.label_en}",
                    writable,
                )
            )
    return options


def describe(session: Session, target: Target, lang: str) -> str:
    """A target's name as a screen shows it ('' for the institution: screens say it with their own words)."""
    if target.scope == Scope.CENTRE:
        centre = session.get(ApplicationCentre, target.centre_id)
        return label_in(centre, lang) if centre else ""
    if target.scope == Scope.PROGRAM:
        program = session.get(Program, target.program_id)
        return f"{program.code} · {label_in(program, lang)}" if program else ""
    return ""


# --- Order --------------------------------------------------------------------------------------------------------


def _same_target(model: ScopedModel, target: Target) -> Any:
    return sa.and_(
        model.scope == target.scope,
        col(model.centre_id).is_(None) if target.centre_id is None else model.centre_id == target.centre_id,
        col(model.program_id).is_(None) if target.program_id is None else model.program_id == target.program_id,
    )


def siblings(session: Session, model: ScopedModel, target: Target) -> list[Any]:
    """Every item of ``target`` (active or not) in display order."""
    return list(
        session.exec(
            select(model).where(_same_target(model, target)).order_by(col(model.display_order), col(model.id))
        ).all()
    )


def next_order(session: Session, model: ScopedModel, target: Target) -> int:
    """A new item goes last."""
    highest = session.exec(select(sa.func.max(model.display_order)).where(_same_target(model, target))).one()
    return (highest or 0) + ORDER_STEP


def move(session: Session, *, actor: Actor, model: ScopedModel, item_id: int, offset: int) -> list[Any]:
    """Move one item up (``offset=-1``) or down (``+1``) among the items of its target; returns the new order.

    The order is renumbered by plain UPDATEs that leave the items' versions alone: moving a piece must not make
    somebody's pending edit of its wording fail as a concurrent change.
    """
    item = session.get(model, item_id)
    if item is None:
        raise NotFound(model.__name__)
    target = target_of(item)
    require_target(session, actor=actor, target=target, write=True)
    rows = siblings(session, model, target)
    before = [row.id for row in rows]
    index = before.index(item_id)
    other = index + offset
    if offset not in (-1, 1) or not 0 <= other < len(rows):
        raise DomainError("cannot_move", CANNOT_MOVE)
    rows[index], rows[other] = rows[other], rows[index]
    table = model.__table__  # type: ignore[attr-defined]
    for position, row in enumerate(rows, start=1):
        if row.display_order != position * ORDER_STEP:
            session.execute(sa.update(table).where(table.c.id == row.id).values(display_order=position * ORDER_STEP))
    session.expire_all()
    audit(
        session,
        actor=actor,
        action=f"{model.__name__.lower()}.moved",
        entity_type=model.__name__.lower(),
        entity_id=item_id,
        before={"order": before},
        after={"order": [row.id for row in rows]},
    )
    return siblings(session, model, target)


# --- Changes ------------------------------------------------------------------------------------------------------


def save_item(
    session: Session,
    *,
    actor: Actor,
    model: ScopedModel,
    item_id: int | None,
    expected_version: int | None,
    values: dict[str, Any],
    target: Target | None,
    check: Callable[[dict[str, Any]], dict[str, Any]],
    action: str,
    on_change: Callable[[Any, dict[str, Any]], None] | None = None,
) -> Any:
    """Create an item of ``target`` (``item_id`` None), placed last, or change one; its place never changes.

    The right to change the place is checked before the values; ``on_change(stored, clean)`` sees a change before
    it is written (to refuse it, or to note what it changes). ``action`` is the audit prefix (``question``).
    """
    if item_id is None:
        if target is None:
            raise NotFound("target")
        require_target(session, actor=actor, target=target, write=True)
        clean = check(values) | target.values() | {"display_order": next_order(session, model, target)}
    else:
        current = load_item(session, actor=actor, model=model, item_id=item_id, expected_version=expected_version)
        clean = check(values)
        if on_change is not None:
            on_change(current, clean)
    return save_entity(
        session,
        actor=actor,
        model=model,
        entity_id=item_id,
        expected_version=expected_version,
        values=clean,
        action=form_action(action, item_id),
    )


def set_item_active(
    session: Session,
    *,
    actor: Actor,
    model: ScopedModel,
    item_id: int,
    expected_version: int | None,
    active: bool,
    action: str,
) -> Any:
    """Deactivate or reactivate an item, once the actor may change its place."""
    load_item(session, actor=actor, model=model, item_id=item_id, expected_version=expected_version)
    return save_active(
        session,
        actor=actor,
        model=model,
        entity_id=item_id,
        expected_version=expected_version,
        active=active,
        action=action,
    )


def load_item(session: Session, *, actor: Actor, model: ScopedModel, item_id: int, expected_version: int | None) -> Any:
    """An item about to change: StaleEdit if it changed meanwhile, refused unless the actor may change its target."""
    item = load_for_edit(session, model, item_id, expected_version)
    require_target(session, actor=actor, target=target_of(item), write=True)
    return item


def placed_snapshot(item: RequiredDocument | Question) -> dict[str, Any]:
    """What the audit keeps of a deleted item: its code, its French wording and its place."""
    return {
        "code": item.code,
        "label_fr": item.label_fr,
        "scope": Scope(item.scope).value,
        "centre_id": item.centre_id,
        "program_id": item.program_id,
    }
