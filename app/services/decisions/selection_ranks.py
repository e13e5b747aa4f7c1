"""The waiting-list ranks a bulk entry gives: per programme, in order of transmission, from a start the rule sets.

« After the last » starts after the best rank among the programme's other live applications (the selection's own
previous ranks do not count, so entering again changes nothing); « from » starts at the rank typed. A selection
entered in batches carries where each programme's ranks stopped to the next batch (``RankCarry``).
"""

from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import Session, col, select

from app.models import Application, Decision, DecisionKind

RankRule = Literal["after_last", "from"]


@dataclass
class RankCarry:
    """``selected``: the whole selection; ``next_rank``: per programme, the rank its next eligible application gets;
    ``order``: an explicit order (application id → position, e.g. a scoring ranking) before transmission's."""

    selected: set[int] = field(default_factory=set)
    next_rank: dict[int, int] = field(default_factory=dict)
    order: dict[int, int] = field(default_factory=dict)


def last_entered_rank(session: Session, program_id: int, excluding: set[int]) -> int:
    """The highest waiting-list rank among the latest decisions of the programme's other live applications."""
    rows = session.exec(
        select(Decision.application_id, Decision.kind, Decision.waiting_list_rank)
        .join(Application, col(Application.id) == col(Decision.application_id))
        .where(Application.program_id == program_id, col(Application.cancelled_at).is_(None))
        .order_by(col(Decision.application_id), col(Decision.entered_at).desc(), col(Decision.id).desc())
    ).all()
    best, seen = 0, set()
    for application_id, kind, rank in rows:
        if application_id in seen:
            continue
        seen.add(application_id)  # the first row of an application is its latest decision
        if application_id not in excluding and kind == DecisionKind.WAITING_LIST and rank:
            best = max(best, rank)
    return best


def waiting_ranks(
    session: Session,
    eligible: dict[int, list[Application]],
    *,
    rank_rule: RankRule,
    rank_start: int | None,
    carry: RankCarry,
) -> dict[int, int]:
    """Application id → rank, per programme in ``carry.order``, then of transmission, then of id; ``carry`` moves on."""
    ranks: dict[int, int] = {}
    for program_id, applications in eligible.items():
        start = carry.next_rank.get(program_id)
        if start is None:
            if rank_rule == "from":
                start = int(rank_start or 1)
            else:
                start = last_entered_rank(session, program_id, carry.selected) + 1
        ordered = sorted(
            applications,
            key=lambda a: (carry.order.get(a.id or 0, 0), a.transmitted_at is None, a.transmitted_at or 0, a.id or 0),
        )
        for offset, application in enumerate(ordered):
            ranks[application.id or 0] = start + offset
        carry.next_rank[program_id] = start + len(ordered)
    return ranks
