"""« Programmer la bascule »: on a prepared campaign, the switch scheduled for a date and time (Paris), shown with
« Annuler la bascule programmée », and the reason a scheduled switch was refused when its time came.

The job ``scheduled_campaign_switch`` carries it out (``app/services/offer/campaign_schedule.py``).
"""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from app.i18n import _
from app.models import Campaign
from app.services.dossier import DossierInvalid
from app.services.offer import Shift, campaign_schedule
from app.services.platform import Actor, DomainError
from app.ui.dates import format_moment, typed_moment
from app.ui.offer_admin import alert, in_transaction
from app.ui.text import heading, paragraph

AfterChange = Callable[[str, Campaign], Awaitable[None]]


def chosen_shift(choice: dict[str, Any]) -> Shift:
    """The shift « Décalage des dates » holds (``mode`` and ``amount``, empty: none), for the switch now or later."""
    raw = choice["amount"]
    return Shift(choice["mode"], int(raw) if raw not in (None, "") else 0)


def schedule_panel(actor: Actor, campaign: Campaign, choice: dict[str, Any], after_change: AfterChange) -> None:
    """The panel, below « Passer à cette campagne » whose shift (``choice``) a scheduled switch also uses."""
    heading(_("Programmer la bascule"), 4)
    refusal = campaign.switch_refusal or {}
    if refusal.get("message"):
        reason = _(str(refusal["message"])).format(**refusal.get("params", {}))
        note = paragraph(_("La bascule programmée n'a pas eu lieu : {reason}").format(reason=reason))
        note.classes("text-negative").mark("schedule-refusal")
        note.props["role"] = "alert"
    if campaign.switch_scheduled_at is not None:
        _scheduled(actor, campaign, after_change)
    else:
        _schedule_form(actor, campaign, choice, after_change)


def _scheduled(actor: Actor, campaign: Campaign, after_change: AfterChange) -> None:
    assert campaign.switch_scheduled_at is not None
    text = _("Bascule programmée le {moment} (heure de Paris).").format(
        moment=format_moment(campaign.switch_scheduled_at)
    )
    paragraph(text).mark("schedule-planned")

    async def cancel() -> None:
        try:
            saved = await in_transaction(
                lambda session: campaign_schedule.cancel_scheduled_switch(
                    session, actor=actor, campaign_id=campaign.id or 0, expected_version=campaign.version
                )
            )
        except DomainError as error:
            ui.notify(error.translate(_), type="negative")
            return
        await after_change(_("Bascule programmée annulée."), saved)

    ui.button(_("Annuler la bascule programmée"), on_click=cancel).props("no-caps outline").mark("schedule-cancel")


def _schedule_form(actor: Actor, campaign: Campaign, choice: dict[str, Any], after_change: AfterChange) -> None:
    paragraph(
        _(
            "Au moment choisi, la bascule se fait comme « Passer à cette campagne », avec le décalage des dates "
            "ci-dessus ; si elle n'est plus possible à ce moment-là, elle n'a pas lieu et la raison s'affiche ici."
        )
    )
    moment = ui.input(_("Date et heure de la bascule (heure de Paris)")).props("type=datetime-local outlined")
    moment.classes("max-w-xs").mark("schedule-at")
    error_label = alert("schedule-error")

    async def schedule() -> None:
        moment.error = None
        error_label.set_visibility(False)
        at = typed_moment(moment.value)
        if at is None:
            moment.error = _("Saisissez une date et une heure.")
            return
        try:
            shift = chosen_shift(choice)
            saved = await in_transaction(
                lambda session: campaign_schedule.schedule_switch(
                    session,
                    actor=actor,
                    campaign_id=campaign.id or 0,
                    expected_version=campaign.version,
                    at=at,
                    shift=shift,
                )
            )
        except DossierInvalid as error:
            name = next(iter(error.errors))
            if name == "at":
                moment.error = error.field_message(name, _)
            else:
                error_label.text = error.field_message(name, _)
                error_label.set_visibility(True)
            return
        except DomainError as error:
            error_label.text = error.translate(_)
            error_label.set_visibility(True)
            return
        message = _("Bascule vers « {code} » programmée le {moment}.").format(
            code=saved.code, moment=format_moment(saved.switch_scheduled_at or at)
        )
        await after_change(message, saved)

    ui.button(_("Programmer la bascule"), on_click=schedule).props("no-caps outline").mark("schedule")
