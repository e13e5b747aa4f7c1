"""Staff review: an application as staff see it, its pieces and dossier status, notes, leases, the staff list.

Owns the review actions, the transitions of the dossier status, the staff's side of the editing leases (taken by the
review page, listed and released by administrators), the staff's way into a candidate's dossier, the staff list with
its filters and columns.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.review import staff_list, staff_list_columns, staff_view
    from app.services.review.candidate_messages import ReceivedMessage, list_my_messages
    from app.services.review.staff_history import StaffAuditLine
    from app.services.review.staff_list_columns import (
        COLUMNS,
        SVA_LABELS,
        VALUE_LABELS,
        ListPage,
        ListQuery,
        value_words,
    )
    from app.services.review.staff_messages import (
        MessageDraft,
        MessagePreview,
        SentMessage,
        may_send_messages,
        message_recipients,
        message_start,
        preview_message,
        send_message,
    )

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "COLUMNS": "staff_list_columns",
    "ListPage": "staff_list_columns",
    "ListQuery": "staff_list_columns",
    "SVA_LABELS": "staff_list_columns",
    "StaffAuditLine": "staff_history",
    "VALUE_LABELS": "staff_list_columns",
    "MessageDraft": "staff_messages",
    "MessagePreview": "staff_messages",
    "ReceivedMessage": "candidate_messages",
    "SentMessage": "staff_messages",
    "list_my_messages": "candidate_messages",
    "may_send_messages": "staff_messages",
    "message_recipients": "staff_messages",
    "message_start": "staff_messages",
    "preview_message": "staff_messages",
    "send_message": "staff_messages",
    "staff_list": "staff_list",
    "staff_list_columns": "staff_list_columns",
    "staff_view": "staff_view",
    "value_words": "staff_list_columns",
}
__all__ = [
    "COLUMNS",
    "SVA_LABELS",
    "VALUE_LABELS",
    "ListPage",
    "ListQuery",
    "MessageDraft",
    "MessagePreview",
    "ReceivedMessage",
    "SentMessage",
    "StaffAuditLine",
    "list_my_messages",
    "may_send_messages",
    "message_recipients",
    "message_start",
    "preview_message",
    "send_message",
    "staff_list",
    "staff_list_columns",
    "staff_view",
    "value_words",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
