"""The « Notes par critère » extra of the spreadsheet exports: one column per criterion of the exported applications'
grids, each cell the members' mean on that criterion (in points, on the criterion's scale)."""

from collections import defaultdict
from collections.abc import Sequence
from statistics import mean
from typing import Any

from sqlmodel import Session, col, select

from app.i18n import N_, _
from app.models import Application, Program, Score, ScoringCriterion
from app.models.scoring import TENTHS
from app.services.platform.labels import label_in

HEADER = N_("{criterion} ({program}), moyenne sur {scale}")


def scored_criteria(session: Session, ids: Sequence[int], language: str, wanted: bool) -> list[tuple[int, str]]:
    """(id, header) of the active criteria of the exported applications' programmes, by programme then position;
    none unless the extra is ``wanted``."""
    if not wanted:
        return []
    programs: set[int] = set()
    for start in range(0, len(ids), 2000):
        chunk = list(ids[start : start + 2000])
        programs |= set(session.exec(select(Application.program_id).where(col(Application.id).in_(chunk))).all())
    rows = session.exec(
        select(ScoringCriterion, Program.code)
        .join(Program, col(Program.id) == col(ScoringCriterion.program_id))
        .where(col(ScoringCriterion.program_id).in_(sorted(programs)), col(ScoringCriterion.is_active))
        .order_by(col(Program.code), col(ScoringCriterion.position), col(ScoringCriterion.id))
    ).all()
    return [
        (c.id or 0, _(HEADER).format(criterion=label_in(c, language), program=code, scale=c.scale_max))
        for c, code in rows
    ]


def criterion_means(
    session: Session, ids: Sequence[int], criteria: list[tuple[int, str]]
) -> tuple[dict[int, list[Any]], int]:
    """{application id: one cell per criterion (the members' mean, two decimals, or empty)}, and the width."""
    position = {criterion_id: index for index, (criterion_id, _header) in enumerate(criteria)}
    values: dict[tuple[int, int], list[int]] = defaultdict(list)
    for score in session.exec(select(Score).where(col(Score.application_id).in_(list(ids)))).all():
        if score.criterion_id in position:
            values[(score.application_id, score.criterion_id)].append(score.value_tenths)
    result: dict[int, list[Any]] = {}
    for (application_id, criterion_id), tenths in values.items():
        cells = result.setdefault(application_id, [None] * len(criteria))
        cells[position[criterion_id]] = round(mean(tenths) / TENTHS, 2)
    return result, len(criteria)
