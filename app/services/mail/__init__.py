"""Mail: the outbox, its delivery worker, the templates, their sandbox and their variables."""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.mail.outbox import list_outbox_mails, read_attachment
    from app.services.mail.variables import MailCode

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "MailCode": "variables",
    "list_outbox_mails": "outbox",
    "read_attachment": "outbox",
}
__all__ = [
    "MailCode",
    "list_outbox_mails",
    "read_attachment",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
