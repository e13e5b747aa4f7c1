"""Decisions (« avis »): entry, publication, the candidate's answers, the waiting list, letters and their jobs.

Owns decisions entered one by one or on a selection and their publication, confirmations and withdrawals, the
waiting list, decision letters and the committee signature, and the scheduled jobs about decisions.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.decisions import committee_signature
    from app.services.decisions.answers import AnswerView, answer_view, confirm_offer, leave_waiting_list, withdraw
    from app.services.decisions.decision_panel import DecisionPanelView, decision_panel_view
    from app.services.decisions.letters import letter_available, letter_filename, my_letter_context, render_letter
    from app.services.decisions.opinions import (
        OPINION_LABELS,
        OpinionLine,
        OpinionsView,
        enter_opinion,
        opinions_view,
    )
    from app.services.decisions.selection import (
        EMPTY_SELECTION,
        DecisionEntry,
        SelectionReport,
        decision_choices,
        enter_on_selection,
        plan_entry,
        selection_rights,
    )
    from app.services.decisions.selection_batches import enter_selection_in_batches, publish_selection_in_batches
    from app.services.decisions.selection_publication import plan_publication, publish_on_selection
    from app.services.decisions.staff_decisions import (
        enter_decision,
        parse_paris_moment,
        publish_decision,
    )
    from app.services.decisions.waiting_list_staff import (
        ListedCandidate,
        WaitingListOverview,
        call_next_candidate,
        programs_with_waiting_list,
        waiting_list_overview,
    )

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "OPINION_LABELS": "opinions",
    "OpinionLine": "opinions",
    "OpinionsView": "opinions",
    "enter_opinion": "opinions",
    "opinions_view": "opinions",
    "AnswerView": "answers",
    "DecisionEntry": "selection",
    "DecisionPanelView": "decision_panel",
    "EMPTY_SELECTION": "selection",
    "ListedCandidate": "waiting_list_staff",
    "SelectionReport": "selection",
    "WaitingListOverview": "waiting_list_staff",
    "answer_view": "answers",
    "call_next_candidate": "waiting_list_staff",
    "committee_signature": "committee_signature",
    "confirm_offer": "answers",
    "decision_choices": "selection",
    "decision_panel_view": "decision_panel",
    "enter_decision": "staff_decisions",
    "enter_on_selection": "selection",
    "enter_selection_in_batches": "selection_batches",
    "leave_waiting_list": "answers",
    "letter_available": "letters",
    "letter_filename": "letters",
    "my_letter_context": "letters",
    "parse_paris_moment": "staff_decisions",
    "plan_entry": "selection",
    "plan_publication": "selection_publication",
    "programs_with_waiting_list": "waiting_list_staff",
    "publish_decision": "staff_decisions",
    "publish_on_selection": "selection_publication",
    "publish_selection_in_batches": "selection_batches",
    "render_letter": "letters",
    "selection_rights": "selection",
    "waiting_list_overview": "waiting_list_staff",
    "withdraw": "answers",
}
__all__ = [
    "EMPTY_SELECTION",
    "OPINION_LABELS",
    "AnswerView",
    "DecisionEntry",
    "DecisionPanelView",
    "ListedCandidate",
    "OpinionLine",
    "OpinionsView",
    "SelectionReport",
    "WaitingListOverview",
    "answer_view",
    "call_next_candidate",
    "committee_signature",
    "confirm_offer",
    "decision_choices",
    "decision_panel_view",
    "enter_decision",
    "enter_on_selection",
    "enter_opinion",
    "enter_selection_in_batches",
    "leave_waiting_list",
    "letter_available",
    "letter_filename",
    "my_letter_context",
    "opinions_view",
    "parse_paris_moment",
    "plan_entry",
    "plan_publication",
    "programs_with_waiting_list",
    "publish_decision",
    "publish_on_selection",
    "publish_selection_in_batches",
    "render_letter",
    "selection_rights",
    "waiting_list_overview",
    "withdraw",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
