"""Exports: tabular files, ZIP archives of dossiers, the jobs that build them, and the statistics."""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.exports import archive, audit_csv, jobs, my_data, personal_data, statistics
    from app.services.exports.my_data import MyDataExport
    from app.services.exports.opinion_statistics import OpinionStatRow, opinions_by_committee
    from app.services.exports.statistics import GROUPINGS, CampaignOption, DayCount, PendingCounts, Statistics, StatRow
    from app.services.exports.tabular import EXTRAS, TabularRequest

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "CampaignOption": "statistics",
    "MyDataExport": "my_data",
    "OpinionStatRow": "opinion_statistics",
    "opinions_by_committee": "opinion_statistics",
    "DayCount": "statistics",
    "EXTRAS": "tabular",
    "GROUPINGS": "statistics",
    "PendingCounts": "statistics",
    "StatRow": "statistics",
    "Statistics": "statistics",
    "TabularRequest": "tabular",
    "archive": "archive",
    "audit_csv": "audit_csv",
    "jobs": "jobs",
    "my_data": "my_data",
    "personal_data": "personal_data",
    "statistics": "statistics",
}
__all__ = [
    "EXTRAS",
    "GROUPINGS",
    "CampaignOption",
    "DayCount",
    "MyDataExport",
    "OpinionStatRow",
    "PendingCounts",
    "StatRow",
    "Statistics",
    "TabularRequest",
    "archive",
    "audit_csv",
    "jobs",
    "my_data",
    "opinions_by_committee",
    "personal_data",
    "statistics",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
