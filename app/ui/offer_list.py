"""Pieces of a programme's entry in the offer, shared by the home page and the « Formations » page."""

from nicegui import ui

from app.i18n import N_, _, ngettext
from app.models import Procedure
from app.services.offer import ProgramOffer

PROCEDURE_LABELS = {Procedure.ONLINE: N_("Dossier dématérialisé"), Procedure.PAPER: N_("Dossier papier")}


def days_left_text(program: ProgramOffer) -> str:
    if program.days_left == 0:
        return _("Dernier jour pour candidater")
    n = program.days_left or 0
    return ngettext("{n} jour restant", "{n} jours restants", n).format(n=n)


def info_link(program: ProgramOffer) -> None:
    if program.info_url:
        link = ui.link(_("Voir la formation"), program.info_url)
        # Several programmes share the visible text: the accessible name says which one (RGAA 6.1).
        link.props["aria-label"] = _("Voir la formation : {label}").format(label=program.label)


def program_facts(program: ProgramOffer) -> str:
    """« Code : M-FLE · Dossier dématérialisé · Capacité d'accueil : 20 places » on one line."""
    facts = [_("Code : {code}").format(code=program.code), _(PROCEDURE_LABELS[program.procedure])]
    if program.capacity is not None:
        facts.append(
            ngettext("Capacité d'accueil : {n} place", "Capacité d'accueil : {n} places", program.capacity).format(
                n=program.capacity
            )
        )
    return " · ".join(facts)
