"""The offer: campaigns, programmes and their calendar, and the FAQ candidates read.

Owns what candidates browse, the offer's editable fields and who may change them, the saves and live changes of
the offer, the calendar rules of a programme's windows, campaigns, and the FAQ.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.offer import calendar_rules, campaign_schedule, campaigns, changes, faq, rights
    from app.services.offer.browse import (
        CentreOffer,
        ProgramOffer,
        WindowState,
        count_programs,
        keep_states,
        list_offer,
    )
    from app.services.offer.campaign_switch import Shift
    from app.services.offer.campaigns import CampaignLine, active_campaign

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "CampaignLine": "campaigns",
    "CentreOffer": "browse",
    "ProgramOffer": "browse",
    "Shift": "campaign_switch",
    "WindowState": "browse",
    "active_campaign": "campaigns",
    "calendar_rules": "calendar_rules",
    "campaign_schedule": "campaign_schedule",
    "campaigns": "campaigns",
    "changes": "changes",
    "count_programs": "browse",
    "faq": "faq",
    "keep_states": "browse",
    "list_offer": "browse",
    "rights": "rights",
}
__all__ = [
    "CampaignLine",
    "CentreOffer",
    "ProgramOffer",
    "Shift",
    "WindowState",
    "active_campaign",
    "calendar_rules",
    "campaign_schedule",
    "campaigns",
    "changes",
    "count_programs",
    "faq",
    "keep_states",
    "list_offer",
    "rights",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
