"""The candidate's answer to an offer (``Application.answer``): its ONE state machine, and the one function that
writes it.

The candidate (``answers``): no answer → Confirmé, Accepté provisoirement (campaign's ``definitive_acceptance``) or
Désisté; Accepté provisoirement → Confirmé or Désisté; Confirmé → Désisté. A definitive confirmation withdraws the
candidate's other applications, and a provisional acceptance the previous one: these withdrawals are the
candidate's too. Leaving the waiting list (« Me retirer de la liste complémentaire », ``leave_waiting_list``) is
the candidate's no answer → Désisté too: no offer is held, the place on the list is given up for good. The system
(job ``expired_offers_withdrawal``): an offer unanswered or only accepted provisionally past its deadline →
Désisté. Staff: publishing a non-favourable decision clears a confirmation or a
provisional acceptance, which belonged to the offer it replaces. Désisté is final.

``move_answer`` is the only code that writes ``answer`` and ``answer_at`` (the demo seeding excepted, see
``tests/test_lifecycles.py``); ``answers._record`` adds the history row, the audit event and the hand-off.
"""

from datetime import datetime

from app.i18n import N_
from app.models import AnswerKind, Application
from app.services.platform.lifecycle import By, Lifecycle

A = AnswerKind
ANSWER = Lifecycle(
    moves={
        By.CANDIDATE: {
            None: (A.CONFIRMED, A.PROVISIONAL, A.WITHDRAWN),
            A.PROVISIONAL: (A.CONFIRMED, A.WITHDRAWN),
            A.CONFIRMED: (A.WITHDRAWN,),
        },
        By.SYSTEM: {None: (A.WITHDRAWN,), A.PROVISIONAL: (A.WITHDRAWN,)},
        By.STAFF: {A.CONFIRMED: (None,), A.PROVISIONAL: (None,)},
    },
    labels={
        None: N_("Sans réponse"),
        A.CONFIRMED: N_("Confirmé"),
        A.PROVISIONAL: N_("Accepté provisoirement"),
        A.WITHDRAWN: N_("Désisté"),
    },
    refused=N_("La réponse ne peut pas passer de « {current} » à « {target} »."),
)


def move_answer(application: Application, target: AnswerKind | None, *, by: By, now: datetime) -> AnswerKind | None:
    """Set the answer and its time (none when cleared) if the table allows the move for ``by``; returns the answer
    it replaced."""
    current = application.answer
    ANSWER.check(current, target, by)
    application.answer, application.answer_at = target, (now if target is not None else None)
    return current
