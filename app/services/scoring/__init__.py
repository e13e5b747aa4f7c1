"""Scoring grids: a programme's criteria, each committee member's scores, the combined score, the ranking.

Owns the grid's administration (``grid``), the members' scores and the staff page's « Évaluation » (``scores``),
the combined score stored on the application (``combine``), and the ranking with its proposal of decisions
entered through the bulk entry of ``decisions`` (``ranking``).
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.scoring.grid import (
        RULES,
        CriterionIn,
        GridView,
        add_criterion,
        delete_criterion,
        grid_view,
        set_score_rule,
        update_criterion,
    )
    from app.services.scoring.ranking import (
        FAVORABLE,
        WAITING,
        EntryResult,
        Proposal,
        ProposedRow,
        Ranking,
        enter_proposal,
        program_ranking,
        programs_to_rank,
        propose,
    )
    from app.services.scoring.scores import CriterionLine, ScoringView, enter_scores, scoring_view

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "RULES": "grid",
    "CriterionIn": "grid",
    "GridView": "grid",
    "add_criterion": "grid",
    "delete_criterion": "grid",
    "grid_view": "grid",
    "set_score_rule": "grid",
    "update_criterion": "grid",
    "FAVORABLE": "ranking",
    "WAITING": "ranking",
    "EntryResult": "ranking",
    "Proposal": "ranking",
    "ProposedRow": "ranking",
    "Ranking": "ranking",
    "enter_proposal": "ranking",
    "programs_to_rank": "ranking",
    "propose": "ranking",
    "program_ranking": "ranking",
    "CriterionLine": "scores",
    "ScoringView": "scores",
    "enter_scores": "scores",
    "scoring_view": "scores",
}
__all__ = [
    "FAVORABLE",
    "RULES",
    "WAITING",
    "CriterionIn",
    "CriterionLine",
    "EntryResult",
    "GridView",
    "Proposal",
    "ProposedRow",
    "Ranking",
    "ScoringView",
    "add_criterion",
    "delete_criterion",
    "enter_proposal",
    "enter_scores",
    "grid_view",
    "program_ranking",
    "programs_to_rank",
    "propose",
    "scoring_view",
    "set_score_rule",
    "update_criterion",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{submodule}"), name)
