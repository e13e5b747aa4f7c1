"""A programme's examining committees (« Commissions d'examen », ``ProgramCommittee``): listed with their role,
whether their opinion is required, and the one final committee; saved as a whole from the programme's page.

Rights as the programme's own form (``offer/rights``): who may change the programme's centre offer, in a campaign
that is not archived. The save is version-checked as a whole: the page sends the stamp of the rows it read, and a
list changed meanwhile by someone else is refused (:class:`StaleEdit`), never merged. A committee that has given
opinions is not removed (they would lose their author's role); a committee of another centre, the programme's own
committee and a second final committee are refused with a message.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import Application, Committee, CommitteeOpinion, Program, ProgramCommittee
from app.services.admin.programs import ARCHIVED, COMMITTEE_ELSEWHERE
from app.services.offer.campaigns import is_archived
from app.services.offer.examining import examining_committees, forget_examining_committees
from app.services.offer.rights import may_edit, readable, writable
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, StaleEdit
from app.services.platform.text_rules import check_text, column_limit

OWN_COMMITTEE = N_("La commission de la formation décide déjà : elle ne figure pas parmi les commissions d'examen.")
TWICE = N_("La commission « {committee} » figure deux fois : gardez-en une seule ligne.")
INACTIVE = N_("La commission « {committee} » est désactivée : choisissez-en une autre.")
ROLE_REQUIRED = N_("Indiquez le rôle de la commission « {committee} » (par exemple « Examen pédagogique »).")
TWO_FINALS = N_("Une seule commission peut être la commission finale.")
HAS_OPINIONS = N_("La commission « {committee} » a déjà donné des avis : elle ne peut plus être retirée.")


@dataclass(frozen=True)
class ExaminingRow:
    """One examining committee as the form sends it (and as the page shows it)."""

    committee_id: int
    role_fr: str
    role_en: str = ""
    required: bool = True
    is_final: bool = False


@dataclass(frozen=True)
class ExaminingCommittees:
    """What the « Commissions d'examen » section shows and may offer."""

    rows: list[ExaminingRow]
    labels: dict[int, tuple[str, str]]  # committee id → (French, English) label, for the rows and the choices
    choices: list[int]  # the committees that may be added: active, of the programme's centre, not its own
    stamp: str  # what « Enregistrer » sends back
    editable: bool


def _stamp(rows: list[ProgramCommittee]) -> str:
    return ",".join(f"{row.id}:{row.version}" for row in sorted(rows, key=lambda row: row.id or 0))


def program_committees(session: Session, *, actor: Actor, program_id: int) -> ExaminingCommittees:
    """The programme's examining committees, the committees that may be added, and whether the actor may."""
    program = readable(session, actor=actor, model=Program, entity_id=program_id, what="program")
    listed = examining_committees(session, program_id)
    centre_committees = session.exec(
        select(Committee).where(Committee.centre_id == program.centre_id).order_by(col(Committee.code))
    ).all()
    labels = {committee.id or 0: (committee.label_fr, committee.label_en) for committee in centre_committees}
    rows = [ExaminingRow(row.committee_id, row.role_fr, row.role_en, row.required, row.is_final) for row in listed]
    choices = [c.id or 0 for c in centre_committees if c.is_active and c.id != program.committee_id]
    editable = not is_archived(session, program.campaign_id) and may_edit(
        session, actor=actor, centre_id=program.centre_id
    )
    return ExaminingCommittees(rows, labels, choices, _stamp(listed), editable)


