"""Administration: centres, programmes, committees, pieces, questions, decision types, mail templates, staff.

Owns what the central office and administrators configure, who may configure what, the saves that never
overwrite, the portal's settings (announcements, parameters, the read-only switch) and the scheduled jobs' screen
over the platform's mechanisms, the API tokens of integrations, and the data protection officer's audit search and
purge register.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.admin import (
        api_tokens,
        audit_search,
        centres,
        committee_members,
        committees,
        decision_types,
        diploma_types,
        failed_mails,
        mail_templates,
        pieces,
        portal_announcements,
        portal_parameters,
        privacy_register,
        program_committees,
        program_dates,
        programs,
        questions,
        read_only_switch,
        scheduled_jobs,
        scoped,
        staff,
        staff_roles,
        tags,
    )
    from app.services.admin.api_tokens import (
        TokenDraft,
        TokenRefused,
        TokenRow,
        TokenScope,
        audit_integration,
        authenticate,
    )
    from app.services.admin.common import centre_edits_offer, require_admin
    from app.services.admin.decision_types import KIND_LABELS
    from app.services.admin.failed_mails import FailedMailPage, FailedMailRow, MailFilters
    from app.services.admin.mail_catalogue import CATEGORIES, code_info, sample_text, template_variables
    from app.services.admin.portal_parameters import ParameterView
    from app.services.admin.scoped import INSTITUTION, Target, TargetOption, target_of

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "failed_mails": "failed_mails",
    "FailedMailPage": "failed_mails",
    "FailedMailRow": "failed_mails",
    "MailFilters": "failed_mails",
    "audit_search": "audit_search",
    "privacy_register": "privacy_register",
    "CATEGORIES": "mail_catalogue",
    "INSTITUTION": "scoped",
    "KIND_LABELS": "decision_types",
    "ParameterView": "portal_parameters",
    "Target": "scoped",
    "TargetOption": "scoped",
    "TokenDraft": "api_tokens",
    "TokenRefused": "api_tokens",
    "TokenRow": "api_tokens",
    "TokenScope": "api_tokens",
    "api_tokens": "api_tokens",
    "audit_integration": "api_tokens",
    "authenticate": "api_tokens",
    "centre_edits_offer": "common",
    "centres": "centres",
    "code_info": "mail_catalogue",
    "committee_members": "committee_members",
    "committees": "committees",
    "decision_types": "decision_types",
    "diploma_types": "diploma_types",
    "mail_templates": "mail_templates",
    "pieces": "pieces",
    "portal_announcements": "portal_announcements",
    "portal_parameters": "portal_parameters",
    "program_committees": "program_committees",
    "program_dates": "program_dates",
    "programs": "programs",
    "questions": "questions",
    "read_only_switch": "read_only_switch",
    "scheduled_jobs": "scheduled_jobs",
    "tags": "tags",
    "require_admin": "common",
    "sample_text": "mail_catalogue",
    "scoped": "scoped",
    "staff": "staff",
    "staff_roles": "staff_roles",
    "target_of": "scoped",
    "template_variables": "mail_catalogue",
}
__all__ = [
    "CATEGORIES",
    "INSTITUTION",
    "KIND_LABELS",
    "FailedMailPage",
    "FailedMailRow",
    "MailFilters",
    "ParameterView",
    "Target",
    "TargetOption",
    "TokenDraft",
    "TokenRefused",
    "TokenRow",
    "TokenScope",
    "api_tokens",
    "audit_integration",
    "audit_search",
    "authenticate",
    "centre_edits_offer",
    "centres",
    "code_info",
    "committee_members",
    "committees",
    "decision_types",
    "diploma_types",
    "failed_mails",
    "mail_templates",
    "pieces",
    "portal_announcements",
    "portal_parameters",
    "privacy_register",
    "program_committees",
    "program_dates",
    "programs",
    "questions",
    "read_only_switch",
    "require_admin",
    "sample_text",
    "scheduled_jobs",
    "scoped",
    "staff",
    "staff_roles",
    "tags",
    "target_of",
    "template_variables",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
