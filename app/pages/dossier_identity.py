"""The mandatory tabs: « Informations personnelles » (with the INE), « Adresse », « Baccalauréat ».

The page reads the dossier and the referential files off the event loop before drawing (``app.pages.dossier``), so
the lists below only read memory; each « Enregistrer » saves in a worker thread.
"""

from collections.abc import Callable
from typing import Any

from nicegui import ui

from app.config import get_settings
from app.db import transaction
from app.i18n import N_, _, current_language
from app.models import BacSeries, Civility
from app.pages.dossier_lycee import lycee_fields
from app.services.dossier import BAC_SERIES_CHOICES, BACCALAUREATE_LOCK, MENTIONS, LyceeChoices, referentials
from app.services.dossier import tabs as dossier
from app.services.platform import Actor
from app.ui import routes
from app.ui.dossier_form import LOCKED_HINT, EntityForm, copy_into, saved_notice
from app.ui.folded_select import COMMUNE_SYNONYMS
from app.ui.text import paragraph

INE_HELP = N_(
    "Si vous avez passé le baccalauréat français depuis 1995 ou été inscrit·e dans l'enseignement supérieur "
    "français, vous avez un INE : il figure en tête du relevé de notes du baccalauréat ou d'un relevé de notes "
    "universitaire. 11 caractères, saisis en MAJUSCULES. Attention à ne pas confondre la lettre « O » et le "
    "chiffre « 0 » (zéro). L'INE est facultatif (les candidat·e·s étranger·e·s n'en ont pas)."
)


def _save_button(form: EntityForm, on_save) -> None:
    if form.read_only:
        return
    ui.button(_("Enregistrer"), on_click=on_save).props("no-caps").mark("save")


def _communes(department: str | None) -> dict[str, str]:
    return {c.insee: c.name for c in referentials.communes_of_department(department)} if department else {}


def _departments() -> dict[str, str]:
    return {code: f"{code} – {name}" for code, name in referentials.departments().items()}


def _saver(form: EntityForm, entity: Any, notice: ui.label, save: Callable[[Any], Any]) -> Callable[[], Any]:
    """« Enregistrer » of a one-row tab: ``save(session)`` in a worker thread, the saved row copied back."""

    async def on_save() -> None:
        notice.set_visibility(False)

        def act() -> Any:
            with transaction() as session:
                return save(session)

        saved = await form.submit(act)
        if saved is not None:
            copy_into(entity, saved)
            notice.set_visibility(True)

    return on_save


def _birth_place(form: EntityForm, candidate: Any, countries: dict[str, str]) -> None:
    """The department and commune of birth in France, the city of birth abroad: each shown for its country."""
    birth_fr = ui.column().classes("w-full gap-2")
    with birth_fr:
        commune = None

        def department_changed(event) -> None:
            if commune is not None:
                commune.set_options(_communes(event.value), value=None)

        form.select(
            "birth_department",
            _("Département de naissance"),
            _departments(),
            required=True,
            searchable=True,
            on_change=department_changed,
        )
        commune = form.select(
            "birth_commune_insee",
            _("Commune de naissance"),
            _communes(candidate.birth_department),
            required=True,
            searchable=True,
            no_match=N_("Aucune commune de ce département ne correspond à « {query} »."),
            synonyms=COMMUNE_SYNONYMS,
        )
    birth_abroad = ui.column().classes("w-full gap-2")
    with birth_abroad:
        form.text("birth_place", _("Ville de naissance"), required=True)
    birth_fr.bind_visibility_from(candidate, "birth_country", backward=lambda c: c == "FR")
    birth_abroad.bind_visibility_from(candidate, "birth_country", backward=lambda c: c != "FR")


def _unknown_ine_dialog(form: EntityForm) -> ui.dialog:
    """Asked when the student information system knows no such INE: go on, or correct it."""
    with ui.dialog() as unknown_ine, ui.card():
        question = paragraph(_("Vous n'avez jamais été inscrit·e à l'université : voulez-vous continuer ?"))
        question.mark("ine-unknown-question")
        paragraph(_("Si vous n'avez jamais étudié ici, il est normal que votre INE ne soit pas reconnu."))
        with ui.row():
            ui.button(
                _("Oui, continuer"),
                on_click=lambda: (unknown_ine.close(), ui.navigate.to(routes.DOSSIER_TAB.format(tab="adresse"))),
            ).props("no-caps").mark("ine-continue")
            ui.button(
                _("Non, corriger mon INE"),
                on_click=lambda: (unknown_ine.close(), form.fields["ine"].run_method("focus")),
            ).props("no-caps flat").mark("ine-correct")
    return unknown_ine


