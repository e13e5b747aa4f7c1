"""« Campagnes » (/admin/campagnes): create and edit campaigns, archive one, switch to the next one (now, or at a
scheduled date and time: ``campaign_schedule_panel``).

The switch archives the active campaign, activates the chosen one and copies the active programmes forward with
their calendars shifted (by the gap between the two start dates, or by a number of days or years).
"""

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from functools import partial
from typing import Any

from nicegui import ui

from app.clock import PARIS
from app.i18n import _, ngettext
from app.models import Campaign
from app.pages.campaign_schedule_panel import chosen_shift, schedule_panel
from app.services.dossier import DossierInvalid
from app.services.offer import CampaignLine, campaigns
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_widgets import ListEditor, Marked, institution_page
from app.ui.dates import format_day
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import alert, confirm_dialog, in_transaction, label_of
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
    editor: ListEditor[CampaignLine] = ListEditor(
        read=lambda session: campaigns.list_campaigns(session, actor=actor),
        draw=lambda campaign: _form(editor, actor, writable, campaign),
    )
    if not await editor.load():
        return

    def listing() -> None:
        headers = [_("Code"), _("Libellé"), _("Début"), _("Fin"), _("État"), _("Formations"), _("Candidatures")]
        editor.table(
            [*headers, _("Action")],
            "campaigns",
            empty=(_("Aucune campagne pour l'instant."), "no-campaign"),
            row_marker=lambda line: f"campaign-{line.campaign.code}",
            cells=_cells,
            button=lambda line: editor.open_button(
                line.campaign,
                _("Ouvrir") if not writable or line.campaign.archived_at else _("Modifier"),
                _("Campagne {code}").format(code=line.campaign.code),
                f"edit-{line.campaign.code}",
            ),
        )

    if writable:
        ui.button(_("Nouvelle campagne"), on_click=lambda: editor.show(_new())).props("no-caps").mark("new-campaign")
    editor.place(listing)


def _cells(line: CampaignLine) -> list[str | Marked]:
    c = line.campaign
    return [
        c.code,
        label_of(c),
        format_day_of(c.starts_on),
        format_day_of(c.ends_on),
        Marked(_state(line), f"state-{c.code}"),
        str(line.programs),
        str(line.applications),
    ]


def _form(editor: ListEditor[CampaignLine], actor: Actor, writable: bool, campaign: Campaign) -> None:
    archived = campaign.archived_at is not None
    title = _("Nouvelle campagne") if campaign.id is None else _("Campagne « {code} »").format(code=campaign.code)
    heading(title, 2).mark("form-title")
    if archived:
        paragraph(_("Campagne archivée : elle reste consultable mais ne se modifie plus.")).mark("archived-note")
    form = EntityForm(campaign, read_only=archived or not writable)
    _fields(form)
    version = campaign.version
    save = partial(
        editor.act,
        form,
        lambda session: campaigns.save_campaign(
            session,
            actor=actor,
            campaign_id=campaign.id,
            expected_version=version if campaign.id is not None else None,
            values=_values(campaign),
        ),
        lambda saved: _("Campagne « {code} » enregistrée.").format(code=saved.code),
    )

    async def archive() -> None:
        confirm.close()
        await editor.act(
            form,
            lambda session: campaigns.archive_campaign(
                session, actor=actor, campaign_id=campaign.id or 0, expected_version=version
            ),
            lambda saved: _("Campagne « {code} » archivée.").format(code=saved.code),
        )

    confirm = confirm_dialog(
        _(
            "Archiver cette campagne ? Les candidatures ne seront plus possibles ; ses candidatures "
            "resteront consultables. Une campagne archivée ne se réactive pas."
        ),
        _("Archiver"),
        archive,
        "confirm-archive",
    )
    if writable and not archived:
        with ui.row().classes("gap-2 mt-2"):
            ui.button(_("Enregistrer"), on_click=save).props("no-caps").mark("save")
            if campaign.id is not None:
                ui.button(_("Archiver…"), on_click=confirm.open).props("no-caps outline color=negative").mark("archive")
            ui.button(_("Fermer"), on_click=editor.close).props("flat no-caps").mark("cancel")
    if writable and campaign.id is not None and campaigns.campaign_state(campaign) == "prepared":
        _switch_section(actor, campaign, editor.changed)


def format_day_of(day: date | None) -> str:
    return format_day(datetime.combine(day, time(12), tzinfo=PARIS)) if day else "—"


def _switch_section(actor: Actor, campaign: Campaign, after_change: Callable[[str, Campaign], Awaitable[None]]) -> None:
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
        paragraph(
            _(
                "Les candidats gardent leur compte et leur dossier : à leur prochaine connexion, ils vérifient et "
                "confirment leur dossier pour la nouvelle campagne avant de pouvoir candidater."
            )
        ).mark("switch-candidates")
        choice, amount = _shift_inputs()
        message = alert("switch-error")
        summary = ui.label("").mark("switch-summary")
        summary.props["role"] = "status"

        async def run_switch() -> None:
            confirm.close()
            message.set_visibility(False)
            amount.error = None
            try:
                shift = chosen_shift(choice)
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
            await after_change(_switched(result), result.new_campaign)

        question = _("Passer à la campagne « {code} » ? L'opération ne se défait pas.").format(code=campaign.code)
        confirm = confirm_dialog(question, _("Passer à cette campagne"), run_switch, "confirm-switch", props="no-caps")
        ui.button(_("Passer à cette campagne…"), on_click=confirm.open).props("no-caps").mark("switch")
        schedule_panel(actor, campaign, choice, after_change)


def _shift_inputs() -> tuple[dict[str, Any], ui.number]:
    """« Décalage des dates »: the way (bound into the returned dict's ``mode``) and the number (``amount``)."""
    choice: dict[str, Any] = {"mode": "start_dates", "amount": None}
    with ui.element("fieldset").classes("border-0 p-0 m-0"):
        Text(_("Décalage des dates"), "legend").classes("font-bold")
        mode = ui.radio(_shift_options(), value="start_dates").mark("shift-mode")
        mode.bind_value_to(choice, "mode")
    amount = ui.number(_("Nombre de jours ou d'années"), format="%d", step=1).props("outlined").mark("shift-amount")
    amount.classes("max-w-xs")
    amount.bind_value_to(choice, "amount")
    amount.bind_visibility_from(choice, "mode", backward=lambda m: m != "start_dates")
    return choice, amount


def _switched(result: Any) -> str:
    """What the switch did, in words: the campaign now active and what was copied (or skipped)."""
    programs, documents, questions = result.programs_copied, result.documents_copied, result.questions_copied
    text = _("Campagne « {code} » active. Recopié : {programs}, {documents} et {questions}.").format(
        code=result.new_campaign.code,
        programs=ngettext("{n} formation", "{n} formations", programs).format(n=programs),
        documents=ngettext("{n} pièce", "{n} pièces", documents).format(n=documents),
        questions=ngettext("{n} question", "{n} questions", questions).format(n=questions),
    )
    if result.programs_skipped:
        text += " " + _("Déjà présentes, non recopiées : {codes}.").format(codes=", ".join(result.programs_skipped))
    return text


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
