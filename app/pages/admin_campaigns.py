"""« Campagnes » (/admin/campagnes): create and edit campaigns, archive one, switch to the next one.

The switch archives the active campaign, activates the chosen one and copies the active programmes forward with
their calendars shifted (by the gap between the two start dates, or by a number of days or years).
"""

from datetime import date, datetime, time
from typing import Any

from nicegui import ui

from app.clock import PARIS
from app.db import transaction
from app.i18n import _, ngettext
from app.models import Campaign
from app.services.dossier import DossierInvalid
from app.services.offer import CampaignLine, Shift, campaigns
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_widgets import institution_page
from app.ui.dates import format_day
from app.ui.dossier_form import EntityForm, copy_into
from app.ui.offer_admin import cell, in_transaction, label_of, load, notice, say, submit, table
from app.ui.page import page
from app.ui.text import Text, heading, paragraph


def _shift_options() -> dict[str, str]:
    return {
        "start_dates": _("Décaler de l'écart entre les dates de début des deux campagnes"),
        "days": _("Décaler d'un nombre de jours"),
        "years": _("Décaler d'un nombre d'années (même jour, même heure)"),
    }


def _copy(campaign: Campaign) -> Campaign:
    return Campaign.model_validate(campaign.model_dump())  # edits stay off the list until saved


def _new() -> Campaign:
    return Campaign(code="", label_fr="", label_en="", starts_on=None, ends_on=None)  # type: ignore[arg-type]


def _values(campaign: Campaign) -> dict[str, Any]:
    return {name: getattr(campaign, name) for name in campaigns.EDITABLE_FIELDS}


def _fields(form: EntityForm) -> None:
    form.text("code", _("Code"), required=True, upper=True, hint=_("Par exemple 2027 ; lettres, chiffres, tirets."))
    form.text("label_fr", _("Libellé en français"), required=True)
    form.text("label_en", _("Libellé en anglais"), required=True)
    form.date("starts_on", _("Début de la campagne"), required=True)
    form.date("ends_on", _("Fin de la campagne"), required=True)
    form.moment(
        "sign_in_closes_at",
        _("Fermeture des connexions des candidats"),
        hint=_("Heure de Paris. Après ce moment, les candidats ne peuvent plus se connecter. Vide : jamais."),
    )
    form.checkbox(
        "definitive_acceptance",
        _("Acceptation définitive : confirmer une proposition désiste automatiquement les autres candidatures"),
    )


def _state(line: CampaignLine) -> str:
    return _(campaigns.STATE_LABELS[line.state])


async def _page(actor: Actor, writable: bool) -> None:
    lines: list[CampaignLine] = []

    async def reload() -> None:
        lines[:] = await in_transaction(lambda session: campaigns.list_campaigns(session, actor=actor))

    @ui.refreshable
    def listing() -> None:
        if not lines:
            paragraph(_("Aucune campagne pour l'instant.")).mark("no-campaign")
            return
        headers = [_("Code"), _("Libellé"), _("Début"), _("Fin"), _("État"), _("Formations"), _("Candidatures")]
        with table([*headers, _("Action")], "campaigns"):
            for line in lines:
                c = line.campaign
                with ui.element("tr").mark(f"campaign-{c.code}"):
                    cell(c.code)
                    cell(label_of(c))
                    cell(format_day_of(c.starts_on))
                    cell(format_day_of(c.ends_on))
                    cell(_state(line)).mark(f"state-{c.code}")
                    cell(str(line.programs))
                    cell(str(line.applications))
                    with ui.element("td"):
                        ui.button(
                            _("Ouvrir") if not writable or c.archived_at else _("Modifier"),
                            on_click=lambda c=c: show(_copy(c)),
                        ).props("flat dense no-caps").mark(f"edit-{c.code}").props["aria-label"] = _(
                            "Campagne {code}"
                        ).format(code=c.code)

    loaded = await load(lambda session: campaigns.list_campaigns(session, actor=actor))
    if loaded is None:
        return
    lines.extend(loaded)
    if writable:
        ui.button(_("Nouvelle campagne"), on_click=lambda: show(_new())).props("no-caps").mark("new-campaign")
    listing()
    status = notice()
    holder = ui.element("section").classes("w-full")

    async def after_change(message: str, campaign: Campaign) -> None:
        await reload()
        listing.refresh()
        say(status, message)
        show(_copy(campaign))

    def show(campaign: Campaign) -> None:
        holder.clear()
        archived = campaign.archived_at is not None
        with holder:
            title = (
                _("Nouvelle campagne") if campaign.id is None else _("Campagne « {code} »").format(code=campaign.code)
            )
            heading(title, 2).mark("form-title")
            if archived:
                paragraph(_("Campagne archivée : elle reste consultable mais ne se modifie plus.")).mark(
                    "archived-note"
                )
            form = EntityForm(campaign, read_only=archived or not writable)
            _fields(form)
            version = campaign.version

            async def save() -> None:
                status.set_visibility(False)

                def act() -> Campaign:
                    with transaction() as session:
                        return campaigns.save_campaign(
                            session,
                            actor=actor,
                            campaign_id=campaign.id,
                            expected_version=version if campaign.id is not None else None,
                            values=_values(campaign),
                        )

                saved = await submit(form, act)
                if saved is None:
                    return
                copy_into(campaign, saved)
                await after_change(_("Campagne « {code} » enregistrée.").format(code=saved.code), saved)

            async def archive() -> None:
                confirm.close()

                def act() -> Campaign:
                    with transaction() as session:
                        return campaigns.archive_campaign(
                            session, actor=actor, campaign_id=campaign.id or 0, expected_version=version
                        )

                saved = await submit(form, act)
                if saved is not None:
                    await after_change(_("Campagne « {code} » archivée.").format(code=saved.code), saved)

            with ui.dialog() as confirm, ui.card():
                paragraph(
                    _(
                        "Archiver cette campagne ? Les candidatures ne seront plus possibles ; ses candidatures "
                        "resteront consultables. Une campagne archivée ne se réactive pas."
                    )
                )
                with ui.row():
                    ui.button(_("Archiver"), on_click=archive).props("no-caps color=negative").mark("confirm-archive")
                    ui.button(_("Annuler"), on_click=confirm.close).props("flat no-caps")

            if writable and not archived:
                with ui.row().classes("gap-2 mt-2"):
                    ui.button(_("Enregistrer"), on_click=save).props("no-caps").mark("save")
                    if campaign.id is not None:
                        ui.button(_("Archiver…"), on_click=confirm.open).props("no-caps outline color=negative").mark(
                            "archive"
                        )
                    ui.button(_("Fermer"), on_click=holder.clear).props("flat no-caps").mark("cancel")
            if writable and campaign.id is not None and campaigns.campaign_state(campaign) == "prepared":
                _switch_section(actor, campaign, after_change)