def save_program_committees(
    session: Session, *, actor: Actor, program_id: int, rows: list[ExaminingRow], stamp: str
) -> ExaminingCommittees:
    """Replace the programme's examining committees with ``rows`` (in their order), checked, audited."""
    program = writable(session, actor=actor, model=Program, entity_id=program_id, what="program")
    if is_archived(session, program.campaign_id):
        raise DomainError("campaign_archived", ARCHIVED)
    stored = {row.committee_id: row for row in examining_committees(session, program_id)}
    if _stamp(list(stored.values())) != stamp:
        raise StaleEdit()
    wanted = _checked(session, program, rows, stored)
    _refuse_removal_with_opinions(session, program_id, set(stored) - {row.committee_id for row in wanted})
    before = [_snapshot(row) for row in stored.values()]
    for committee_id in set(stored) - {row.committee_id for row in wanted}:
        session.delete(stored.pop(committee_id))
    for position, row in enumerate(wanted):
        record = stored.get(row.committee_id) or ProgramCommittee(
            program_id=program_id, committee_id=row.committee_id, role_fr=row.role_fr, role_en=row.role_en
        )
        record.role_fr, record.role_en, record.required, record.position = (
            row.role_fr,
            row.role_en,
            row.required,
            position,
        )
        record.is_final = False  # set below, once no other row holds it (the partial unique index)
        stored[row.committee_id] = record
        session.add(record)
    session.flush()
    for row in wanted:
        if row.is_final:
            stored[row.committee_id].is_final = True
    session.flush()
    forget_examining_committees(session)  # the list read above has changed
    after = [_snapshot(stored[row.committee_id]) for row in wanted]
    if before != after:
        audit(
            session,
            actor=actor,
            action="program.committees_saved",
            entity_type="program",
            entity_id=program_id,
            before={"committees": before},
            after={"committees": after},
        )
    return program_committees(session, actor=actor, program_id=program_id)


def _snapshot(row: ProgramCommittee) -> dict[str, object]:
    return {
        "committee_id": row.committee_id,
        "role_fr": row.role_fr,
        "role_en": row.role_en,
        "required": row.required,
        "is_final": row.is_final,
    }


def _checked(
    session: Session, program: Program, rows: list[ExaminingRow], stored: dict[int, ProgramCommittee]
) -> list[ExaminingRow]:
    """The rows, each checked, their roles trimmed; the first refusal is raised, naming the committee."""
    checked, seen = [], set()
    limit = column_limit(ProgramCommittee, "role_fr")
    for row in rows:
        committee = session.get(Committee, row.committee_id)
        if committee is None or committee.centre_id != program.centre_id:
            raise DomainError("committee_elsewhere", COMMITTEE_ELSEWHERE, field="committee_id")
        name = committee.label_fr
        if committee.id == program.committee_id:
            raise DomainError("own_committee", OWN_COMMITTEE, field="committee_id")
        if committee.id in seen:
            raise DomainError("committee_twice", TWICE, field="committee_id", committee=name)
        if not committee.is_active and committee.id not in stored:
            raise DomainError("committee_inactive", INACTIVE, field="committee_id", committee=name)
        role_fr = check_text(row.role_fr.strip(), field="role_fr", max_length=limit)
        role_en = check_text(row.role_en.strip(), field="role_en", max_length=limit)
        if not role_fr:
            raise DomainError("role_required", ROLE_REQUIRED, field="role_fr", committee=name)
        seen.add(committee.id)
        checked.append(ExaminingRow(committee.id or 0, role_fr, role_en, row.required, row.is_final))
    if sum(row.is_final for row in checked) > 1:
        raise DomainError("two_finals", TWO_FINALS, field="is_final")
    return checked


def _refuse_removal_with_opinions(session: Session, program_id: int, removed: set[int]) -> None:
    if not removed:
        return
    given = session.exec(
        select(CommitteeOpinion.committee_id)
        .join(Application, col(Application.id) == col(CommitteeOpinion.application_id))
        .where(Application.program_id == program_id, col(CommitteeOpinion.committee_id).in_(removed))
    ).first()
    if given is not None:
        committee = session.get(Committee, given)
        name = committee.label_fr if committee else "?"
        raise DomainError("committee_has_opinions", HAS_OPINIONS, field="committee_id", committee=name)
