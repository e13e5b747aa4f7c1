"""/candidat: the candidate's landing page, their dossier at a glance (complete, missing and why) with links, and,
after a new campaign has begun, the dossier to review and confirm for it (``dossier/campaign_confirmation.py``)."""

from dataclasses import dataclass

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.models import Account
from app.services.accounts import candidates as accounts
from app.services.dossier import (
    ADDRESS,
    BACCALAUREATE,
    PERSONAL,
    TABS_TO_REVIEW,
    Completeness,
    PendingConfirmation,
    confirm_dossier_for_campaign,
    dossier_completeness,
    dossier_confirmation,
)
from app.services.dossier import tabs as dossier
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.candidate_nav import candidate_nav, dossier_path
from app.ui.email_bounce import candidate_notice
from app.ui.frame import frame
from app.ui.guards import as_candidate
from app.ui.page import page
from app.ui.session import current_language
from app.ui.statuses import SECTION_COMPLETE, SECTION_MISSING, status_label
from app.ui.text import heading, list_item, paragraph

# Mandatory sections: completeness key, tab slug, title (French msgid).
MANDATORY = (
    (PERSONAL, "informations", "Informations personnelles"),
    (ADDRESS, "adresse", "Adresse"),
    (BACCALAUREATE, "baccalaureat", "Baccalauréat"),
)


@dataclass(frozen=True)
class Home:
    account: Account
    completeness: Completeness
    to_confirm: PendingConfirmation | None  # a new campaign the dossier waits to be confirmed for


def load_home(actor: Actor, lang: str = "fr") -> Home:
    """Blocking (pages call it through ``run.io_bound``): the account, the dossier's completeness and the campaign
    to confirm it for, the dossier created on the first visit."""
    with transaction() as session:
        account = accounts.get_own_account(session, actor=actor)
        opened = dossier.open_dossier(session, actor=actor)
        completeness = dossier_completeness(session, candidate_id=opened.candidate.id)
        return Home(account, completeness, dossier_confirmation(session, actor=actor, lang=lang))


def _confirm(actor: Actor) -> None:
    with transaction() as session:
        confirm_dossier_for_campaign(session, actor=actor)


async def _candidate_home(actor: Actor) -> None:
    home = await run.io_bound(load_home, actor, current_language())
    account, completeness = home.account, home.completeness
    with frame(_("Mon espace candidat")):
        candidate_nav("home", actor=actor)
        paragraph(
            _("Bonjour {first_name} {last_name}.").format(first_name=account.first_name, last_name=account.last_name)
        ).mark("candidate-name")
        paragraph(_("Votre numéro de dossier : {number}").format(number=account.dossier_number)).mark("dossier-number")
        candidate_notice(account)
        if home.to_confirm is not None:
            _confirmation_banner(actor, home.to_confirm)
        with ui.element("section").classes("w-full").mark("dossier-status"):
            heading(_("Mon dossier"), 2)
            if completeness.is_complete and home.to_confirm is not None:
                paragraph(_("Votre dossier est complet : confirmez-le pour la nouvelle campagne, ci-dessus.")).classes(
                    "font-bold"
                ).mark("dossier-to-confirm")
            elif completeness.is_complete:
                paragraph(_("Votre dossier est complet : vous pouvez candidater.")).classes(
                    "text-positive font-bold"
                ).mark("dossier-complete")
            else:
                paragraph(_("Complétez les rubriques obligatoires avant de candidater.")).classes("font-bold").mark(
                    "dossier-incomplete"
                )
            with ui.element("ul").classes("list-none p-0"):
                for section, tab, title in MANDATORY:
                    _section(section, tab, _(title), completeness.reasons.get(section, []))
            paragraph(
                _("Facultatif : INE, cursus interne (importé), cursus externe, expériences professionnelles et stages.")
            )
        with ui.element("nav") as nav:
            nav.props["aria-label"] = _("Espace candidat")
            ui.link(_("Mon compte"), routes.ACCOUNT).mark("my-account")


def register() -> None:
    @page(routes.CANDIDATE_HOME)
    async def candidate_home():
        return await as_candidate(_candidate_home)


def _section(section: str, tab: str, title: str, reasons: list[str]) -> None:
    with ui.element("li").classes("py-2").mark(f"section-{section}"):
        if not reasons:
            state = status_label(SECTION_COMPLETE).mark(f"{section}-complete")
        else:
            state = status_label(SECTION_MISSING).mark(f"{section}-missing")
        state.classes("inline mr-2")
        ui.link(title, dossier_path(tab)).mark(f"link-{section}")
        if reasons:
            with ui.element("ul").classes("ec-bullets").mark(f"{section}-reasons"):
                for reason in reasons:
                    list_item(_("Manque : {what}").format(what=_(reason)))


def _confirmation_banner(actor: Actor, pending: PendingConfirmation) -> None:
    """« Vérifiez et confirmez votre dossier pour la nouvelle campagne »: what is kept, what to review, the button.

    The answer is spoken by a live region present from the start (role=status), not one inserted with its text."""
    with ui.element("section").classes("w-full ec-notice").mark("campaign-confirmation"):
        with ui.element("div") as details:
            heading(
                _("Vérifiez et confirmez votre dossier pour la nouvelle campagne : {campaign}").format(
                    campaign=pending.campaign_label
                ),
                2,
            )
            paragraph(
                _(
                    "Votre compte et votre dossier vous suivent d'une campagne à l'autre. Votre identité et votre "
                    "baccalauréat sont repris tels quels ; vérifiez le reste et corrigez-le si besoin, puis "
                    "confirmez votre dossier : vous ne pourrez candidater qu'après."
                )
            )
            with ui.element("ul").classes("ec-bullets").mark("tabs-to-review"):
                for tab, title in TABS_TO_REVIEW:
                    with ui.element("li"):
                        ui.link(_(title), dossier_path(tab))
            if pending.previous_label:
                paragraph(
                    _(
                        "Vos candidatures précédentes ({previous}) restent consultables, sans modification possible, "
                        "sous « Campagnes précédentes » dans vos candidatures."
                    ).format(previous=pending.previous_label)
                )
            button = ui.button(_("Je confirme mon dossier pour la nouvelle campagne")).mark("confirm-dossier")
        status = ui.label("").props('role="status"').mark("confirmation-status")
        if actor.read_only:
            button.disable()
            return

        async def confirm() -> None:
            button.disable()
            try:
                await run.io_bound(_confirm, actor)
            except DomainError as error:
                status.text = error.translate(_)
                status.classes("text-negative")
                button.enable()
                return
            details.set_visibility(False)
            status.text = _(
                "Votre dossier est confirmé pour la nouvelle campagne ({campaign}) : vous pouvez candidater."
            ).format(campaign=pending.campaign_label)
            status.classes("text-positive font-bold")

        button.on_click(confirm)
