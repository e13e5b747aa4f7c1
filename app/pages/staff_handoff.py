"""« Transfert des inscriptions » (/gestion/transfert-inscriptions): the enrolment hand-off (OPI) of a campaign.

The central office sees how many confirmed candidates are to transfer, transferred, failed or cancelled, the
candidates with the programme each holds, and downloads the Pégase CSV files as a ZIP (optionally only the new
confirmations, optionally recording the download as the transfer). Administrators and the central office only.
The overview is read and the ZIP built in a worker thread, never on the event loop.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui

from app.db import transaction
from app.i18n import N_, _, ngettext
from app.services.handoff import CandidateHandoff, HandoffWish
from app.services.handoff import apogee as handoff_apogee
from app.services.handoff import pegase as handoff_pegase
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_nav import ADMIN
from app.ui.dates import format_moment
from app.ui.frame import frame
from app.ui.guards import refusal, require_staff
from app.ui.latest_read import LatestRead
from app.ui.page import page
from app.ui.session import current_language
from app.ui.tables import scroll_region
from app.ui.text import Text, heading, list_item, paragraph

PATH = routes.HANDOFF

STATUS_LABELS = {
    "pending": N_("À transmettre"),
    "sent": N_("Transmise"),
    "failed": N_("Échec de l'envoi"),
    "cancelled": N_("Annulée"),
}


def _status(wish: HandoffWish) -> str:
    if wish.cancelled:
        return _("Désistement à transmettre") if wish.status.value != "cancelled" else _("Annulée")
    return _(STATUS_LABELS[wish.status.value])


def _cell(text: str, tag: str = "td") -> Text:
    cell = Text(text, tag)
    if tag == "th":
        cell.props('scope="col"')
    return cell


def _table(candidates: list[CandidateHandoff]) -> None:
    english = current_language() == "en"
    with scroll_region(_("Candidats")), ui.element("table").classes("ec-table").mark("handoffs"):
        with ui.element("thead"), ui.element("tr"):
            for title in (
                _("Numéro de dossier"),
                _("Candidat"),
                _("INE"),
                _("Formation"),
                _("Confirmée le"),
                _("État"),
                _("Dernière transmission"),
                _("Erreur"),
            ):
                _cell(title, "th")
        with ui.element("tbody"):
            for candidate in candidates:
                name = f"{candidate.birth_name} {candidate.first_names}".strip()
                for wish in (*candidate.wishes, *candidate.withdrawals):
                    with ui.element("tr").mark(f"handoff-{wish.handoff_id}"):
                        _cell(candidate.dossier_number)
                        _cell(name)
                        _cell(candidate.ine or "—")
                        label = wish.program_label_en if english and wish.program_label_en else wish.program_label_fr
                        _cell(f"{wish.program_code} — {label}")
                        _cell(format_moment(wish.confirmed_at) if wish.confirmed_at else "—")
                        _cell(_status(wish)).mark(f"handoff-state-{wish.handoff_id}")
                        _cell(format_moment(wish.sent_at) if wish.sent_at else "—")
                        _cell(wish.last_error or "")


def _overview(actor: Actor, campaign_id: int | None) -> handoff_pegase.HandoffOverview | DomainError:
    """The campaign's hand-off, or the refusal to show it (a worker thread)."""
    try:
        with transaction() as session:
            return handoff_pegase.handoff_overview(session, actor=actor, campaign_id=campaign_id)
    except DomainError as refusal:
        return refusal


def _counts(overview: handoff_pegase.HandoffOverview) -> None:
    counts = overview.counts
    assert counts is not None
    heading(_("Situation"), 2)
    with ui.element("ul").classes("ec-bullets").mark("handoff-counts"):
        list_item(_("Candidats à inscrire : {count}").format(count=counts.candidates))
        list_item(_("Confirmations à transmettre : {count}").format(count=counts.to_send))
        list_item(_("Confirmations transmises : {count}").format(count=counts.sent))
        list_item(_("Échecs d'envoi (réessayés à chaque passage) : {count}").format(count=counts.failed))
        list_item(_("Désistements à transmettre : {count}").format(count=counts.cancellations_to_send))
        list_item(_("Confirmations annulées par un désistement : {count}").format(count=counts.cancelled))


def _candidates(overview: handoff_pegase.HandoffOverview) -> None:
    heading(_("Candidats"), 2)
    if not overview.candidates:
        paragraph(_("Aucun candidat n'a confirmé pour l'instant dans cette campagne.")).mark("no-handoff")
        return
    assert overview.counts is not None
    if overview.counts.candidates > overview.shown_limit:
        paragraph(
            _("Les {limit} premiers candidats sont affichés ; les fichiers les contiennent tous.").format(
                limit=overview.shown_limit
            )
        )
    _table(overview.candidates)


