"""A decision's lifecycle: entered (seen by staff only), then published; its ONE state machine and its writers.

A ``Decision`` row is entered by staff (``staff_decisions.enter_decision``; the favourable decision of a direct
admission too), possibly entered again in place while unpublished (new values), then published (« Valider »,
``publish_decision``). A waiting-list call creates it published at once (``waiting_list.call_waiting_list``): by a
manager calling the next candidate, or by the system after a withdrawal freed a place. A published decision never
changes: another decision replaces it (a new row). The application mirrors its latest decision
(``last_decision_kind``, ``last_decision_published``) for the staff list's indexed filters.

``enter`` and ``publish`` are the only code that writes ``Decision.published_at`` and those two mirrors (the demo
seeding excepted, see ``tests/test_lifecycles.py``).
"""

from datetime import datetime
from enum import StrEnum

from app.i18n import N_
from app.models import Application, Decision
from app.services.platform.lifecycle import By, Lifecycle


class DecisionState(StrEnum):
    ENTERED = "entered"
    PUBLISHED = "published"


D = DecisionState
DECISION = Lifecycle(
    moves={
        By.STAFF: {
            None: (D.ENTERED, D.PUBLISHED),  # entered; or published at once, a waiting-list call by hand
            D.ENTERED: (D.ENTERED, D.PUBLISHED),  # entered again in place; published
        },
        By.SYSTEM: {None: (D.PUBLISHED,)},  # a waiting-list call after a withdrawal
    },
    labels={None: N_("Aucune"), D.ENTERED: N_("Saisie"), D.PUBLISHED: N_("Publiée")},
    refused=N_("La décision ne peut pas passer de l'état « {current} » à l'état « {target} »."),
)


def decision_state(decision: Decision) -> DecisionState | None:
    """None for a decision not yet stored (being created)."""
    if decision.id is None:
        return None
    return D.ENTERED if decision.published_at is None else D.PUBLISHED


def enter(decision: Decision, application: Application, *, by: By) -> None:
    """The decision (new, or the unpublished one with its new values) is entered: the application mirrors it."""
    DECISION.check(decision_state(decision), D.ENTERED, by)
    application.last_decision_kind = decision.kind
    application.last_decision_published = False


def publish(decision: Decision, application: Application, *, by: By, now: datetime, staff_id: int | None) -> None:
    """The decision is published now (by ``staff_id``; None for the system): the candidate sees it."""
    DECISION.check(decision_state(decision), D.PUBLISHED, by)
    decision.published_at = now
    decision.published_by_staff_id = staff_id
    application.last_decision_kind = decision.kind
    application.last_decision_published = True
