"""Tags (« étiquettes ») staff put on applications, administered by the central office: institution-wide ones
(no centre), offered on every application, and a centre's own, offered on that centre's applications only.

A tag is renamed, recoloured or deactivated (kept on the applications that carry it, no longer offered), never
deleted. Two tags of one scope may not share a label, whatever its case.
"""

import re
from typing import Annotated, Any

from pydantic import AfterValidator
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import ApplicationCentre, Tag
from app.services.admin.common import require_admin, save_active
from app.services.offer import fields as f
from app.services.offer.saves import save_edited
from app.services.platform.actors import Actor
from app.services.platform.form_checks import DossierInvalid

FIELDS = ("label", "colour", "centre_id")
BAD_COLOUR = N_("Indiquez une couleur au format #RRVVBB, par exemple #3949ab.")
LABEL_TAKEN = N_("Une étiquette porte déjà ce nom pour cette portée.")
UNKNOWN_CENTRE = N_("Choisissez un centre de candidature dans la liste, ou l'établissement.")
_COLOUR = re.compile(r"#[0-9a-f]{6}")


def _colour(value: Any) -> str:
    text = str(value or "").strip().lower()
    if not _COLOUR.fullmatch(text):
        raise ValueError(BAD_COLOUR)
    return text


class TagIn(f.OfferSchema):
    label: Annotated[Any, AfterValidator(lambda value: f.text(value, 50, required=True))]
    colour: Annotated[Any, AfterValidator(_colour)]
    centre_id: int | None = None


def list_tags(session: Session, *, actor: Actor) -> list[Tag]:
    """Every tag: active ones first, the institution's before the centres', by label."""
    require_admin(session, actor=actor)
    rows = session.exec(select(Tag)).all()
    return sorted(rows, key=lambda t: (not t.is_active, t.centre_id is not None, t.centre_id or 0, t.label.casefold()))


def tag_scopes(session: Session, *, actor: Actor) -> dict[int, str]:
    """The centres a tag may belong to (id → « CODE — label »); no centre is the institution."""
    require_admin(session, actor=actor)
    centres = session.exec(select(ApplicationCentre).order_by(col(ApplicationCentre.code))).all()
    return {c.id or 0: f"{c.code} — {c.label_fr}" for c in centres}


def new_tag() -> Tag:
    return Tag(label="", colour="#3949ab", centre_id=None)


def save_tag(session: Session, *, actor: Actor, tag: Tag) -> Tag:
    """Create or update ``tag`` as edited on screen; a label taken in its scope is refused next to the field."""
    require_admin(session, actor=actor, write=True)
    data = f.check(TagIn, {name: getattr(tag, name) for name in FIELDS})
    if data.centre_id is not None and session.get(ApplicationCentre, data.centre_id) is None:
        raise DossierInvalid({"centre_id": UNKNOWN_CENTRE})
    scope = select(Tag.label).where(
        col(Tag.centre_id).is_(None) if data.centre_id is None else Tag.centre_id == data.centre_id,
        Tag.id != (tag.id or 0),
    )
    # Compared in Python: SQLite's lower() leaves « À » as it is.
    if data.label.casefold() in {label.casefold() for label in session.exec(scope).all()}:
        raise DossierInvalid({"label": LABEL_TAKEN})
    return save_edited(session, actor=actor, entity=tag, values=data.model_dump(), kind="tag")


def set_tag_active(session: Session, *, actor: Actor, tag_id: int, expected_version: int | None, active: bool) -> Tag:
    """Deactivate (no longer offered; applications keep it) or reactivate a tag."""
    require_admin(session, actor=actor, write=True)
    return save_active(
        session,
        actor=actor,
        model=Tag,
        entity_id=tag_id,
        expected_version=expected_version,
        active=active,
        action="tag",
    )