def _download_options(state: dict[str, Any], download: Callable[[], Awaitable[None]]) -> None:
    """What the ZIP holds, the two choices that shape it, and its button."""
    heading(_("Télécharger les fichiers"), 2)
    paragraph(
        _(
            "Un ZIP de trois fichiers CSV (UTF-8, séparateur « ; ») : candidats, vœux et inscriptions, avec une "
            "notice LISEZMOI.txt décrivant chaque colonne. Chaque candidat y figure une fois, avec la formation "
            "qu'il détient : une confirmation suivie d'un désistement n'y figure pas."
        )
    )
    ui.checkbox(
        _("Seulement les confirmations pas encore transmises"),
        value=state["only_new"],
        on_change=lambda e: state.update(only_new=bool(e.value)),
    ).mark("only-new")
    ui.checkbox(
        _("Enregistrer ce téléchargement comme la transmission (les fichiers seront importés dans le système)"),
        value=state["mark_sent"],
        on_change=lambda e: state.update(mark_sent=bool(e.value)),
    ).mark("mark-sent")
    ui.button(_("Télécharger le ZIP"), on_click=download).props("no-caps").mark("download-zip")


def _export_message(export: handoff_pegase.HandoffExport) -> str:
    """What the downloaded ZIP holds, and how many confirmations it recorded as transmitted."""
    message = _("Dans le fichier : {candidates}, {wishes}.").format(
        candidates=ngettext("{n} candidat", "{n} candidats", export.candidates).format(n=export.candidates),
        wishes=ngettext("{n} formation", "{n} formations", export.wishes).format(n=export.wishes),
    )
    if export.marked_sent:
        message += " " + ngettext(
            "{count} confirmation enregistrée comme transmise.",
            "{count} confirmations enregistrées comme transmises.",
            export.marked_sent,
        ).format(count=export.marked_sent)
    return message


def _mode_notice(files_only: bool) -> None:
    """How confirmations leave: through the files (or the API) only, or pushed to a web service."""
    if files_only:
        paragraph(
            _(
                "Aucun service web n'est configuré : les confirmations partent par les fichiers ci-dessous ou par "
                "l'API. Cochez « Enregistrer ce téléchargement comme la transmission » quand les fichiers sont "
                "importés dans le système d'information."
            )
        ).mark("files-only")
    else:
        paragraph(
            _(
                "Un service web est configuré : les confirmations et les désistements lui sont envoyés toutes les "
                "heures ; un envoi en échec est réessayé au passage suivant."
            )
        ).mark("web-service")


async def _body(actor: Actor) -> None:
    state: dict[str, Any] = {"campaign_id": None, "only_new": False, "mark_sent": False}
    files_only = handoff_apogee.get_enrolment_system().files_only
    shown: dict[str, Any] = {"overview": await run.io_bound(_overview, actor, None)}
    reads = LatestRead()

    async def reload() -> None:
        overview = await reads.run(_overview, actor, state["campaign_id"])
        if overview is not None:
            shown["overview"] = overview
            content.refresh()

    @ui.refreshable
    def content() -> None:
        overview = shown["overview"]
        if isinstance(overview, DomainError):
            refusal(overview)
            return
        assert overview is not None
        if overview.campaign_id is None:
            paragraph(_("Aucune campagne n'existe encore.")).mark("no-campaign")
            return
        state["campaign_id"] = overview.campaign_id
        ui.select(overview.campaigns, label=_("Campagne"), value=overview.campaign_id, on_change=choose_campaign).props(
            "outlined"
        ).classes("w-full max-w-lg").mark("campaign")
        _counts(overview)
        _download_options(state, download)
        _candidates(overview)

    async def choose_campaign(event: Any) -> None:
        state["campaign_id"] = event.value
        await reload()

    def build(campaign_id: int | None, only_new: bool, mark_sent: bool) -> handoff_pegase.HandoffExport:
        with transaction() as session:
            return handoff_pegase.export_handoff_files(
                session, actor=actor, campaign_id=campaign_id, only_new=only_new, mark_sent=mark_sent
            )

    async def download() -> None:
        try:
            export = await run.io_bound(build, state["campaign_id"], state["only_new"], state["mark_sent"])
        except DomainError as error:
            ui.notify(error.translate(_), type="negative")
            return
        ui.download.content(export.content, export.filename, "application/zip")
        ui.notify(_export_message(export), type="positive")
        await reload()

    _mode_notice(files_only)
    content()


def register() -> None:
    @page(PATH)
    async def staff_handoff():
        gate = await require_staff(*ADMIN)
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        with frame(_("Transfert des inscriptions")):
            ui.link(_("← Espace de gestion"), routes.STAFF_HOME).mark("back-to-staff-home")
            paragraph(
                _(
                    "Les candidats qui ont confirmé leur admission sont transmis au système d'information de "
                    "scolarité (OPI) pour qu'ils puissent s'inscrire."
                )
            )
            await _body(gate.actor)
        return None
