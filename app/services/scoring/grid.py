"""A programme's scoring grid as those who configure the programme edit it: criteria, weights, scales, the rule.

Rights are the programme's (``offer.rights``: the central office, administrators, or the centre's manager when the
centre edits its offer), in a campaign not archived. Each save is version-checked and audited. Once scores exist a
criterion's scale cannot change and the criterion cannot be deleted (the stored values were typed on that scale):
it may be deactivated instead, which leaves the values stored and out of the totals. A change of weight, of
activity or of the rule recomputes every application's combined score of the programme in the same transaction.
"""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import Program, Score, ScoreRule, ScoringCriterion
from app.services.offer.campaigns import is_archived, require_open_campaign
from app.services.offer.rights import may_edit, readable, writable
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError, NotFound, StaleEdit
from app.services.platform.text_rules import check_text
from app.services.platform.versions import flush_versioned
from app.services.scoring.combine import recompute

MAX_WEIGHT, MAX_SCALE = 100, 1000
RULES = {ScoreRule.MEAN.value: N_("Moyenne des membres"), ScoreRule.MEDIAN.value: N_("Médiane des membres")}
SCALE_LOCKED = N_("Des notes existent sur ce critère : son barème ne peut plus changer (désactivez-le plutôt).")
DELETE_LOCKED = N_("Des notes existent sur ce critère : il ne peut pas être supprimé (désactivez-le plutôt).")


@dataclass(frozen=True)
class CriterionIn:
    """What the grid's form sends for one criterion (new or edited)."""

    label_fr: str
    label_en: str
    weight: int | None
    scale_max: int | None
    position: int = 0
    is_active: bool = True


@dataclass
class GridView:
    program_id: int
    program_version: int
    rule: str
    criteria: list[ScoringCriterion]
    scored: dict[int, int]  # criterion id → number of scores on it
    editable: bool


def scored_counts(session: Session, criterion_ids: list[int]) -> dict[int, int]:
    if not criterion_ids:
        return {}
    rows = session.exec(
        select(Score.criterion_id, func.count())
        .where(col(Score.criterion_id).in_(criterion_ids))
        .group_by(col(Score.criterion_id))
    ).all()
    return dict(rows)


def grid_view(session: Session, *, actor: Actor, program_id: int) -> GridView:
    program = readable(session, actor=actor, model=Program, entity_id=program_id, what="program")
    criteria = list(
        session.exec(
            select(ScoringCriterion)
            .where(ScoringCriterion.program_id == program_id)
            .order_by(col(ScoringCriterion.position), col(ScoringCriterion.id))
        ).all()
    )
    editable = not is_archived(session, program.campaign_id) and may_edit(
        session, actor=actor, centre_id=program.centre_id
    )
    scored = scored_counts(session, [c.id or 0 for c in criteria])
    return GridView(program_id, program.version, program.score_rule, criteria, scored, editable and not actor.read_only)


def _check(data: CriterionIn) -> CriterionIn:
    check_text(data.label_fr.strip(), field="label_fr", max_length=200)
    check_text(data.label_en.strip(), field="label_en", max_length=200)
    if not data.label_fr.strip():
        raise DomainError("required", N_("Indiquez le libellé en français."), field="label_fr")
    if not data.label_en.strip():
        raise DomainError("required", N_("Indiquez le libellé en anglais."), field="label_en")
    if data.weight is None or not 1 <= int(data.weight) <= MAX_WEIGHT:
        raise DomainError("bad_weight", N_("Le coefficient va de 1 à {max}."), field="weight", max=MAX_WEIGHT)
    if data.scale_max is None or not 1 <= int(data.scale_max) <= MAX_SCALE:
        raise DomainError("bad_scale", N_("Le barème va de 1 à {max}."), field="scale_max", max=MAX_SCALE)
    return data


def _writable_program(session: Session, actor: Actor, program_id: int) -> Program:
    program = writable(session, actor=actor, model=Program, entity_id=program_id, what="program")
    require_open_campaign(session, program.campaign_id)
    return program


def add_criterion(session: Session, *, actor: Actor, program_id: int, data: CriterionIn) -> ScoringCriterion:
    program = _writable_program(session, actor, program_id)
    _check(data)
    last = session.exec(
        select(func.max(ScoringCriterion.position)).where(ScoringCriterion.program_id == program_id)
    ).one()
    criterion = ScoringCriterion(
        program_id=program_id,
        label_fr=data.label_fr.strip(),
        label_en=data.label_en.strip(),
        weight=int(data.weight or 1),
        scale_max=int(data.scale_max or 20),
        position=(last or 0) + 1,
    )
    session.add(criterion)
    session.flush()
    audit_row(session, actor, "scoring.criterion_added", criterion, after=_snapshot(criterion))
    recompute(session, program_id, program.score_rule)  # a new criterion leaves every grid incomplete
    return criterion


def _snapshot(criterion: ScoringCriterion) -> dict[str, object]:
    return {name: getattr(criterion, name) for name in ("label_fr", "label_en", "weight", "scale_max", "is_active")}


def _criterion(session: Session, actor: Actor, criterion_id: int, expected_version: int) -> tuple:
    criterion = session.get(ScoringCriterion, criterion_id)
    if criterion is None:
        raise NotFound("criterion")
    program = _writable_program(session, actor, criterion.program_id)
    if criterion.version != expected_version:
        raise StaleEdit()
    return criterion, program


def update_criterion(
    session: Session, *, actor: Actor, criterion_id: int, expected_version: int, data: CriterionIn
) -> ScoringCriterion:
    criterion, program = _criterion(session, actor, criterion_id, expected_version)
    _check(data)
    before = _snapshot(criterion)
    if int(data.scale_max or 0) != criterion.scale_max and scored_counts(session, [criterion_id]):
        raise DomainError("scale_locked", SCALE_LOCKED, field="scale_max")
    criterion.label_fr, criterion.label_en = data.label_fr.strip(), data.label_en.strip()
    criterion.weight, criterion.scale_max = int(data.weight or 1), int(data.scale_max or 1)
    criterion.position, criterion.is_active = int(data.position), bool(data.is_active)
    flush_versioned(session)
    audit_row(session, actor, "scoring.criterion_changed", criterion, before=before, after=_snapshot(criterion))
    if (before["weight"], before["is_active"]) != (criterion.weight, criterion.is_active):
        recompute(session, program.id or 0, program.score_rule)
    return criterion


def delete_criterion(session: Session, *, actor: Actor, criterion_id: int, expected_version: int) -> None:
    criterion, program = _criterion(session, actor, criterion_id, expected_version)
    if scored_counts(session, [criterion_id]):
        raise DomainError("delete_locked", DELETE_LOCKED)
    audit_row(session, actor, "scoring.criterion_deleted", criterion, before=_snapshot(criterion))
    session.delete(criterion)
    flush_versioned(session)
    recompute(session, program.id or 0, program.score_rule)


def set_score_rule(session: Session, *, actor: Actor, program_id: int, rule: str, expected_version: int) -> Program:
    """The rule that combines the members' totals; returns the programme (its new version for the open form)."""
    program = _writable_program(session, actor, program_id)
    if rule not in RULES:
        raise DomainError("bad_rule", N_("Règle de combinaison inconnue."), field="score_rule")
    if program.version != expected_version:
        raise StaleEdit()
    if program.score_rule != rule:
        before = program.score_rule
        program.score_rule = rule
        flush_versioned(session)
        audit_row(
            session, actor, "scoring.rule_changed", program, before={"score_rule": before}, after={"score_rule": rule}
        )
        recompute(session, program_id, rule)
    return program
