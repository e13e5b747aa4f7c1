"""The record tabs: « Cursus interne » (read-only), « Cursus externe », « Expériences professionnelles », « Stages ».

Drawn from the dossier the page read off the event loop (``app.pages.dossier``); saving and deleting an entry run
in a worker thread.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

from nicegui import run, ui

from app.config import get_settings
from app.db import transaction
from app.i18n import N_, _, current_language
from app.models import ExternalRecord, Internship, RecordOutcome, WorkExperience
from app.services.dossier import MENTIONS, referentials
from app.services.dossier import entries as dossier_entries
from app.services.dossier import tabs as dossier
from app.services.platform import Actor
from app.ui.dossier_form import EntityForm, ListedOrTyped, saved_notice
from app.ui.tables import scroll_region
from app.ui.text import heading, paragraph

DIPLOMA_TYPES = (
    N_("Licence"),
    N_("Licence professionnelle"),
    N_("BUT / DUT"),
    N_("BTS"),
    N_("Classe préparatoire (CPGE)"),
    N_("Master"),
    N_("Diplôme d'ingénieur"),
    N_("Diplôme d'école de commerce"),
    N_("Doctorat"),
    N_("Autre diplôme"),
)
IUT_NOTE = N_(
    "Vous ne trouverez pas les IUT dans la liste : ils sont des composantes des universités. "
    "Choisissez l'université de rattachement."
)


def internal_tab(opened: dossier.Dossier, *, actor: Actor, read_only: bool) -> None:
    paragraph(
        _(
            "Cette partie se remplit automatiquement si vous êtes ou avez été étudiant·e à l'université et avez "
            "saisi votre INE. En cas d'erreur, contactez le service de scolarité concerné."
        )
    ).mark("internal-note")
    if not opened.internal_records:
        paragraph(_("Aucune inscription à l'université n'est connue.")).mark("internal-empty")
        return
    columns = [
        {"name": "year", "label": _("Année"), "field": "year"},
        {"name": "code", "label": _("Code"), "field": "code"},
        {"name": "label", "label": _("Formation"), "field": "label", "align": "left"},
        {"name": "result", "label": _("Résultat"), "field": "result"},
        {"name": "mark", "label": _("Note"), "field": "mark"},
        {"name": "mention", "label": _("Mention"), "field": "mention"},
    ]
    rows = [
        {
            "year": f"{r.academic_year}-{r.academic_year + 1}",
            "code": r.program_code,
            "label": r.program_label,
            "result": r.result or _("En cours"),
            "mark": f"{r.mark:.2f}" if r.mark is not None else "",
            "mention": _(r.mention) if r.mention else "",
        }
        for r in opened.internal_records
    ]
    with scroll_region(_("Cursus interne")):
        ui.table(columns=columns, rows=rows, row_key="year").classes("w-full").mark("internal-records")


def _save_entry(actor: Actor, entity: Any) -> Any:
    """Blocking: the saved entry (``EntityForm.submit`` runs it in a worker thread)."""
    with transaction() as session:
        return dossier_entries.save_entry(session, actor=actor, entry=entity)


def _delete_entry(actor: Actor, model: type, entry_id: int) -> None:
    """Blocking: pages call it through ``run.io_bound``."""
    with transaction() as session:
        dossier_entries.delete_entry(session, actor=actor, model=model, entry_id=entry_id)


def _entry_item(entry: Any, text: str, actions: tuple[Callable[[Any], Any], Callable[[Any], Any]] | None) -> None:
    """One entry of the list, with « Modifier » and « Supprimer » (``actions``) unless the dossier is read-only."""
    with ui.element("li").classes("flex flex-wrap items-center gap-2 py-1"):
        ui.label(text).mark(f"entry-{entry.id}")
        if actions is not None:
            edit, remove = actions
            ui.button(_("Modifier"), on_click=lambda: edit(entry)).props("flat dense no-caps").mark(f"edit-{entry.id}")
            ui.button(_("Supprimer"), on_click=lambda: remove(entry)).props("flat dense no-caps color=negative").mark(
                f"delete-{entry.id}"
            )


def _entries_tab(
    *,
    actor: Actor,
    read_only: bool,
    rows: list[Any],
    describe: Callable[[Any], str],
    new: Callable[[], Any],
    fields: Callable[[EntityForm], None],
    empty: str,
    add_label: str,
) -> None:
    """A list of entries (each with « Modifier » and « Supprimer ») and one form to add or edit."""
    entries = list(rows)

    @ui.refreshable
    def listing() -> None:
        if not entries:
            paragraph(empty).mark("entries-empty")
            return
        with ui.element("ul").classes("w-full list-none p-0").mark("entries"):
            for entry in entries:
                _entry_item(entry, describe(entry), None if read_only else (edit, remove))

    listing()
    if read_only:
        return
    holder = ui.column().classes("w-full gap-2 mt-4")
    notice = saved_notice(_("Enregistré."))

    def show_form(entity: Any) -> None:
        holder.clear()
        with holder:
            heading(add_label if entity.id is None else _("Modifier"), 2)
            form = EntityForm(entity)
            fields(form)

            async def save() -> None:
                notice.set_visibility(False)

                saved = await form.submit(lambda: _save_entry(actor, entity))
                if saved is None:
                    return
                entries[:] = [e for e in entries if e.id != saved.id] + [saved]
                listing.refresh()
                notice.set_visibility(True)
                show_form(new())

            ui.button(_("Enregistrer"), on_click=save).props("no-caps").mark("save")

    def edit(entry: Any) -> None:
        show_form(type(entry).model_validate(entry.model_dump()))  # a copy: cancelling leaves the list intact

    async def remove(entry: Any) -> None:
        await run.io_bound(_delete_entry, actor, type(entry), entry.id)
        entries[:] = [e for e in entries if e.id != entry.id]
        listing.refresh()

    show_form(new())


def _outcomes() -> dict[RecordOutcome, str]:
    return {
        RecordOutcome.OBTAINED: _("Obtenu"),
        RecordOutcome.NOT_OBTAINED: _("Non obtenu"),
        RecordOutcome.IN_PROGRESS: _("En cours"),
    }


def _external_fields(form: EntityForm, establishments: dict[str, str], countries: dict[str, str]) -> None:
    """An external record's inputs: the establishment from the list, or named by hand with its country."""
    form.number("academic_year", _("Année universitaire (année de début)"), required=True)
    establishment = ListedOrTyped(
        form,
        "establishment_uai",
        _("Établissement"),
        establishments,
        not_listed=_("Mon établissement n'est pas dans la liste"),
        marker="not-listed",
        hint=_("Tapez une partie du nom ou de la ville."),
        required=True,
    )
    with establishment.typed:
        form.text("establishment_label", _("Nom de l'établissement"), required=True)
        form.select("country", _("Pays"), countries, required=True, searchable=True)
        paragraph(
            _("Votre établissement est en France mais absent de la liste ? Écrivez à l'assistance : {email}").format(
                email=get_settings().assistance_email
            )
        ).mark("assistance-note")
    form.select("diploma_type", _("Type de diplôme"), {d: _(d) for d in DIPLOMA_TYPES}, required=True)
    form.text("label", _("Intitulé de la formation"), required=True)
    form.select("outcome", _("Résultat"), _outcomes(), required=True)
    form.select("mention", _("Mention"), {m: _(m) if m else _("Sans mention") for m in MENTIONS})


