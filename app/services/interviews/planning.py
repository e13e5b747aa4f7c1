"""« Imprimer le planning »: the timetable of a programme's interviews as a PDF (the timetable staff see, in the
existing PDF kit: ``documents/html_pdf``). ``planning_context`` reads in a session; ``render_planning`` is pure and
runs off the event loop (in NiceGUI's process pool when there is one)."""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from app import clock
from app.config import get_settings
from app.i18n import N_, _, use_language
from app.models import Attendance
from app.services.documents import pdf_text as t
from app.services.documents.html_pdf import environment, html_to_pdf
from app.services.interviews.timetable import interview_timetable
from app.services.platform.actors import Actor
from app.services.platform.file_names import ascii_filename

LABELS = {
    "title": N_("Planning des entretiens"),
    "printed": N_("Imprimé le {moment}"),
    "time": N_("Horaire (heure de Paris)"),
    "where": N_("Lieu ou lien"),
    "capacity": N_("Places"),
    "candidates": N_("Candidats (n° de dossier)"),
    "nobody": N_("Aucune réservation"),
    "empty": N_("Aucun créneau pour cette formation."),
    "unpublished": N_("non publié"),
}
ATTENDANCE = {Attendance.PRESENT: N_("présent"), Attendance.ABSENT: N_("absent")}


def planning_context(session: Session, *, actor: Actor, program_id: int, lang: str) -> dict[str, Any]:
    """Plain data for the PDF (the scope checked by ``timetable``)."""
    view = interview_timetable(session, actor=actor, program_id=program_id, lang=lang)
    return {
        "lang": lang,
        "institution": get_settings().institution_name,
        "program": view.program,
        "centre": view.centre,
        "printed_at": clock.now(),
        "slots": [
            {
                "starts_at": row.slot.starts_at,
                "ends_at": row.slot.ends_at,
                "place": row.slot.place,
                "video_link": row.slot.video_link,
                "capacity": row.slot.capacity,
                "booked": row.slot.booked,
                "published": row.slot.is_published,
                "candidates": [(c.name, c.dossier_number, c.attendance.value) for c in row.candidates],
            }
            for row in view.slots
        ],
    }


def _hours(starts_at: datetime, ends_at: datetime) -> str:
    start, end = t.moment(starts_at), ends_at.astimezone(clock.PARIS).strftime("%H:%M")
    return f"{start} – {end}"


def render_planning(context: dict[str, Any]) -> bytes:
    """The PDF from :func:`planning_context`'s data; pure (runs in a worker process)."""
    with use_language(context["lang"]):
        slots = []
        for slot in context["slots"]:
            people = []
            for name, number, attendance in slot["candidates"]:
                mark = ATTENDANCE.get(Attendance(attendance))
                people.append(f"{name} ({number})" + (f" — {_(mark)}" if mark else ""))
            slots.append(
                {
                    "hours": _hours(slot["starts_at"], slot["ends_at"]),
                    "where": [part for part in (slot["place"], slot["video_link"]) if part],
                    "places": f"{slot['booked']} / {slot['capacity']}"
                    + ("" if slot["published"] else f" ({_(LABELS['unpublished'])})"),
                    "people": people,
                }
            )
        view = {
            "lang": context["lang"],
            "font": t.register_font(),
            "L": {key: _(label) for key, label in LABELS.items()},
            "institution": context["institution"],
            "program": context["program"],
            "centre": context["centre"],
            "printed": _(LABELS["printed"]).format(moment=t.moment(context["printed_at"])),
            "slots": slots,
        }
        return html_to_pdf(environment().get_template("interview_planning.html").render(view))


def planning_filename(context: dict[str, Any]) -> str:
    return ascii_filename("planning-entretiens", context["program"])
