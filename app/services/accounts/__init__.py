"""Accounts and signing in: candidate accounts, credentials, passwords, one-time tokens, SSO, staff roles.

Owns account creation and activation, authentication, password rules, the tokens mailed to candidates, the
CAS/SSO sign-in, staff role switching, the assistance requests candidates send, and the account desk (« gestionnaire
de candidats »: search, help and merge of candidate accounts).
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.accounts import candidates, credentials, desk, desk_merge, rules, sso, staff_roles
    from app.services.accounts.account_erasure import (
        CONFIRMATION_WORDS,
        ErasureOutcome,
        ErasureRegisterRow,
        erasure_requests,
        pending_erasure,
        request_erasure,
    )
    from app.services.accounts.assistance import MESSAGE_MAX, SUBJECT_MAX, send_assistance_request
    from app.services.accounts.auth import (
        Principal,
        SignInClosing,
        SignInOutcome,
        authenticate,
        candidate_sign_in_closing,
        sign_in_delay,
    )
    from app.services.accounts.staff_roles import (
        ROLE_LABELS,
        RoleView,
        current_role,
        list_roles,
        record_impersonated_view,
        switch_role,
    )
    from app.services.accounts.tokens import TokenError, check_token

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "CONFIRMATION_WORDS": "account_erasure",
    "ErasureOutcome": "account_erasure",
    "ErasureRegisterRow": "account_erasure",
    "erasure_requests": "account_erasure",
    "pending_erasure": "account_erasure",
    "request_erasure": "account_erasure",
    "MESSAGE_MAX": "assistance",
    "Principal": "auth",
    "ROLE_LABELS": "staff_roles",
    "RoleView": "staff_roles",
    "SUBJECT_MAX": "assistance",
    "SignInClosing": "auth",
    "SignInOutcome": "auth",
    "TokenError": "tokens",
    "authenticate": "auth",
    "candidate_sign_in_closing": "auth",
    "candidates": "candidates",
    "check_token": "tokens",
    "credentials": "credentials",
    "desk": "desk",
    "desk_merge": "desk_merge",
    "current_role": "staff_roles",
    "list_roles": "staff_roles",
    "record_impersonated_view": "staff_roles",
    "rules": "rules",
    "send_assistance_request": "assistance",
    "sign_in_delay": "auth",
    "sso": "sso",
    "staff_roles": "staff_roles",
    "switch_role": "staff_roles",
}
__all__ = [
    "CONFIRMATION_WORDS",
    "MESSAGE_MAX",
    "ROLE_LABELS",
    "SUBJECT_MAX",
    "ErasureOutcome",
    "ErasureRegisterRow",
    "Principal",
    "RoleView",
    "SignInClosing",
    "SignInOutcome",
    "TokenError",
    "authenticate",
    "candidate_sign_in_closing",
    "candidates",
    "check_token",
    "credentials",
    "current_role",
    "desk",
    "desk_merge",
    "erasure_requests",
    "list_roles",
    "pending_erasure",
    "record_impersonated_view",
    "request_erasure",
    "rules",
    "send_assistance_request",
    "sign_in_delay",
    "sso",
    "staff_roles",
    "switch_role",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
