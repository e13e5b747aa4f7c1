"""One programme (/admin/formations/edition?formation=ID, or ?composante=ID for a new one): every field and its
calendar, errors next to each field. A change that affects existing applications is shown as warnings first and
saved only once confirmed. Read-only for a centre manager whose centre may not edit its offer."""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui
from sqlmodel import Session

from app.i18n import _, ngettext
from app.models import Program
from app.pages.admin_program_committees import examining_section
from app.pages.admin_program_grid import grid_section
from app.services.admin import programs as admin_programs
from app.services.offer import calendar_rules as cal
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_nav import OFFER_EDITORS
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import (
    form_buttons,
    in_transaction,
    load,
    notice,
    offer_page,
    options,
    saved_in_place,
    switch_and_reload,
)
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import heading, paragraph

LIST_PATH = routes.ADMIN_PROGRAMS


def _description(form: EntityForm, choices: admin_programs.Choices, program: Program, on_centre: Any) -> None:
    centres = options(choices.centres, keep=program.centre_id)
    form.select("centre_id", _("Composante"), centres, required=True, on_change=on_centre)
    form.select(
        "committee_id",
        _("Commission"),
        options(choices.committees, keep=program.committee_id),
        required=True,
        hint=_("La commission qui examine les candidatures de cette formation."),
    )
    form.select(
        "diploma_type_id",
        _("Type de diplôme"),
        options(choices.diploma_types, keep=program.diploma_type_id),
        required=True,
    )
    form.text("code", _("Code"), required=True, upper=True, hint=_("Lettres sans accent, chiffres, - _ ."))
    form.text("label_fr", _("Libellé en français"), required=True)
    form.text("label_en", _("Libellé en anglais"), required=True)
    form.text(
        "keywords", _("Mots-clés"), hint=_("Aident les candidats à trouver la formation, séparés par des espaces.")
    )
    form.text("info_url", _("Page d'information (adresse web)"))
    form.number("capacity", _("Capacité d'accueil"), hint=_("Vide : pas de capacité fixée."))
    form.select(
        "procedure",
        _("Procédure"),
        {key: _(label) for key, label in admin_programs.PROCEDURE_LABELS.items()},
        required=True,
    )
    form.checkbox("has_waiting_list", _("La formation tient une liste complémentaire"))
    favorable = {
        None: _("Type par défaut"),
        **options(choices.favorable_types, keep=program.favorable_decision_type_id),
    }
    form.select("favorable_decision_type_id", _("Avis favorable (liste principale)"), favorable)
    called = {
        None: _("Type par défaut"),
        **options(choices.favorable_types, keep=program.waiting_list_call_decision_type_id),
    }
    form.select(
        "waiting_list_call_decision_type_id", _("Avis favorable après appel de la liste complémentaire"), called
    )


def _calendar(form: EntityForm) -> None:
    paragraph(
        _(
            "Ordre attendu : ouverture < fermeture ≤ retour des dossiers ≤ jury ≤ publication ≤ confirmation. "
            "Les dates facultatives laissées vides sont ignorées."
        )
    ).classes("text-sm")
    for name in cal.CHAIN:
        form.moment(name, _(cal.LABELS[name]), required=name in cal.REQUIRED_FOR_PROGRAM)
    form.number(
        "confirmation_delay_days",
        _(cal.LABELS["confirmation_delay_days"]),
        hint=_(
            "Compté à partir de la publication d'un avis favorable ; à la place de la date limite. Raccourci à "
            "3 jours, puis 1 jour, à l'approche de la fin de la campagne (voir Paramètres)."
        ),
    )
    form.moment("waiting_list_confirmation_by", _(cal.LABELS["waiting_list_confirmation_by"]))
    form.number(
        "waiting_list_confirmation_delay_days",
        _(cal.LABELS["waiting_list_confirmation_delay_days"]),
        hint=_(
            "Compté à partir de l'appel ; à la place de la date limite. Raccourci à 3 jours, puis 1 jour, à "
            "l'approche de la fin de la campagne."
        ),
    )
    form.moment("preselection_at", _(cal.LABELS["preselection_at"]))
    form.text("preselection_place", _(cal.LABELS["preselection_place"]))


