"""A member's scores of one application, and what the « Évaluation » section of the staff page shows.

Who may score is who may enter a decision on the application (``ENTER_ROLES``: committee members, centre managers,
the central office, administrators) within the scope rule (``require_application_in_scope``), and the members of the
committees examining the programme (they read it and give their opinion: scoring is part of that examination).
Scores are refused once the application's decision is published, and for read-only roles. Each member's scores are
kept and audited in the application's history; managers also read the others' scores and the combined score,
committee members their own.
"""

import re
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import Application, Program, Score, ScoringCriterion, StaffMember
from app.models.scoring import TENTHS
from app.services.applications.staff_scope import require_application_in_scope
from app.services.decisions.staff_decisions import CANCELLED, ENTER_ROLES, PUBLISH_ROLES
from app.services.offer.campaigns import require_open_campaign
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError, Forbidden
from app.services.platform.labels import label_in
from app.services.platform.notifications import notify_candidate
from app.services.scoring.combine import active_criteria, combine, member_total, recompute, values_by_member

SCORE_ROLES = ENTER_ROLES
PUBLISHED = N_("L'avis de cette candidature est publié : les notes ne peuvent plus changer.")
READ_ONLY = N_("Votre rôle permet de lire les notes, pas d'en saisir.")
NO_GRID = N_("Cette formation n'a pas de grille d'évaluation.")
BAD_VALUE = N_("« {label} » : saisissez une note de 0 à {scale}, avec au plus une décimale (par exemple 14,5).")
_NUMBER = re.compile(r"^\d{1,4}([.,]\d)?$")


def parse_score(text: str | None, criterion: ScoringCriterion, lang: str = "fr") -> int | None:
    """Tenths of a point from what was typed (« 14 », « 14,5 », « 14.5 »); empty: no score; refused by its input."""
    typed = (text or "").strip()
    if not typed:
        return None
    if not _NUMBER.match(typed):
        raise _bad(criterion, lang)
    whole, _sep, tenth = typed.replace(",", ".").partition(".")
    value = int(whole) * TENTHS + int(tenth or 0)
    if value > criterion.scale_max * TENTHS:
        raise _bad(criterion, lang)
    return value


def _bad(criterion: ScoringCriterion, lang: str) -> DomainError:
    label = label_in(criterion, lang)
    return DomainError(
        "bad_score", BAD_VALUE, field=f"criterion-{criterion.id}", label=label, scale=criterion.scale_max
    )