def personal_tab(opened: dossier.Dossier, *, actor: Actor, read_only: bool) -> None:
    candidate = opened.candidate
    lang = current_language()
    form = EntityForm(candidate, read_only=read_only, locked=set(candidate.locked_fields or []))
    if candidate.locked_fields:
        paragraph(_(LOCKED_HINT)).mark("locked-note")
    civilities = {Civility.MS: _("Madame"), Civility.MR: _("Monsieur"), Civility.UNSPECIFIED: _("Non précisé")}
    form.select("civility", _("Civilité"), civilities, required=True)
    form.text("birth_name", _("Nom de naissance"), required=True, upper=True, autocomplete="family-name")
    form.text("usage_name", _("Nom d'usage"), upper=True)
    # First names stay as typed (« Éloïse »): the capitals without accents are for the student information system.
    form.text("first_names", _("Prénoms"), required=True, autocomplete="given-name")
    form.date("birth_date", _("Date de naissance"), required=True, hint=_("Au format jj/mm/aaaa."))
    countries = referentials.countries(lang)
    form.select("birth_country", _("Pays de naissance"), countries, required=True, searchable=True)
    _birth_place(form, candidate, countries)
    form.select("nationality", _("Nationalité (pays)"), countries, required=True, searchable=True)
    form.text("phone", _("Téléphone fixe"), autocomplete="tel")
    form.text("mobile", _("Téléphone portable"), autocomplete="tel")
    form.text("ine", _("INE (identifiant national étudiant)"), upper=True, hint=_(INE_HELP))
    if candidate.student_number:
        paragraph(_("Numéro d'étudiant : {number}").format(number=candidate.student_number)).mark("student-number")
    notice = saved_notice(_("Vos informations personnelles sont enregistrées."))

    unknown_ine = _unknown_ine_dialog(form)

    async def save() -> None:
        notice.set_visibility(False)

        def act() -> dossier.PersonalSaved:
            with transaction() as session:
                return dossier.save_personal_information(session, actor=actor, candidate=candidate)

        result = await form.submit(act)
        if result is None:
            return
        copy_into(candidate, result.candidate)
        form.refresh_values()
        notice.set_visibility(True)
        if result.imported:
            ui.navigate.to(
                routes.DOSSIER_TAB.format(tab="informations")
            )  # identity, bac and internal record now locked
        elif result.ine_unknown:
            unknown_ine.open()

    _save_button(form, save)


def address_tab(opened: dossier.Dossier, *, actor: Actor, read_only: bool) -> None:
    address = opened.address
    form = EntityForm(address, read_only=read_only)
    form.text("line1", _("Adresse (ligne 1)"), required=True, autocomplete="address-line1")
    form.text("line2", _("Complément d'adresse (ligne 2)"), autocomplete="address-line2")
    form.text("line3", _("Complément d'adresse (ligne 3)"), autocomplete="address-line3")
    form.select("country", _("Pays"), referentials.countries(current_language()), required=True, searchable=True)
    in_france = ui.column().classes("w-full gap-2")
    with in_france:
        postcode = form.text(
            "postcode",
            _("Code postal"),
            required=True,
            autocomplete="postal-code",
            hint=_("Tapez les 5 chiffres : la liste des communes se remplit."),
        )
        communes = {c.insee: c.name for c in referentials.communes_of_postcode(address.postcode)}
        commune = form.select("commune_insee", _("Commune"), communes, required=True)

        def postcode_changed(event) -> None:
            options = {c.insee: c.name for c in referentials.communes_of_postcode(str(event.value or ""))}
            commune.set_options(options, value=next(iter(options)) if len(options) == 1 else None)

        postcode.on_value_change(postcode_changed)
    abroad = ui.column().classes("w-full gap-2")
    with abroad:
        form.text("city", _("Ville"), required=True, autocomplete="address-level2")
    in_france.bind_visibility_from(address, "country", backward=lambda c: c == "FR")
    abroad.bind_visibility_from(address, "country", backward=lambda c: c != "FR")
    notice = saved_notice(_("Votre adresse est enregistrée."))
    save = _saver(form, address, notice, lambda session: dossier.save_address(session, actor=actor, address=address))
    _save_button(form, save)


def baccalaureate_tab(
    opened: dossier.Dossier, *, actor: Actor, read_only: bool, lycees: LyceeChoices | None = None
) -> None:
    """``lycees``: the imported list's lycées of the dossier's département (None: no list, or a read-only view, where
    the stored name is shown as typed or copied from the list)."""
    bac = opened.baccalaureate
    locked = BACCALAUREATE_LOCK in (opened.candidate.locked_fields or [])
    if locked:
        paragraph(_(LOCKED_HINT)).mark("locked-note")
    form = EntityForm(bac, read_only=read_only or locked)
    series = {BacSeries(value): _(label) for value, label in BAC_SERIES_CHOICES.items()}
    form.select("series", _("Série"), series, required=True)
    details = ui.column().classes("w-full gap-2")
    with details:
        form.text(
            "series_detail",
            _("Série technologique ou intitulé du diplôme"),
            hint=_("Par exemple STMG, STI2D, ou « Baccalauréat sénégalais, série L2 »."),
        )
        form.number("year", _("Année d'obtention"), required=True)
        form.select("mention", _("Mention"), {m: _(m) if m else _("Sans mention") for m in MENTIONS})
        specialities = ui.input(
            _("Spécialités (bac général), séparées par des virgules"), value=", ".join(bac.specialities or [])
        )
        specialities.bind_value_to(bac, "specialities", forward=lambda t: [s.strip() for s in (t or "").split(",")])
        form._setup("specialities", specialities, required=False)
        form.text("options", _("Options"))
        form.select("country", _("Pays d'obtention"), referentials.countries(current_language()), searchable=True)
        form.select("department", _("Département d'obtention (en France)"), _departments(), searchable=True)
        if lycees is None or form.read_only:
            form.text("establishment_label", _("Établissement (lycée)"))
        else:
            lycee_fields(form, lycees.options)
    details.bind_visibility_from(bac, "series", backward=lambda s: s != BacSeries.NONE)
    notice = saved_notice(_("Votre baccalauréat est enregistré."))
    save = _saver(
        form, bac, notice, lambda session: dossier.save_baccalaureate(session, actor=actor, baccalaureate=bac)
    )
    _save_button(form, save)
    paragraph(_("Une question ? Écrivez à l'assistance : {email}").format(email=get_settings().assistance_email))
