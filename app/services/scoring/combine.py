"""The combined score of applications: each member's weighted total out of 20, then the programme's rule.

A member's total counts once they scored every active criterion of the grid (a partial grid would rank a candidate
on one criterion); the rule (mean or median) combines the members' totals; no complete grid leaves the score NULL.
The result is written to ``Application.score`` with a Core UPDATE in the caller's transaction, which leaves the
application's version alone: a score is no edit of the application, and a colleague's open page stays saveable.
"""

from collections import defaultdict
from collections.abc import Iterable
from statistics import mean, median

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.models import Application, Score, ScoreRule, ScoringCriterion
from app.models.scoring import TENTHS

OUT_OF = 20  # every total is brought to /20, whatever the criteria's scales


def member_total(criteria: list[ScoringCriterion], values: dict[int, int]) -> float | None:
    """One member's weighted total /20 from their values in tenths (criterion id → tenths); None if incomplete."""
    if not criteria or any(c.id not in values for c in criteria):
        return None
    weights = sum(c.weight for c in criteria)
    points = sum(c.weight * values[c.id or 0] / (TENTHS * c.scale_max) for c in criteria)
    return points / weights * OUT_OF  # rounded once combined, not before (no rounding of a rounding)


def combine(rule: str, totals: list[float]) -> float | None:
    if not totals:
        return None
    return round(median(totals) if rule == ScoreRule.MEDIAN else mean(totals), 2)


def active_criteria(session: Session, program_id: int) -> list[ScoringCriterion]:
    return list(
        session.exec(
            select(ScoringCriterion)
            .where(ScoringCriterion.program_id == program_id, col(ScoringCriterion.is_active))
            .order_by(col(ScoringCriterion.position), col(ScoringCriterion.id))
        ).all()
    )


def values_by_member(session: Session, application_ids: list[int]) -> dict[int, dict[int, dict[int, int]]]:
    """Application id → staff id → criterion id → value in tenths."""
    found: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    if not application_ids:
        return found
    for row in session.exec(select(Score).where(col(Score.application_id).in_(application_ids))).all():
        found[row.application_id][row.staff_id][row.criterion_id] = row.value_tenths
    return found


def recompute(session: Session, program_id: int, rule: str, application_ids: Iterable[int] | None = None) -> None:
    """Write the combined score of ``application_ids`` (every application of the programme when None)."""
    if application_ids is None:
        application_ids = session.exec(select(Application.id).where(Application.program_id == program_id)).all()
    ids = sorted({int(i) for i in application_ids if i is not None})
    criteria = active_criteria(session, program_id)
    session.flush()  # the scores staged in this transaction are read below
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        members = values_by_member(session, chunk)
        for application_id in chunk:
            totals = [member_total(criteria, values) for values in members.get(application_id, {}).values()]
            score = combine(rule, [total for total in totals if total is not None])
            session.connection().execute(
                sa.update(Application).where(col(Application.id) == application_id).values(score=score)
            )
    for application in session.identity_map.values():  # rows already loaded read the new score again
        if isinstance(application, Application) and application.id in ids:
            session.expire(application, ["score"])
