"""One programme (/admin/formations/edition?formation=ID, or ?composante=ID for a new one): every field and its
calendar, errors next to each field. A change that affects existing applications is shown as warnings first and
saved only once confirmed. Read-only for a centre manager whose centre may not edit its offer."""

from typing import Any

from nicegui import run, ui

from app.db import transaction
from app.i18n import _, ngettext
from app.models import Program
from app.services.admin import programs as admin_programs
from app.services.offer import calendar_rules as cal
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_nav import OFFER_EDITORS, back_to_admin
from app.ui.dossier_form import EntityForm
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.offer_admin import form_buttons, in_transaction, load, notice, options, say, submit
from app.ui.page import page
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
        hint=_("Compté à partir de la publication d'un avis favorable ; à la place de la date limite."),
    )
    form.moment("waiting_list_confirmation_by", _(cal.LABELS["waiting_list_confirmation_by"]))
    form.number(
        "waiting_list_confirmation_delay_days",
        _(cal.LABELS["waiting_list_confirmation_delay_days"]),
        hint=_("Compté à partir de l'appel ; à la place de la date limite."),
    )
    form.moment("preselection_at", _(cal.LABELS["preselection_at"]))
    form.text("preselection_place", _(cal.LABELS["preselection_place"]))


async def _page(actor: Actor, program_id: int | None, centre_id: int | None) -> None:
    def read(session: Any) -> tuple[Program, bool, int, admin_programs.Choices]:
        if program_id is not None:
            row = admin_programs.open_program(session, actor=actor, program_id=program_id)
            program, editable, applications = row.program, row.editable, row.applications
        else:
            program, editable, applications = (
                admin_programs.new_program(session, actor=actor, centre_id=centre_id or 0),
                True,
                0,
            )
        return (
            program,
            editable,
            applications,
            admin_programs.choices(session, actor=actor, centre_id=program.centre_id),
        )

    loaded = await load(read)
    if loaded is None:
        return
    program, editable, applications, choices = loaded
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
    status = notice()
    form = EntityForm(program, read_only=not editable)

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

    heading(_("Description"), 2)
    _description(form, choices, program, on_centre)
    heading(_("Calendrier"), 2)
    _calendar(form)
    warnings_box = ui.element("div").classes("w-full")

    async def save(acknowledge: bool = False) -> None:
        status.set_visibility(False)
        warnings_box.clear()

        def act() -> Program:
            with transaction() as session:
                return admin_programs.save_program(session, actor=actor, program=program, acknowledge=acknowledge)

        form.clear_errors()
        try:
            saved = await run.io_bound(act)
        except admin_programs.CalendarWarnings as warned:
            with warnings_box, ui.element("div").props('role="alert"').classes("border p-2").mark("warnings"):
                paragraph(_(warned.message)).classes("font-bold")
                with ui.element("ul").classes("ec-bullets"):
                    for message, params in warned.warnings:
                        with ui.element("li").mark("warning"):
                            ui.label(_(message).format(**params))
                ui.button(_("Enregistrer malgré ces avertissements"), on_click=lambda: save(True)).props(
                    "no-caps color=warning text-color=black"
                ).mark("save-anyway")
            return
        except DomainError as error:
            form.show(error)
            return
        if program.id is None:
            ui.navigate.to(f"{routes.ADMIN_PROGRAM_EDIT}?formation={saved.id}")
            return
        program.version = saved.version
        form.refresh_values()
        say(status, _("Formation enregistrée."))

    async def switch(active: bool) -> None:
        def act() -> Program:
            with transaction() as session:
                return admin_programs.set_program_active(
                    session, actor=actor, program_id=program.id or 0, expected_version=program.version, active=active
                )

        if await submit(form, act) is not None:
            ui.navigate.reload()

    if not editable:
        return
    form_buttons(program, save, switch)


def register() -> None:
    @page(routes.ADMIN_PROGRAM_EDIT)
    async def admin_program_page(formation: int | None = None, composante: int | None = None) -> Any:
        gate = await require_staff(*OFFER_EDITORS)
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        with frame(_("Formation") if formation is not None else _("Nouvelle formation")):
            ui.link(_("← Formations et calendriers"), LIST_PATH).mark("back-to-programs")
            back_to_admin()
            await _page(gate.actor, formation, composante)
        return None
