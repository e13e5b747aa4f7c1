"""Applications (« candidatures ») as the candidate makes them: apply, cancel, answer questions, transmit.

Owns the candidate's actions, the views of their applications, the readiness and transmission of a dossier, the
piece rows of an application (their status machine, the files they link, their slots kept in step with the
administration), the scheduled jobs about applications, and the scope each staff role sees (``staff_scope``).
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.applications.actions import own_candidate_id
    from app.services.applications.application_rows import ApplicationRows, with_program_and_candidate
    from app.services.applications.applying import apply_to_program, cancel_application
    from app.services.applications.dossier_status import DOSSIER_STATUS_LABELS, PIECE_STATUS_LABELS, PROCESSING_LABELS
    from app.services.applications.question_answers import answer_question
    from app.services.applications.staff_scope import program_scope, scope_covers, scope_filter
    from app.services.applications.transmission import Readiness, transmission_readiness, transmit_application
    from app.services.applications.views import (
        ApplicationDetail,
        ApplicationSummary,
        DecisionView,
        PieceInfo,
        PieceView,
        QuestionView,
        get_my_application,
        list_my_applications,
        live_program_ids,
        pieces_by_program,
        read_my_application,
    )

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "DOSSIER_STATUS_LABELS": "dossier_status",
    "PIECE_STATUS_LABELS": "dossier_status",
    "PROCESSING_LABELS": "dossier_status",
    "ApplicationDetail": "views",
    "ApplicationRows": "application_rows",
    "ApplicationSummary": "views",
    "DecisionView": "views",
    "PieceInfo": "views",
    "PieceView": "views",
    "QuestionView": "views",
    "Readiness": "transmission",
    "answer_question": "question_answers",
    "apply_to_program": "applying",
    "cancel_application": "applying",
    "get_my_application": "views",
    "list_my_applications": "views",
    "live_program_ids": "views",
    "own_candidate_id": "actions",
    "pieces_by_program": "views",
    "program_scope": "staff_scope",
    "read_my_application": "views",
    "scope_covers": "staff_scope",
    "scope_filter": "staff_scope",
    "transmission_readiness": "transmission",
    "transmit_application": "transmission",
    "with_program_and_candidate": "application_rows",
}
__all__ = [
    "DOSSIER_STATUS_LABELS",
    "PIECE_STATUS_LABELS",
    "PROCESSING_LABELS",
    "ApplicationDetail",
    "ApplicationRows",
    "ApplicationSummary",
    "DecisionView",
    "PieceInfo",
    "PieceView",
    "QuestionView",
    "Readiness",
    "answer_question",
    "apply_to_program",
    "cancel_application",
    "get_my_application",
    "list_my_applications",
    "live_program_ids",
    "own_candidate_id",
    "pieces_by_program",
    "program_scope",
    "read_my_application",
    "scope_covers",
    "scope_filter",
    "transmission_readiness",
    "transmit_application",
    "with_program_and_candidate",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
