"""The candidate's navigation: the dossier's tabs, then « Candidatures » and « Messages »."""

import functools

from app.i18n import N_, _, current_language, use_language
from app.services.platform import Actor
from app.ui import routes
from app.ui.assistance import assistance_button
from app.ui.frame import add_to_heading
from app.ui.text import link_tag, static_block, tag

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
APPLICATIONS_PATH = routes.APPLICATIONS


def dossier_path(tab: str) -> str:
    return routes.DOSSIER_TAB.format(tab=tab)


def candidate_nav(current: str | None = None, *, actor: Actor | None = None, program_id: int | None = None) -> None:
    """A labelled ``nav`` whose current entry carries ``aria-current="page"``; ``current`` is a tab slug,
    ``"home"``, ``"candidatures"``, ``"messages"`` or ``"offre"`` (the offer's page). Below it, the offer and
    « Assistance » (the guide puts it on every candidate page; ``program_id`` preselects the programme on an
    application's page)."""
    markup = _nav_html(current_language(), current)
    if not add_to_heading(markup):
        static_block(markup)
    assistance_button(actor, program_id=program_id)


@functools.lru_cache(maxsize=64)
def _nav_html(lang: str, current: str | None) -> str:
    """The nav and the offer's link, one string per language and current entry (shared by the pages showing it:
    each open page keeps its own)."""
    with use_language(lang):
        entries = [("home", _("Mon espace"), routes.CANDIDATE_HOME)]
        entries += [(slug, _(label), dossier_path(slug)) for slug, label in DOSSIER_TABS.items()]
        entries.append(("candidatures", _("Candidatures"), APPLICATIONS_PATH))
        entries.append(("messages", _("Messages"), routes.MESSAGES))
        items = "".join(
            tag(
                "li",
                link_tag(
                    label,
                    href,
                    data_mark=f"nav-{slug}",
                    aria_current="page" if slug == current else None,
                    class_="font-bold" if slug == current else None,
                ),
            )
            for slug, label, href in entries
        )
        # One element for the nav and the offer's link: each element stays in memory while the page is open.
        markup = tag(
            "nav", tag("ul", items, class_="flex flex-wrap gap-x-4 gap-y-1 list-none p-0"), aria_label=_("Mon dossier")
        ) + tag(
            "p",
            link_tag(
                _("Offre de formation"),
                routes.OFFER,
                aria_current="page" if current == "offre" else None,
                class_="font-bold" if current == "offre" else None,
                data_mark="nav-offre",
            ),
            class_="mt-2",
        )
        markup = tag("div", markup, class_="w-full mb-2", data_mark="candidate-nav")
        return markup
