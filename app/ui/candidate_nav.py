"""The candidate's navigation: the dossier's tabs, then « Candidatures »."""

from nicegui import ui

from app.i18n import N_, _
from app.services.actors import Actor
from app.ui.assistance import assistance_button

# Tab slug → French label (the guide's names); the order is the guide's.
DOSSIER_TABS: dict[str, str] = {
    "informations": N_("Informations personnelles"),
    "adresse": N_("Adresse"),
    "baccalaureat": N_("Baccalauréat"),
    "cursus-interne": N_("Cursus interne"),
    "cursus-externe": N_("Cursus externe"),
    "experiences": N_("Expériences professionnelles"),
    "stages": N_("Stages"),
}
APPLICATIONS_PATH = "/candidat/candidatures"


def dossier_path(tab: str) -> str:
    return f"/candidat/dossier/{tab}"


def candidate_nav(current: str | None = None, *, actor: Actor | None = None, program_id: int | None = None) -> None:
    """A labelled ``nav`` whose current entry carries ``aria-current="page"``; ``current`` is a tab slug,
    ``"home"`` or ``"candidatures"``. Below it, the offer and « Assistance » (the guide puts it on every
    candidate page; ``program_id`` preselects the programme on an application's page)."""
    with ui.element("nav").classes("w-full mb-4").mark("candidate-nav") as nav:
        nav.props["aria-label"] = _("Mon dossier")
        with ui.element("ul").classes("flex flex-wrap gap-x-4 gap-y-1 list-none p-0"):
            entries = [("home", _("Mon espace"), "/candidat")]
            entries += [(slug, _(label), dossier_path(slug)) for slug, label in DOSSIER_TABS.items()]
            entries.append(("candidatures", _("Candidatures"), APPLICATIONS_PATH))
            for slug, label, href in entries:
                with ui.element("li"):
                    link = ui.link(label, href).mark(f"nav-{slug}")
                    if slug == current:
                        link.props["aria-current"] = "page"
                        link.classes("font-bold")
    with ui.element("div").classes("flex flex-wrap items-center gap-4 mb-4"):
        ui.link(_("Offre de formation"), "/formations")
        assistance_button(actor, program_id=program_id)
