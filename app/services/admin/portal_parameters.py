"""« Paramètres » (/admin/parametres): the central office overrides a parameter within its bounds, or drops the
override; each change version-checked and audited. What a parameter is and its effective value are
``platform/parameters.py``'s.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.i18n import N_
from app.models import PortalParameter, StaffMember
from app.services.admin.common import StaleEdit, require_admin
from app.services.platform import parameters
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import NotFound
from app.services.platform.form_checks import DossierInvalid
from app.services.platform.parameters import ParameterDef
from app.services.platform.versions import flush_versioned


@dataclass(frozen=True)
class ParameterView:
    definition: ParameterDef
    default: Any
    value: Any  # effective
    overridden: bool
    version: int  # 0 when no override is stored
    updated_at: datetime | None
    updated_by: str


def list_parameters(session: Session, *, actor: Actor) -> list[ParameterView]:
    """Every parameter with its default, its effective value and who changed it last (read straight from the DB)."""
    require_admin(session, actor=actor)
    rows = {row.name: row for row in session.exec(select(PortalParameter)).all()}
    names = dict(session.exec(select(StaffMember.id, StaffMember.display_name)).all())
    views = []
    for definition in parameters.DEFINITIONS:
        row = rows.get(definition.name)
        views.append(
            ParameterView(
                definition=definition,
                default=parameters.default(definition.name),
                value=row.value.get("value") if row else parameters.default(definition.name),
                overridden=row is not None,
                version=row.version if row else 0,
                updated_at=row.updated_at if row else None,
                updated_by=names.get(row.updated_by_staff_id, "") if row and row.updated_by_staff_id else "",
            )
        )
    return views


def _effective_in(session: Session, name: str) -> Any:
    row = session.get(PortalParameter, name)
    return row.value.get("value") if row is not None else parameters.default(name)


def _parse(definition: ParameterDef, raw: Any) -> int:
    try:
        if raw is None or raw == "" or isinstance(raw, bool):
            raise ValueError
        number = float(raw)
        if not number.is_integer():
            raise ValueError
        value = int(number)
    except (TypeError, ValueError):
        raise DossierInvalid({definition.name: N_("Indiquez un nombre entier.")}) from None
    if not definition.minimum <= value <= definition.maximum:
        raise DossierInvalid(
            {definition.name: N_("Indiquez une valeur entre {min} et {max}.")},
            {definition.name: {"min": definition.minimum, "max": definition.maximum}},
        )
    return value


def _check_order(session: Session, name: str, value: int) -> None:
    """The SVA thresholds and the confirmation delay's stay ordered, and a piece can hold at least one file of the
    largest size."""
    if name == "sva_red_days" and value <= (orange := _effective_in(session, "sva_orange_days")):
        raise DossierInvalid(
            {name: N_("Le seuil rouge doit dépasser le seuil orange ({orange} jours).")}, {name: {"orange": orange}}
        )
    if name == "sva_orange_days" and value >= (red := _effective_in(session, "sva_red_days")):
        raise DossierInvalid(
            {name: N_("Le seuil orange doit rester sous le seuil rouge ({red} jours).")}, {name: {"red": red}}
        )
    if name == "confirmation_last_delay_from_days" and value >= (
        short := _effective_in(session, "confirmation_short_delay_from_days")
    ):
        raise DossierInvalid(
            {name: N_("Le seuil d'un jour doit rester sous le seuil de 3 jours ({short} jours).")},
            {name: {"short": short}},
        )
    if name == "confirmation_short_delay_from_days" and value <= (
        last := _effective_in(session, "confirmation_last_delay_from_days")
    ):
        raise DossierInvalid(
            {name: N_("Le seuil de 3 jours doit dépasser le seuil d'un jour ({last} jours).")}, {name: {"last": last}}
        )
    if name == "max_piece_mb" and value < (file := _effective_in(session, "max_file_mb")):
        raise DossierInvalid(
            {name: N_("Une pièce doit pouvoir contenir un fichier de la taille maximale ({file} Mo).")},
            {name: {"file": file}},
        )
    if name == "max_file_mb" and value > (piece := _effective_in(session, "max_piece_mb")):
        raise DossierInvalid(
            {name: N_("Un fichier ne peut pas dépasser la taille maximale d'une pièce ({piece} Mo).")},
            {name: {"piece": piece}},
        )


def _definition(name: str) -> ParameterDef:
    definition = parameters.BY_NAME.get(name)
    if definition is None:
        raise NotFound("parameter")
    return definition


def _check_version(row: PortalParameter | None, expected_version: int) -> None:
    """``expected_version`` is the version the editor saw, 0 when no override was stored then."""
    if (row.version if row is not None else 0) != expected_version:
        raise StaleEdit()


def save_parameter(session: Session, *, actor: Actor, name: str, value: Any, expected_version: int) -> PortalParameter:
    """Store an override, validated against the parameter's bounds; a concurrent change is refused."""
    assignment = require_admin(session, actor=actor, write=True)
    definition = _definition(name)
    parsed = _parse(definition, value)
    _check_order(session, name, parsed)
    row = session.exec(select(PortalParameter).where(PortalParameter.name == name).with_for_update()).first()
    _check_version(row, expected_version)
    before = row.value.get("value") if row is not None else parameters.default(name)
    return _write(session, actor, row, name, parsed, before, assignment.staff_id)


def _write(
    session: Session, actor: Actor, row: PortalParameter | None, name: str, value: int, before: Any, staff_id: int
) -> PortalParameter:
    try:
        # In a savepoint: a row created meanwhile by someone else fails here without spoiling the transaction.
        with session.begin_nested():
            row = parameters.stage_row(session, row, name, value, staff_id)
            flush_versioned(session)
    except IntegrityError:
        raise StaleEdit() from None
    _changed(session, actor, "parameter.updated", name, before, value)
    return row


def reset_parameter(session: Session, *, actor: Actor, name: str, expected_version: int) -> None:
    """Drop the override: the default applies again."""
    require_admin(session, actor=actor, write=True)
    definition = _definition(name)
    row = session.exec(select(PortalParameter).where(PortalParameter.name == name).with_for_update()).first()
    _check_version(row, expected_version)
    if row is None:
        return
    before = row.value.get("value")
    _check_order(session, name, parameters.default(definition.name))
    session.delete(row)
    session.flush()
    _changed(session, actor, "parameter.reset", name, before, parameters.default(name))


def _changed(session: Session, actor: Actor, action: str, name: str, before: Any, after: Any) -> None:
    """Audit the change of one parameter; every server reads the parameters again once it commits."""
    audit(
        session,
        actor=actor,
        action=action,
        entity_type="portalparameter",
        entity_id=None,
        before={"name": name, "value": before},
        after={"name": name, "value": after},
    )
    parameters.invalidate_on_commit(session)