def _read(actor: Actor, program_id: int | None, centre_id: int | None) -> Any:
    def read(session: Session) -> tuple[Program, bool, int, admin_programs.Choices]:
        if program_id is not None:
            row = admin_programs.open_program(session, actor=actor, program_id=program_id)
            program, editable, applications = row.program, row.editable, row.applications
        else:
            program = admin_programs.new_program(session, actor=actor, centre_id=centre_id or 0)
            editable, applications = True, 0
        return (
            program,
            editable,
            applications,
            admin_programs.choices(session, actor=actor, centre_id=program.centre_id),
        )

    return read


def _notes(editable: bool, applications: int) -> None:
    if not editable:
        paragraph(_("Lecture seule : vous ne pouvez pas modifier cette formation.")).mark("read-only-note")
    if applications:
        paragraph(
            ngettext(
                "{count} candidature en cours : certains changements de calendrier sont limités.",
                "{count} candidatures en cours : certains changements de calendrier sont limités.",
                applications,
            ).format(count=applications)
        ).mark("applications-note")


def _centre_changed(actor: Actor, form: EntityForm) -> Callable[[Any], Awaitable[None]]:
    """Another centre offers its own committees: the committee's options follow (the only one is chosen)."""

    async def on_centre(event: Any) -> None:
        if event.value is None:
            return
        centre = event.value
        try:
            fresh = await in_transaction(lambda session: admin_programs.choices(session, actor=actor, centre_id=centre))
        except DomainError as error:
            form.show(error)
            return
        committee = form.fields["committee_id"]
        committee.options = options(fresh.committees)
        committee.value = next(iter(committee.options)) if len(committee.options) == 1 else None
        committee.update()

    return on_centre


async def _page(actor: Actor, program_id: int | None, centre_id: int | None) -> None:
    loaded = await load(_read(actor, program_id, centre_id))
    if loaded is None:
        return
    program, editable, applications, choices = loaded
    _notes(editable, applications)
    status = notice()
    form = EntityForm(program, read_only=not editable)
    heading(_("Description"), 2)
    _description(form, choices, program, _centre_changed(actor, form))
    heading(_("Calendrier"), 2)
    _calendar(form)
    warnings_box = ui.element("div").classes("w-full")

    async def save(acknowledge: bool = False) -> None:
        status.set_visibility(False)
        warnings_box.clear()
        form.clear_errors()
        try:
            saved = await in_transaction(
                lambda session: admin_programs.save_program(
                    session, actor=actor, program=program, acknowledge=acknowledge
                )
            )
        except admin_programs.CalendarWarnings as warned:
            with warnings_box:
                _warnings(warned, lambda: save(True))
            return
        except DomainError as error:
            form.show(error)
            return
        saved_in_place(
            form, program, saved, status, _("Formation enregistrée."), routes.ADMIN_PROGRAM_EDIT + "?formation={id}"
        )

    if editable:
        form_buttons(
            program,
            save,
            switch_and_reload(
                form,
                lambda session, active: admin_programs.set_program_active(
                    session, actor=actor, program_id=program.id or 0, expected_version=program.version, active=active
                ),
            ),
        )
    await grid_section(actor, program)  # its own forms, under the programme's
    if program.id is not None:  # a new programme lists its examining committees once saved
        await examining_section(actor, program.id, current_language())


def _warnings(warned: Any, save_anyway: Callable[[], Any]) -> None:
    """The calendar's warnings about existing applications, and « Enregistrer malgré ces avertissements »."""
    with ui.element("div").props('role="alert"').classes("border p-2").mark("warnings"):
        paragraph(_(warned.message)).classes("font-bold")
        with ui.element("ul").classes("ec-bullets"):
            for message, params in warned.warnings:
                with ui.element("li").mark("warning"):
                    ui.label(_(message).format(**params))
        ui.button(_("Enregistrer malgré ces avertissements"), on_click=save_anyway).props(
            "no-caps color=warning text-color=black"
        ).mark("save-anyway")


def register() -> None:
    @page(routes.ADMIN_PROGRAM_EDIT)
    async def admin_program_page(formation: int | None = None, composante: int | None = None) -> Any:
        return await offer_page(
            OFFER_EDITORS,
            _("Formation") if formation is not None else _("Nouvelle formation"),
            None,
            lambda actor: _page(actor, formation, composante),
            up=(_("← Formations et calendriers"), LIST_PATH, "back-to-programs"),
        )
