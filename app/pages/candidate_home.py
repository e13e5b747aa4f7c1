"""The candidate's landing page: who they are and where to go (later issues add the dossier tabs)."""

from nicegui import ui

from app.db import transaction
from app.i18n import _
from app.services import accounts
from app.ui.frame import frame
from app.ui.guards import require_candidate
from app.ui.text import paragraph


def register() -> None:
    @ui.page("/candidat")
    def candidate_home():
        gate = require_candidate()
        if gate.refused:
            return gate.response
        with transaction() as session:
            account = accounts.get_own_account(session, actor=gate.actor)
        with frame(_("Mon espace candidat")):
            paragraph(
                _("Bonjour {first_name} {last_name}.").format(
                    first_name=account.first_name, last_name=account.last_name
                )
            ).mark("candidate-name")
            paragraph(_("Votre numéro de dossier : {number}").format(number=account.dossier_number)).mark(
                "dossier-number"
            )
            with ui.element("nav") as nav:
                nav.props["aria-label"] = _("Espace candidat")
                ui.link(_("Mon compte"), "/compte").mark("my-account")
        return None