def format_day_of(day: date | None) -> str:
    return format_day(datetime.combine(day, time(12), tzinfo=PARIS)) if day else "—"


def _switch_section(actor: Actor, campaign: Campaign, after_change: Any) -> None:
    """« Passer à cette campagne »: the shift, a confirmation, then the one-transaction switch."""
    with ui.element("section").classes("w-full mt-6 p-4 border rounded").mark("switch-section"):
        heading(_("Passer à cette campagne"), 3)
        paragraph(
            _(
                "La campagne active sera archivée (ses candidatures restent consultables), celle-ci deviendra "
                "active, et les formations actives de l'ancienne campagne seront recopiées ici avec leurs pièces et "
                "questions propres, toutes leurs dates décalées."
            )
        )
        choice = {"mode": "start_dates", "amount": None}
        with ui.element("fieldset").classes("border-0 p-0 m-0"):
            Text(_("Décalage des dates"), "legend").classes("font-bold")
            mode = ui.radio(_shift_options(), value="start_dates").mark("shift-mode")
            mode.bind_value_to(choice, "mode")
        amount = ui.number(_("Nombre de jours ou d'années"), format="%d", step=1).props("outlined").mark("shift-amount")
        amount.classes("max-w-xs")
        amount.bind_value_to(choice, "amount")
        amount.bind_visibility_from(choice, "mode", backward=lambda m: m != "start_dates")
        message = ui.label("").classes("text-negative").mark("switch-error")
        message.props["role"] = "alert"
        message.set_visibility(False)
        summary = ui.label("").mark("switch-summary")
        summary.props["role"] = "status"

        async def run_switch() -> None:
            confirm.close()
            message.set_visibility(False)
            amount.error = None
            try:
                raw = choice["amount"]
                shift = Shift(choice["mode"], int(raw) if raw not in (None, "") else 0)  # type: ignore[arg-type]
                result = await in_transaction(
                    lambda session: campaigns.switch_campaign(
                        session,
                        actor=actor,
                        new_campaign_id=campaign.id or 0,
                        expected_version=campaign.version,
                        shift=shift,
                    )
                )
            except DossierInvalid as error:
                amount.error = error.field_message(next(iter(error.errors)), _)
                return
            except DomainError as error:
                message.text = error.translate(_)
                message.set_visibility(True)
                return
            programs, documents, questions = (
                result.programs_copied,
                result.documents_copied,
                result.questions_copied,
            )
            text = _("Campagne « {code} » active. Recopié : {programs}, {documents} et {questions}.").format(
                code=result.new_campaign.code,
                programs=ngettext("{n} formation", "{n} formations", programs).format(n=programs),
                documents=ngettext("{n} pièce", "{n} pièces", documents).format(n=documents),
                questions=ngettext("{n} question", "{n} questions", questions).format(n=questions),
            )
            if result.programs_skipped:
                text += " " + _("Déjà présentes, non recopiées : {codes}.").format(
                    codes=", ".join(result.programs_skipped)
                )
            await after_change(text, result.new_campaign)

        with ui.dialog() as confirm, ui.card():
            paragraph(_("Passer à la campagne « {code} » ? L'opération ne se défait pas.").format(code=campaign.code))
            with ui.row():
                ui.button(_("Passer à cette campagne"), on_click=run_switch).props("no-caps").mark("confirm-switch")
                ui.button(_("Annuler"), on_click=confirm.close).props("flat no-caps")
        ui.button(_("Passer à cette campagne…"), on_click=confirm.open).props("no-caps").mark("switch")


def register() -> None:
    @page(routes.ADMIN_CAMPAIGNS)
    async def admin_campaigns_page() -> Any:
        return await institution_page(
            _("Campagnes"),
            _(
                "Une campagne couvre le recrutement d'une année universitaire. Une seule est active à la fois ; "
                "une campagne archivée reste consultable et n'est jamais supprimée."
            ),
            _page,
        )
