"""Committees ("commissions") of a centre: contacts, postal address, signatory, letter and alert settings.

Rights as for programmes: the central office everywhere; a centre's managers on their centre when the central
office lets the centre edit its offer (read-only otherwise). A committee is deactivated, never deleted, and not
while active programmes still send it their applications. Members: :mod:`app.services.admin.committee_members`;
signature image: :mod:`app.services.decisions.committee_signature`.
"""

import re
from dataclasses import dataclass
from typing import Any

from pydantic import field_validator
from sqlalchemy import func
from sqlmodel import Session, select

from app.i18n import N_
from app.models import ApplicationCentre, Committee, Program, StaffRole, StaffRoleAssignment
from app.services.admin.committee_members import president_of
from app.services.admin.common import require_centre_offer, save_active
from app.services.dossier import referentials
from app.services.offer import fields as f
from app.services.offer.calendar_rules import Issues
from app.services.offer.rights import may_edit, readable, visible_centres, writable
from app.services.offer.saves import save_edited
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, NotFound

FIELDS = (
    "centre_id",
    "code",
    "label_fr",
    "label_en",
    "contact_email",
    "phone",
    "address_line1",
    "address_line2",
    "address_line3",
    "postcode",
    "city",
    "country",
    "signatory_name",
    "signatory_title",
    "letters_downloadable",
    "letters_attached_to_mail",
    "alert_on_new_application",
    "alert_on_transmission",
    "alert_on_cancellation",
    "alert_on_withdrawal",
    "alert_on_waiting_list_call",
)
ALERTS: dict[str, str] = {
    "alert_on_new_application": N_("Nouvelle candidature"),
    "alert_on_transmission": N_("Dossier transmis"),
    "alert_on_cancellation": N_("Candidature annulée"),
    "alert_on_withdrawal": N_("Désistement d'un candidat"),
    "alert_on_waiting_list_call": N_("Appel d'un candidat de la liste complémentaire"),
}
CENTRE_WITH_PROGRAMS = N_("Des formations sont rattachées à cette commission : elle ne peut pas changer de composante.")
STILL_USED = N_(
    "Des formations actives sont examinées par cette commission ({count}) : rattachez-les à une autre commission "
    "ou désactivez-les avant de la désactiver."
)
BAD_COUNTRY = N_("Choisissez un pays dans la liste.")
BAD_POSTCODE = N_("Saisissez un code postal français de 5 chiffres.")


class CommitteeIn(f.OfferSchema):
    centre_id: f.Choice
    code: f.Code
    label_fr: f.Label
    label_en: f.Label
    contact_email: f.Email
    phone: Any = None
    address_line1: Any = ""
    address_line2: Any = ""
    address_line3: Any = ""
    postcode: Any = ""
    city: Any = ""
    country: Any = "FR"
    signatory_name: Any = ""
    signatory_title: Any = ""
    letters_downloadable: bool = True
    letters_attached_to_mail: bool = False
    alert_on_new_application: bool = False
    alert_on_transmission: bool = True
    alert_on_cancellation: bool = False
    alert_on_withdrawal: bool = True
    alert_on_waiting_list_call: bool = True

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: Any) -> str | None:
        return f.phone(value)

    @field_validator("address_line1", "address_line2", "address_line3", "city")
    @classmethod
    def _address(cls, value: Any) -> str:
        return f.text(value, 100)

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: Any) -> str:
        return f.text(value, 10).upper()

    @field_validator("country")
    @classmethod
    def _country(cls, value: Any) -> str:
        code = str(value or "").strip().upper()
        if not referentials.is_country(code):
            raise ValueError(BAD_COUNTRY)
        return code

    @field_validator("signatory_name", "signatory_title")
    @classmethod
    def _signatory(cls, value: Any) -> str:
        return f.text(value, 200)


@dataclass(frozen=True)
class CommitteeRow:
    committee: Committee
    centre: ApplicationCentre
    programs: int  # active programmes it examines
    members: int
    president: str | None  # display name
    editable: bool


def _count_programs(session: Session, committee_id: int | None) -> int:
    query = select(func.count(Program.id)).where(Program.committee_id == committee_id, Program.is_active)  # type: ignore[arg-type]
    return int(session.exec(query).one())


