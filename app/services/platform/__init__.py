"""The platform under the capabilities: clock-driven jobs, background loops, files, audit, live notifications,
parameters, caches, errors, actors, editing leases, migrations, text rules, announcements and the read-only mode.
The mechanisms only: who may change the settings, and their screens, are the administration's (``admin/``).
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.platform import (
        announcements,
        jobs,
        leases,
        notifications,
        parameters,
        process_cache,
        read_only,
        retention,
    )
    from app.services.platform.actors import Actor
    from app.services.platform.errors import DomainError, NotFound
    from app.services.platform.labels import in_language, label_in
    from app.services.platform.transaction_memo import only_reads

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "Actor": "actors",
    "DomainError": "errors",
    "NotFound": "errors",
    "announcements": "announcements",
    "in_language": "labels",
    "jobs": "jobs",
    "label_in": "labels",
    "leases": "leases",
    "notifications": "notifications",
    "only_reads": "transaction_memo",
    "parameters": "parameters",
    "process_cache": "process_cache",
    "read_only": "read_only",
    "retention": "retention",
}
__all__ = [
    "Actor",
    "DomainError",
    "NotFound",
    "announcements",
    "in_language",
    "jobs",
    "label_in",
    "leases",
    "notifications",
    "only_reads",
    "parameters",
    "process_cache",
    "read_only",
    "retention",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