def external_tab(opened: dossier.Dossier, *, actor: Actor, read_only: bool) -> None:
    paragraph(_(IUT_NOTE)).mark("iut-note")
    cid = opened.candidate.id
    establishments = {e.uai: e.label for e in referentials.search_establishments("", limit=10_000)}
    countries = referentials.countries(current_language())

    def describe(r: ExternalRecord) -> str:
        return (
            f"{r.academic_year}-{r.academic_year + 1} · {r.establishment_label} · {r.label} · {_outcomes()[r.outcome]}"
        )

    _entries_tab(
        actor=actor,
        read_only=read_only,
        rows=opened.external_records,
        describe=describe,
        new=lambda: ExternalRecord(
            candidate_id=cid,
            academic_year=None,
            establishment_label="",
            diploma_type="",
            label="",
            outcome=RecordOutcome.OBTAINED,
        ),
        fields=lambda form: _external_fields(form, establishments, countries),
        empty=_("Aucun cursus externe n'est saisi."),
        add_label=_("Ajouter un cursus"),
    )


# The two lists of dated experiences: the duration's example, the summary of an entry, the empty list, « Ajouter ».
_WORK_TEXTS = (N_("Par exemple « 6 mois »."), "{year} · {title} · {employer} · {duration}",
               N_("Aucune expérience professionnelle n'est saisie."), N_("Ajouter une expérience"))  # fmt: skip
_INTERNSHIP_TEXTS = (N_("Par exemple « 8 semaines »."), "{year} · {organisation} · {duration}",
                     N_("Aucun stage n'est saisi."), N_("Ajouter un stage"))  # fmt: skip


def _dated_tab(
    rows: list[Any],
    new: Callable[[], Any],
    own_fields: Callable[[EntityForm], None],
    texts: tuple[str, ...],
    *,
    actor: Actor,
    read_only: bool,
) -> None:
    """Work experience or internships: a year, a duration, the entry's own inputs, a description."""
    duration_hint, summary, empty, add_label = texts

    def fields(form: EntityForm) -> None:
        form.number("year", _("Année"), required=True)
        form.text("duration", _("Durée"), required=True, hint=_(duration_hint))
        own_fields(form)
        form.text("description", _("Description"), textarea=True)

    _entries_tab(
        actor=actor,
        read_only=read_only,
        rows=rows,
        describe=lambda entry: summary.format_map(entry.model_dump()),
        new=new,
        fields=fields,
        empty=_(empty),
        add_label=_(add_label),
    )


def _work_fields(form: EntityForm) -> None:
    form.text("title", _("Fonction"), required=True)
    form.text("employer", _("Employeur"), required=True)


def _internship_fields(form: EntityForm) -> None:
    form.number("hours_per_week", _("Heures par semaine"))
    form.text("organisation", _("Organisme"), required=True)


def work_tab(opened: dossier.Dossier, *, actor: Actor, read_only: bool) -> None:
    cid = opened.candidate.id
    new = partial(WorkExperience, candidate_id=cid, year=None, duration="", title="", employer="")
    _dated_tab(opened.work_experiences, new, _work_fields, _WORK_TEXTS, actor=actor, read_only=read_only)


def internship_tab(opened: dossier.Dossier, *, actor: Actor, read_only: bool) -> None:
    cid = opened.candidate.id
    new = partial(Internship, candidate_id=cid, year=None, duration="", organisation="")
    _dated_tab(opened.internships, new, _internship_fields, _INTERNSHIP_TEXTS, actor=actor, read_only=read_only)
