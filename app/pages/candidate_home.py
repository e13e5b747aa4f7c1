"""/candidat: the candidate's landing page, their dossier at a glance (complete, missing and why) with links."""

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.models import Account
from app.services.accounts import candidates as accounts
from app.services.dossier import ADDRESS, BACCALAUREATE, PERSONAL, Completeness, dossier_completeness
from app.services.dossier import tabs as dossier
from app.services.platform import Actor
from app.ui import routes
from app.ui.candidate_nav import candidate_nav, dossier_path
from app.ui.frame import frame
from app.ui.guards import require_candidate
from app.ui.page import page
from app.ui.statuses import SECTION_COMPLETE, SECTION_MISSING, status_label
from app.ui.text import heading, list_item, paragraph

# Mandatory sections: completeness key, tab slug, title (French msgid).
MANDATORY = (
    (PERSONAL, "informations", "Informations personnelles"),
    (ADDRESS, "adresse", "Adresse"),
    (BACCALAUREATE, "baccalaureat", "Baccalauréat"),
)


def load_home(actor: Actor) -> tuple[Account, Completeness]:
    """Blocking (pages call it through ``run.io_bound``): the account and the dossier's completeness, the dossier
    created on the first visit."""
    with transaction() as session:
        account = accounts.get_own_account(session, actor=actor)
        opened = dossier.open_dossier(session, actor=actor)
        return account, dossier_completeness(session, candidate_id=opened.candidate.id)


def register() -> None:
    @page(routes.CANDIDATE_HOME)
    async def candidate_home():
        gate = await require_candidate()
        if gate.refused:
            return gate.response
        account, completeness = await run.io_bound(load_home, gate.actor)
        with frame(_("Mon espace candidat")):
            candidate_nav("home", actor=gate.actor)
            paragraph(
                _("Bonjour {first_name} {last_name}.").format(
                    first_name=account.first_name, last_name=account.last_name
                )
            ).mark("candidate-name")
            paragraph(_("Votre numéro de dossier : {number}").format(number=account.dossier_number)).mark(
                "dossier-number"
            )
            with ui.element("section").classes("w-full").mark("dossier-status"):
                heading(_("Mon dossier"), 2)
                if completeness.is_complete:
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
                    _(
                        "Facultatif : INE, cursus interne (importé), cursus externe, expériences professionnelles "
                        "et stages."
                    )
                )
            with ui.element("nav") as nav:
                nav.props["aria-label"] = _("Espace candidat")
                ui.link(_("Mon compte"), routes.ACCOUNT).mark("my-account")
        return None


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