def _count_members(session: Session, committee_id: int | None) -> int:
    query = select(func.count(StaffRoleAssignment.id)).where(  # type: ignore[arg-type]
        StaffRoleAssignment.committee_id == committee_id, StaffRoleAssignment.role == StaffRole.COMMITTEE_MEMBER
    )
    return int(session.exec(query).one())


def _row(session: Session, actor: Actor, committee: Committee) -> CommitteeRow:
    centre = session.get(ApplicationCentre, committee.centre_id)
    assert centre is not None
    president = president_of(session, committee.id)
    return CommitteeRow(
        committee=committee,
        centre=centre,
        programs=_count_programs(session, committee.id),
        members=_count_members(session, committee.id),
        president=president.display_name if president else None,
        editable=may_edit(session, actor=actor, centre_id=committee.centre_id),
    )


def list_committees(session: Session, *, actor: Actor, centre_id: int | None = None) -> list[CommitteeRow]:
    """The committees the actor may see (all, or their centre's), active ones first, by centre and code."""
    visible = visible_centres(session, actor=actor)
    query = select(Committee)
    if visible is not None:
        query = query.where(Committee.centre_id.in_(visible))  # type: ignore[attr-defined]
    if centre_id is not None:
        query = query.where(Committee.centre_id == centre_id)
    rows = [_row(session, actor, committee) for committee in session.exec(query).all()]
    return sorted(rows, key=lambda r: (r.centre.code, not r.committee.is_active, r.committee.code))


def open_committee(session: Session, *, actor: Actor, committee_id: int) -> CommitteeRow:
    committee = readable(session, actor=actor, model=Committee, entity_id=committee_id, what="committee")
    return _row(session, actor, committee)


def new_committee(session: Session, *, actor: Actor, centre_id: int) -> Committee:
    """An unsaved committee of ``centre_id`` for the creation form (the centre's contact as a start)."""
    require_centre_offer(session, actor=actor, centre_id=centre_id, write=True)
    centre = session.get(ApplicationCentre, centre_id)
    if centre is None:
        raise NotFound("centre")
    return Committee(centre_id=centre_id, code="", label_fr="", label_en="", contact_email=centre.contact_email)


def save_committee(session: Session, *, actor: Actor, committee: Committee) -> Committee:
    """Create or update ``committee`` as edited on screen; the second of two concurrent saves is refused."""
    stored = session.get(Committee, committee.id) if committee.id is not None else None
    if committee.id is not None and stored is None:
        raise NotFound("committee")
    if stored is not None:
        require_centre_offer(session, actor=actor, centre_id=stored.centre_id, write=True)
    if committee.centre_id is not None:
        require_centre_offer(session, actor=actor, centre_id=committee.centre_id, write=True)
    values = {name: getattr(committee, name) for name in FIELDS}
    extra = Issues()
    if stored is not None and committee.centre_id != stored.centre_id:
        used = session.exec(select(func.count(Program.id)).where(Program.committee_id == stored.id)).one()  # type: ignore[arg-type]
        if used:
            extra.add("centre_id", CENTRE_WITH_PROGRAMS)
    postcode = str(values.get("postcode") or "").strip()
    if str(values.get("country") or "").upper() == "FR" and postcode and not re.fullmatch(r"\d{5}", postcode):
        extra.add("postcode", BAD_POSTCODE)
    data = f.check(CommitteeIn, values, extra)
    return save_edited(session, actor=actor, entity=committee, values=data.model_dump(), kind="committee")


def set_committee_active(
    session: Session, *, actor: Actor, committee_id: int, expected_version: int | None, active: bool
) -> Committee:
    """Deactivate (refused while active programmes use it) or reactivate a committee."""
    writable(session, actor=actor, model=Committee, entity_id=committee_id, what="committee")
    if not active:
        used = _count_programs(session, committee_id)
        if used:
            raise DomainError("committee_in_use", STILL_USED, count=used)
    return save_active(
        session,
        actor=actor,
        model=Committee,
        entity_id=committee_id,
        expected_version=expected_version,
        active=active,
        action="committee",
    )
