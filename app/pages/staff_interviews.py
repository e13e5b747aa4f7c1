"""« Entretiens » for staff: the programmes of the role's scope with interviews, and one programme's slots.

``/gestion/entretiens`` lists the active campaign's programmes of the scope with slots or shortlisted candidates;
``/gestion/entretiens/{id}`` shows how many shortlisted candidates have booked, « Imprimer le planning » (a PDF,
``…/planning.pdf``), the form to add a slot, then the timetable (``staff_interviews_slots``). Every rule and the scope
are in ``services/interviews``; the pages read and act in worker threads, never on the event loop.
"""

from typing import Any

from fastapi import Request, Response
from nicegui import app, run, ui
from sqlmodel import Session

from app.i18n import _, ngettext
from app.pages.pdf_files import rendered_pdf, staff_asking
from app.pages.staff_interviews_form import slot_form
from app.pages.staff_interviews_slots import act, draw_slots
from app.services.interviews import (
    SlotInput,
    Timetable,
    create_slot,
    interview_timetable,
    planning_context,
    planning_filename,
    programs_with_interviews,
    render_planning,
)
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.frame import frame
from app.ui.guards import as_staff, read_or_refusal, refusal
from app.ui.latest_read import LatestRead
from app.ui.page import page
from app.ui.program_index import program_links
from app.ui.session import current_language
from app.ui.text import heading, paragraph


def _programs(actor: Actor, lang: str) -> list[tuple[int, str, int, int]] | DomainError:
    return read_or_refusal(programs_with_interviews, actor=actor, lang=lang)


def _index(programs: list[tuple[int, str, int, int]] | DomainError | None) -> None:
    if isinstance(programs, DomainError):
        refusal(programs)
        return
    paragraph(
        _(
            "Les formations de votre périmètre qui ont des candidats présélectionnés ou des créneaux d'entretien. "
            "Ouvrez-en une pour publier ses créneaux et voir son planning."
        )
    )
    links = []
    for program_id, label, slots, shortlisted in programs or []:
        counts = ngettext("{n} créneau", "{n} créneaux", slots).format(n=slots)
        people = ngettext("{n} présélectionné", "{n} présélectionnés", shortlisted).format(n=shortlisted)
        links.append((program_id, f"{label} — {counts}, {people}"))
    empty = _("Aucune formation de votre périmètre n'a d'entretien pour l'instant.")
    program_links(links, routes.INTERVIEW_PROGRAM, "interview-programs", empty)


def _timetable(actor: Actor, program_id: int, lang: str) -> Timetable | DomainError:
    return read_or_refusal(interview_timetable, actor=actor, program_id=program_id, lang=lang)


def _summary(view: Timetable) -> None:
    with ui.element("section").mark("interview-summary"):
        heading(_("Réservations"), 2)
        paragraph(f"{view.program} — {view.centre}").classes("font-bold").mark("interview-program")
        paragraph(
            ngettext(
                "{n} candidat présélectionné dans votre périmètre",
                "{n} candidats présélectionnés dans votre périmètre",
                view.shortlisted,
            ).format(n=view.shortlisted)
            + " · "
            + ngettext("{n} sans créneau réservé", "{n} sans créneau réservé", view.unbooked).format(n=view.unbooked)
        ).mark("interview-counts")
        ui.link(_("Imprimer le planning (PDF)"), routes.INTERVIEW_PLANNING_PDF.format(program_id=view.program_id)).mark(
            "planning-pdf"
        )


async def _program_page(actor: Actor, program_id: int) -> None:
    lang = current_language()
    shown: dict[str, Timetable | DomainError] = {"view": await run.io_bound(_timetable, actor, program_id, lang)}
    reads = LatestRead()
    with frame(_("Entretiens")):
        ui.link(_("Toutes les formations avec entretiens"), routes.INTERVIEWS).mark("all-interviews")
        status = ui.label("").mark("interview-status")
        status.props["role"] = "status"

        async def reload(message: str = "") -> None:
            view = await reads.run(_timetable, actor, program_id, lang)
            if view is None:
                return
            shown["view"] = view
            content.refresh()
            if message and not status.is_deleted:
                status.text = message

        async def add(data: SlotInput, publish: bool) -> DomainError | None:
            def work(session: Session, who: Actor) -> None:
                create_slot(session, actor=who, program_id=program_id, data=data, publish=publish)

            refused = await run.io_bound(act, actor, work)
            if refused is None:
                await reload(_("Créneau ajouté."))
            return refused

        @ui.refreshable
        def content() -> None:
            view = shown["view"]
            if isinstance(view, DomainError):
                refusal(view)
                return
            _summary(view)
            if view.can_edit:  # a read-only role sees the timetable only (the services refuse its changes anyway)
                with ui.element("section").mark("interview-add"):
                    heading(_("Ajouter un créneau"), 2)
                    slot_form(add)
            draw_slots(view, actor, reload)

        content()


async def _index_page(actor: Actor) -> None:
    programs = await run.io_bound(_programs, actor, current_language())
    with frame(_("Entretiens")):
        _index(programs)


def register() -> None:
    @page(routes.INTERVIEWS)
    async def staff_interviews() -> Any:
        return await as_staff(_index_page)

    @page(routes.INTERVIEW_PROGRAM)
    async def staff_interview_program(program_id: int) -> Any:
        return await as_staff(_program_page, program_id)

    @app.get(routes.INTERVIEW_PLANNING_PDF, include_in_schema=False)
    async def interview_planning(request: Request, program_id: int) -> Response:
        lang = current_language()

        def load(session: Session, *, actor: Actor, application_id: int) -> dict:
            # ``rendered_pdf`` reads with its loaders' shape: the id it passes is the programme's here.
            return planning_context(session, actor=actor, program_id=application_id, lang=lang)

        return await rendered_pdf(staff_asking(request), program_id, load, render_planning, planning_filename)
