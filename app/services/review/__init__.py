"""Staff review: an application as staff see it, its pieces and dossier status, notes, leases, the staff list.

Owns the review actions, the transitions of the dossier status, the editing leases, the staff list with its
filters and columns, and the scope each staff role sees.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.review import leases, staff_list, staff_view
    from app.services.review.dossier_status import DOSSIER_STATUS_LABELS, PIECE_STATUS_LABELS, PROCESSING_LABELS
    from app.services.review.staff_list import COLUMNS, SVA_LABELS, VALUE_LABELS, ListPage, ListQuery
    from app.services.review.staff_scope import scope_covers, scope_filter
    from app.services.review.staff_view import StaffAuditLine

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "COLUMNS": "staff_list",
    "DOSSIER_STATUS_LABELS": "dossier_status",
    "ListPage": "staff_list",
    "ListQuery": "staff_list",
    "PIECE_STATUS_LABELS": "dossier_status",
    "PROCESSING_LABELS": "dossier_status",
    "SVA_LABELS": "staff_list",
    "StaffAuditLine": "staff_view",
    "VALUE_LABELS": "staff_list",
    "leases": "leases",
    "scope_covers": "staff_scope",
    "scope_filter": "staff_scope",
    "staff_list": "staff_list",
    "staff_view": "staff_view",
}
__all__ = [
    "COLUMNS",
    "DOSSIER_STATUS_LABELS",
    "PIECE_STATUS_LABELS",
    "PROCESSING_LABELS",
    "SVA_LABELS",
    "VALUE_LABELS",
    "ListPage",
    "ListQuery",
    "StaffAuditLine",
    "leases",
    "scope_covers",
    "scope_filter",
    "staff_list",
    "staff_view",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
