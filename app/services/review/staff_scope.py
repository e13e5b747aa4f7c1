"""The scope of a staff role, under the name the review and decision services first knew it by.

The rule lives in ``applications/staff_scope.py``, below ``documents`` and ``review`` that both check it; this
module keeps the old import path working for the modules that still use it.
"""

from app.services.applications.staff_scope import (
    ALL_ROLES,
    program_scope,
    require_application_in_scope,
    require_candidate_in_scope,
    require_program_in_scope,
    scope_covers,
    scope_filter,
)

__all__ = [
    "ALL_ROLES",
    "program_scope",
    "require_application_in_scope",
    "require_candidate_in_scope",
    "require_program_in_scope",
    "scope_covers",
    "scope_filter",
]