def format_tenths(value: int | None) -> str:
    """« 14,5 » or « 14 » (French decimal comma is the page's business: this is the stored form, a dot)."""
    if value is None:
        return ""
    return str(value // TENTHS) if value % TENTHS == 0 else f"{value // TENTHS}.{value % TENTHS}"


def scoring_refusal(application: Application) -> DomainError | None:
    """Why nobody may score this application now (None: open)."""
    if application.cancelled_at is not None:
        return DomainError("cancelled", CANCELLED)
    if application.last_decision_published:
        return DomainError("published", PUBLISHED)
    return None


def enter_scores(
    session: Session, *, actor: Actor, application_id: int, values: dict[int, str | None], lang: str = "fr"
) -> Application:
    """Save the actor's scores (criterion id → typed value; empty removes one), then recompute the combined score.

    Every value is checked before anything is written; the application row is locked so two members' saves
    recompute one after the other."""
    # Read scope, not write: an examining committee's members read the application and score it.
    application, role = require_application_in_scope(
        session, actor=actor, application_id=application_id, roles=SCORE_ROLES, lock=True
    )
    if role.read_only or actor.read_only or actor.staff_id is None:
        raise Forbidden()
    require_open_campaign(session, application.campaign_id)  # an archived campaign is read-only for all
    refusal = scoring_refusal(application)
    if refusal is not None:
        raise refusal
    criteria = {c.id or 0: c for c in active_criteria(session, application.program_id)}
    if not criteria:
        raise DomainError("no_grid", NO_GRID)
    parsed = {cid: parse_score(values.get(cid), criterion, lang) for cid, criterion in criteria.items()}
    stored = {
        row.criterion_id: row
        for row in session.exec(
            select(Score).where(Score.application_id == application_id, Score.staff_id == actor.staff_id)
        ).all()
    }
    changes = _apply(session, application_id, actor.staff_id, parsed, stored)
    if changes:
        program = session.get(Program, application.program_id)
        assert program is not None
        combined_before = application.score
        recompute(session, program.id or 0, program.score_rule, [application_id])
        # The history names each criterion (its French label, as the grid's administration writes it).
        before = {criteria[cid].label_fr: format_tenths(old) for cid, (old, _new) in changes.items()}
        after = {criteria[cid].label_fr: format_tenths(new) for cid, (_old, new) in changes.items()}
        before["score"], after["score"] = combined_before, application.score
        audit_application(session, actor, application, "score.entered", before, after)
        notify_candidate(session, application.candidate_id, staff_only=True)
    return application


def _apply(
    session: Session, application_id: int, staff_id: int, parsed: dict[int, int | None], stored: dict[int, Score]
) -> dict[int, tuple[int | None, int | None]]:
    """Insert, update or delete the member's rows; criterion id → (before, after) of what changed."""
    changes: dict[int, tuple[int | None, int | None]] = {}
    now = clock.now()
    for criterion_id, value in parsed.items():
        row = stored.get(criterion_id)
        old = row.value_tenths if row is not None else None
        if old == value:
            continue
        changes[criterion_id] = (old, value)
        if value is None and row is not None:
            session.delete(row)
        elif row is None and value is not None:
            session.add(Score(application_id=application_id, criterion_id=criterion_id, staff_id=staff_id,
                              value_tenths=value, entered_at=now, updated_at=now))  # fmt: skip
        elif row is not None and value is not None:
            row.value_tenths, row.updated_at = value, now
    return changes


@dataclass(frozen=True)
class CriterionLine:
    criterion_id: int
    label: str
    weight: int
    scale_max: int


@dataclass(frozen=True)
class MemberScores:
    name: str
    values: dict[int, str]  # criterion id → « 14.5 »
    total: float | None  # /20, None while their grid is incomplete


@dataclass
class ScoringView:
    criteria: list[CriterionLine]
    own: dict[int, str]  # what the actor typed, per criterion
    own_total: float | None
    may_score: bool
    refusal: DomainError | None  # why the form is closed (published, read-only…)
    sees_all: bool  # managers read every member's scores and the combined score
    others: list[MemberScores] = field(default_factory=list)
    combined: float | None = None
    rule: str = "mean"


def scoring_view(session: Session, *, actor: Actor, application_id: int, lang: str = "fr") -> ScoringView | None:
    """The section's data; None when the programme has no grid (the section is not drawn)."""
    application, role = require_application_in_scope(session, actor=actor, application_id=application_id)
    criteria = active_criteria(session, application.program_id)
    if not criteria:
        return None
    program = session.get(Program, application.program_id)
    assert program is not None
    members = values_by_member(session, [application_id]).get(application_id, {})
    own = members.get(actor.staff_id or 0, {})
    writable = role.role in SCORE_ROLES and not role.read_only and not actor.read_only
    refusal = scoring_refusal(application) or (None if writable else DomainError("read_only", READ_ONLY))
    sees_all = role.role in PUBLISH_ROLES
    view = ScoringView(
        criteria=[CriterionLine(c.id or 0, label_in(c, lang), c.weight, c.scale_max) for c in criteria],
        own={cid: format_tenths(v) for cid, v in own.items()},
        own_total=combine(program.score_rule, [t for t in [member_total(criteria, own)] if t is not None]),
        may_score=refusal is None,
        refusal=refusal,
        sees_all=sees_all,
        rule=program.score_rule,
    )
    if sees_all:
        names = _names(session, set(members) - {actor.staff_id or 0})
        for staff_id, values in sorted(members.items(), key=lambda item: names.get(item[0], "")):
            if staff_id != actor.staff_id:
                shown = {cid: format_tenths(v) for cid, v in values.items()}
                total = member_total(criteria, values)
                view.others.append(
                    MemberScores(names.get(staff_id, "?"), shown, None if total is None else round(total, 2))
                )
        totals = [member_total(criteria, values) for values in members.values()]
        view.combined = combine(program.score_rule, [t for t in totals if t is not None])
    return view


def _names(session: Session, staff_ids: set[int]) -> dict[int, str]:
    if not staff_ids:
        return {}
    rows = session.exec(select(StaffMember).where(col(StaffMember.id).in_(sorted(staff_ids)))).all()
    return {row.id or 0: row.display_name for row in rows}
