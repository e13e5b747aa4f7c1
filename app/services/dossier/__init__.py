"""The candidate's dossier: its tabs and entries, their validation, completeness, the INE and the referentials.

Owns what a candidate writes about themself (identity, address, baccalaureate, studies, experience), the schemas
that validate it, the records imported from the student information system, and the reference lists it uses.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.dossier import entries, lycees, referentials, tabs
    from app.services.dossier.bac_series import BAC_SERIES, BAC_SERIES_CHOICES
    from app.services.dossier.campaign_confirmation import (
        TABS_TO_REVIEW,
        PendingConfirmation,
        confirm_dossier_for_campaign,
        dossier_confirmation,
    )
    from app.services.dossier.completeness import ADDRESS, BACCALAUREATE, PERSONAL, Completeness, dossier_completeness
    from app.services.dossier.lycees import LyceeChoices
    from app.services.dossier.referentials import fold
    from app.services.dossier.schemas import MENTIONS, DossierInvalid
    from app.services.dossier.student_records import BACCALAUREATE_LOCK

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "ADDRESS": "completeness",
    "BAC_SERIES": "bac_series",
    "BAC_SERIES_CHOICES": "bac_series",
    "BACCALAUREATE": "completeness",
    "BACCALAUREATE_LOCK": "student_records",
    "Completeness": "completeness",
    "LyceeChoices": "lycees",
    "PendingConfirmation": "campaign_confirmation",
    "TABS_TO_REVIEW": "campaign_confirmation",
    "confirm_dossier_for_campaign": "campaign_confirmation",
    "dossier_confirmation": "campaign_confirmation",
    "DossierInvalid": "schemas",
    "MENTIONS": "schemas",
    "PERSONAL": "completeness",
    "dossier_completeness": "completeness",
    "entries": "entries",
    "fold": "referentials",
    "lycees": "lycees",
    "referentials": "referentials",
    "tabs": "tabs",
}
__all__ = [
    "ADDRESS",
    "BACCALAUREATE",
    "BACCALAUREATE_LOCK",
    "BAC_SERIES",
    "BAC_SERIES_CHOICES",
    "MENTIONS",
    "PERSONAL",
    "TABS_TO_REVIEW",
    "Completeness",
    "DossierInvalid",
    "LyceeChoices",
    "PendingConfirmation",
    "confirm_dossier_for_campaign",
    "dossier_completeness",
    "dossier_confirmation",
    "entries",
    "fold",
    "lycees",
    "referentials",
    "tabs",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
