"""Programmes ("formations") of the active campaign: list by centre, create (prefilled from the centre's default
calendar), edit every field, deactivate.

Rights: the central office everywhere; a centre manager on their own centre only, and only when the central office
lets that centre edit its offer (otherwise read-only). A programme of an archived campaign is read-only.

Calendar changes on a programme that already has live applications are checked by
:func:`app.services.offer.calendar_rules.check_change`: a passed opening can no longer be moved later (refused); other
changes candidates may feel (window shortened or closed, return date brought forward, announced dates moved) are
allowed once the editor has read the warnings (:class:`CalendarWarnings`, then ``acknowledge=True``).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from app import clock
from app.i18n import N_
from app.models import (
    Application,
    ApplicationCentre,
    Campaign,
    Committee,
    DecisionKind,
    DecisionType,
    DiplomaType,
    Procedure,
    Program,
)
from app.services.admin.common import require_centre_offer, save_active, snapshot
from app.services.offer import calendar_rules as cal
from app.services.offer import fields as f
from app.services.offer.campaigns import active_campaign as active_campaign
from app.services.offer.examining import examining_committees
from app.services.offer.program_schema import CHOOSE, ProgramIn
from app.services.offer.rights import may_edit, readable, require_offer_reader, visible_centres, writable
from app.services.offer.saves import save_edited
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError, NotFound

DESCRIPTION_FIELDS = (
    "centre_id",
    "committee_id",
    "diploma_type_id",
    "code",
    "label_fr",
    "label_en",
    "keywords",
    "info_url",
    "capacity",
    "procedure",
    "has_waiting_list",
    "favorable_decision_type_id",
    "waiting_list_call_decision_type_id",
)
FIELDS = (*DESCRIPTION_FIELDS, *cal.FIELDS)
PROCEDURE_LABELS: dict[Procedure, str] = {
    Procedure.ONLINE: N_("Dématérialisée (pièces déposées en ligne)"),
    Procedure.PAPER: N_("Papier (dossier envoyé par courrier à la commission)"),
}

NO_ACTIVE_CAMPAIGN = N_("Aucune campagne n'est active : activez d'abord une campagne pour y créer des formations.")
ARCHIVED = N_("Cette formation appartient à une campagne archivée : elle n'est plus modifiable.")
COMMITTEE_ELSEWHERE = N_("Choisissez une commission de la composante de cette formation.")
COMMITTEE_EXAMINING = N_(
    "Cette commission figure parmi les commissions d'examen de la formation : retirez-la d'abord de cette liste."
)
INACTIVE_CHOICE = N_("Cet élément est désactivé : choisissez-en un autre.")
NOT_FAVORABLE = N_("Choisissez un type d'avis favorable.")
CENTRE_WITH_APPLICATIONS = N_(
    "Cette formation a déjà des candidatures : elle ne peut plus changer de composante. "
    "Créez une nouvelle formation dans l'autre composante."
)
WARNINGS_TO_ACKNOWLEDGE = N_("Ces changements touchent des candidatures existantes : relisez les avertissements.")


class CalendarWarnings(DomainError):
    """The change is allowed but affects existing applications: shown, then saved again with ``acknowledge``."""

    def __init__(self, warnings: list[tuple[str, dict[str, Any]]]) -> None:
        super().__init__("calendar_warnings", WARNINGS_TO_ACKNOWLEDGE)
        self.warnings = warnings


@dataclass(frozen=True)
class ProgramRow:
    """One line of the programmes list."""

    program: Program
    centre: ApplicationCentre
    committee: Committee | None
    diploma_type: DiplomaType | None
    applications: int
    editable: bool


@dataclass(frozen=True)
class Choices:
    """What the programme form offers in its lists (rows, labelled in the reader's language by the screen)."""

    centres: list[ApplicationCentre]
    committees: list[Committee]
    diploma_types: list[DiplomaType]
    favorable_types: list[DecisionType]


def live_applications(session: Session, program_id: int | None) -> int:
    """Applications to the programme that are not cancelled."""
    if program_id is None:
        return 0
    query = select(func.count(Application.id)).where(  # type: ignore[arg-type]
        Application.program_id == program_id,
        Application.cancelled_at.is_(None),  # type: ignore[union-attr]
    )
    return int(session.exec(query).one())


def list_programs(
    session: Session, *, actor: Actor, centre_id: int | None = None, campaign_id: int | None = None
) -> list[ProgramRow]:
    """The programmes of the campaign (the active one unless told) the actor may see, by centre then code."""
    visible = visible_centres(session, actor=actor)
    if campaign_id is None:
        campaign = active_campaign(session)
        if campaign is None:
            return []
        campaign_id = campaign.id
    query = select(Program).where(Program.campaign_id == campaign_id)
    if visible is not None:
        query = query.where(Program.centre_id.in_(visible))  # type: ignore[attr-defined]
    if centre_id is not None:
        query = query.where(Program.centre_id == centre_id)
    programs = session.exec(query).all()
    counts = dict(
        session.exec(
            select(Application.program_id, func.count(Application.id))  # type: ignore[arg-type]
            .where(Application.campaign_id == campaign_id, Application.cancelled_at.is_(None))  # type: ignore[union-attr]
            .group_by(Application.program_id)
        ).all()
    )
    editable: dict[int, bool] = {}
    rows = []
    for program in programs:
        if program.centre_id not in editable:
            editable[program.centre_id] = may_edit(session, actor=actor, centre_id=program.centre_id)
        centre = session.get(ApplicationCentre, program.centre_id)
        assert centre is not None
        rows.append(
            ProgramRow(
                program=program,
                centre=centre,
                committee=session.get(Committee, program.committee_id),
                diploma_type=session.get(DiplomaType, program.diploma_type_id),
                applications=int(counts.get(program.id, 0)),
                editable=editable[program.centre_id],
            )
        )
    return sorted(rows, key=lambda r: (r.centre.code, not r.program.is_active, r.program.code))


def open_program(session: Session, *, actor: Actor, program_id: int) -> ProgramRow:
    """One programme as its form shows it, with whether the actor may change it."""
    program = readable(session, actor=actor, model=Program, entity_id=program_id, what="program")
    centre = session.get(ApplicationCentre, program.centre_id)
    assert centre is not None
    campaign = session.get(Campaign, program.campaign_id)
    archived = campaign is None or campaign.archived_at is not None
    return ProgramRow(
        program=program,
        centre=centre,
        committee=session.get(Committee, program.committee_id),
        diploma_type=session.get(DiplomaType, program.diploma_type_id),
        applications=live_applications(session, program.id),
        editable=not archived and may_edit(session, actor=actor, centre_id=program.centre_id),
    )


def new_program(session: Session, *, actor: Actor, centre_id: int) -> Program:
    """An unsaved programme of the active campaign in ``centre_id``, its calendar taken from the centre's defaults."""
    require_centre_offer(session, actor=actor, centre_id=centre_id, write=True)
    centre = session.get(ApplicationCentre, centre_id)
    if centre is None:
        raise NotFound("centre")
    campaign = active_campaign(session)
    if campaign is None:
        raise DomainError("no_active_campaign", NO_ACTIVE_CAMPAIGN)
    committees = _committees(session, centre_id)
    return Program(
        campaign_id=campaign.id,
        centre_id=centre_id,
        committee_id=committees[0].id if len(committees) == 1 else None,
        code="",
        label_fr="",
        label_en="",
        keywords="",
        capacity=None,
        procedure=Procedure.ONLINE,
        has_waiting_list=True,
        **cal.defaults_of(centre),
    )


def _committees(session: Session, centre_id: int) -> list[Committee]:
    query = select(Committee).where(Committee.centre_id == centre_id, Committee.is_active)
    return list(session.exec(query.order_by(Committee.code)).all())


def choices(session: Session, *, actor: Actor, centre_id: int) -> Choices:
    """The lists of the programme form for a programme of ``centre_id``."""
    require_offer_reader(session, actor=actor, centre_id=centre_id)
    visible = visible_centres(session, actor=actor)
    centres = session.exec(select(ApplicationCentre).order_by(ApplicationCentre.code)).all()
    types = session.exec(select(DiplomaType).order_by(DiplomaType.display_order, DiplomaType.code)).all()
    favorable = session.exec(
        select(DecisionType).where(DecisionType.kind == DecisionKind.FAVORABLE).order_by(DecisionType.code)
    ).all()
    return Choices(
        centres=[c for c in centres if visible is None or c.id in visible],
        committees=list(session.exec(select(Committee).where(Committee.centre_id == centre_id)).all()),
        diploma_types=list(types),
        favorable_types=list(favorable),
    )


def _references(session: Session, data: ProgramIn, stored: Program | None) -> cal.Issues:
    """Each chosen row exists, is active (unless the programme already used it) and fits the programme."""
    issues = cal.Issues()

    def kept(name: str, value: Any) -> bool:
        return stored is not None and getattr(stored, name) == value

    centre = session.get(ApplicationCentre, data.centre_id)
    if centre is None:
        issues.add("centre_id", CHOOSE)
    elif not centre.is_active and not kept("centre_id", data.centre_id):
        issues.add("centre_id", INACTIVE_CHOICE)
    committee = session.get(Committee, data.committee_id)
    if committee is None or committee.centre_id != data.centre_id:
        issues.add("committee_id", COMMITTEE_ELSEWHERE)
    elif not committee.is_active and not kept("committee_id", data.committee_id):
        issues.add("committee_id", INACTIVE_CHOICE)
    elif stored is not None and committee.id in {row.committee_id for row in examining_committees(session, stored.id)}:
        issues.add("committee_id", COMMITTEE_EXAMINING)
    diploma = session.get(DiplomaType, data.diploma_type_id)
    if diploma is None:
        issues.add("diploma_type_id", CHOOSE)
    elif not diploma.is_active and not kept("diploma_type_id", data.diploma_type_id):
        issues.add("diploma_type_id", INACTIVE_CHOICE)
    for name in ("favorable_decision_type_id", "waiting_list_call_decision_type_id"):
        type_id = getattr(data, name)
        if type_id is None:
            continue
        decision_type = session.get(DecisionType, type_id)
        if decision_type is None or decision_type.kind != DecisionKind.FAVORABLE:
            issues.add(name, NOT_FAVORABLE)
        elif not decision_type.is_active and not kept(name, type_id):
            issues.add(name, INACTIVE_CHOICE)
    return issues


def _raw(entity: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(entity, name) for name in names}


def _require_current_campaign(session: Session, campaign_id: int | None) -> None:
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    if campaign is None or campaign.archived_at is not None:
        raise DomainError("campaign_archived", ARCHIVED)


def save_program(session: Session, *, actor: Actor, program: Program, acknowledge: bool = False) -> Program:
    """Create or update ``program`` as edited on screen: every field checked, calendar consistent, audited.

    Raises :class:`DossierInvalid` (fields in error), :class:`CalendarWarnings` (unless ``acknowledge``),
    :class:`StaleEdit` (somebody saved it meanwhile) or Forbidden.
    """
    stored = session.get(Program, program.id) if program.id is not None else None
    if program.id is not None and stored is None:
        raise NotFound("program")
    if stored is not None:
        require_centre_offer(session, actor=actor, centre_id=stored.centre_id, write=True)
        campaign_id = stored.campaign_id
    else:
        campaign = active_campaign(session)
        if campaign is None:
            raise DomainError("no_active_campaign", NO_ACTIVE_CAMPAIGN)
        campaign_id = campaign.id
    _require_current_campaign(session, campaign_id)
    if program.centre_id is not None:
        require_centre_offer(session, actor=actor, centre_id=program.centre_id, write=True)
    values = _raw(program, FIELDS)
    issues = cal.check_calendar(values, required=cal.REQUIRED_FOR_PROGRAM)
    applications = live_applications(session, program.id)
    warnings: list[tuple[str, dict[str, Any]]] = []
    if stored is not None:
        refused, warnings = cal.check_change(
            _raw(stored, cal.FIELDS), values, applications=applications, now=clock.now()
        )
        issues.merge(refused)
        if applications and program.centre_id != stored.centre_id:
            issues.add("centre_id", CENTRE_WITH_APPLICATIONS)
    data = f.check(ProgramIn, values, issues)
    f.check(ProgramIn, values, _references(session, data, stored))
    if warnings and not acknowledge:
        raise CalendarWarnings(warnings)
    values = {**data.model_dump(), **({"campaign_id": campaign_id} if stored is None else {})}
    saved = save_edited(session, actor=actor, entity=program, values=values, kind="program")
    if stored is not None and applications:
        _carry_applications(session, actor, saved)
    return saved


def _carry_applications(session: Session, actor: Actor, program: Program) -> None:
    """Applications follow their programme to its new committee (they mirror it for the committee's views)."""
    moved = session.exec(
        select(func.count(Application.id)).where(  # type: ignore[arg-type]
            Application.program_id == program.id, Application.committee_id != program.committee_id
        )
    ).one()
    if not moved:
        return
    session.execute(
        update(Application)
        .where(Application.program_id == program.id)  # type: ignore[arg-type]
        .values(committee_id=program.committee_id)
    )
    audit_row(
        session,
        actor,
        "program.applications_moved",
        program,
        after={"committee_id": program.committee_id, "applications": int(moved)},
    )


def set_program_active(
    session: Session, *, actor: Actor, program_id: int, expected_version: int | None, active: bool
) -> Program:
    """Deactivate (withdrawn from the offer; its applications stay and are still processed) or reactivate."""
    stored = writable(session, actor=actor, model=Program, entity_id=program_id, what="program")
    _require_current_campaign(session, stored.campaign_id)
    return save_active(
        session,
        actor=actor,
        model=Program,
        entity_id=program_id,
        expected_version=expected_version,
        active=active,
        action="program",
    )


def calendar_of(program: Program) -> dict[str, Any]:
    """The programme's calendar fields, JSON-ready (for previews and the audit)."""
    return snapshot(program, cal.FIELDS)
