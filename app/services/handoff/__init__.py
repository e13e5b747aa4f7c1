"""The enrolment hand-off (« OPI »): confirmed candidates passed to the student information system.

Owns the hand-off's state, the Apogée push and the Pégase CSV files, and the records they carry.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.handoff import apogee, enrolment, pegase
    from app.services.handoff.enrolment import CandidateHandoff, HandoffWish

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "CandidateHandoff": "enrolment",
    "HandoffWish": "enrolment",
    "apogee": "apogee",
    "enrolment": "enrolment",
    "pegase": "pegase",
}
__all__ = [
    "CandidateHandoff",
    "HandoffWish",
    "apogee",
    "enrolment",
    "pegase",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
