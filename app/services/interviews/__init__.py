"""Interviews of a preselection (« entretiens »): the slots a committee publishes for a programme, the shortlisted
candidates' bookings (book, move, cancel, never beyond a slot's capacity), staff's timetable, its PDF and the
attendance, the mails and the reminder the day before.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.interviews.booking import InterviewView, book_slot, cancel_booking, interview_view
    from app.services.interviews.planning import planning_context, planning_filename, render_planning
    from app.services.interviews.rules import SlotView
    from app.services.interviews.slots import SlotInput, create_slot, remove_slot, set_slot_published, update_slot
    from app.services.interviews.timetable import (
        BookedCandidate,
        Timetable,
        TimetableSlot,
        interview_timetable,
        mark_attendance,
        programs_with_interviews,
    )

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "BookedCandidate": "timetable",
    "InterviewView": "booking",
    "SlotInput": "slots",
    "SlotView": "rules",
    "Timetable": "timetable",
    "TimetableSlot": "timetable",
    "book_slot": "booking",
    "cancel_booking": "booking",
    "create_slot": "slots",
    "interview_view": "booking",
    "mark_attendance": "timetable",
    "planning_context": "planning",
    "planning_filename": "planning",
    "programs_with_interviews": "timetable",
    "remove_slot": "slots",
    "render_planning": "planning",
    "set_slot_published": "slots",
    "interview_timetable": "timetable",
    "update_slot": "slots",
}
__all__ = [
    "BookedCandidate",
    "InterviewView",
    "SlotInput",
    "SlotView",
    "Timetable",
    "TimetableSlot",
    "book_slot",
    "cancel_booking",
    "create_slot",
    "interview_timetable",
    "interview_view",
    "mark_attendance",
    "planning_context",
    "planning_filename",
    "programs_with_interviews",
    "remove_slot",
    "render_planning",
    "set_slot_published",
    "update_slot",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
