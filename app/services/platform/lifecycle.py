"""What every state machine of an application shares: who triggers a move, and the table that allows it.

Each lifecycle (the dossier status, a piece's status, a decision, the candidate's answer) is declared once, as a
``Lifecycle`` in the module named for it, beside the ONE function that writes its column (``move_dossier``,
``move_piece``, ``enter``/``publish``, ``move_answer``). Services decide *when* to move; the machine says whether
the move exists for that trigger, and refuses any other with ``transition_refused``. ``tests/test_lifecycles.py``
enumerates every move of every table and proves that no other code writes these columns.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError

S = TypeVar("S")


class By(StrEnum):
    """Who triggers a move."""

    CANDIDATE = "candidate"
    STAFF = "staff"
    SYSTEM = "system"  # a scheduled job, or a rule run on behalf of another action (a waiting-list call)

    @classmethod
    def of(cls, actor: Actor) -> "By":
        if actor.kind == "anonymous":
            raise ValueError("an anonymous actor triggers no move")
        return cls(actor.kind)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """``moves[by][current]``: the states ``by`` may move a row to from ``current`` (``None``: no row or no value
    yet, or no value any more), in the order a screen offers them. A move to the same state is listed when the
    service stamps the time again (a piece whose files changed stays « Transmise »)."""

    moves: Mapping[By, Mapping[S | None, tuple[S | None, ...]]]
    labels: Mapping[S | None, str]  # French msgids, the refusal's placeholders
    refused: str  # msgid with {current} and {target}

    def targets(self, current: S | None, by: By) -> tuple[S | None, ...]:
        return self.moves.get(by, {}).get(current, ())

    def allows(self, current: S | None, target: S | None, by: By) -> bool:
        return target in self.targets(current, by)

    def check(self, current: S | None, target: S | None, by: By) -> None:
        """Refuse a move the table does not list for this trigger."""
        if not self.allows(current, target, by):
            raise DomainError(
                "transition_refused", self.refused, current=self.labels[current], target=self.labels[target]
            )
