"""« Demandes d'effacement » (/admin/effacements): the register of candidates' erasure requests, for the central
office and administrators — when each was asked, when the retention allows it, when it was carried out. An erased
account shows no identity (« candidat anonymisé »)."""

from nicegui import ui

from app.i18n import _
from app.models import StaffRole
from app.services.accounts import ErasureRegisterRow, erasure_requests
from app.services.platform import Actor
from app.ui import routes
from app.ui.dates import format_day, format_moment
from app.ui.frame import frame
from app.ui.guards import as_staff
from app.ui.offer_admin import in_transaction
from app.ui.page import page
from app.ui.text import paragraph, static_block, text_table


def _row(line: ErasureRegisterRow) -> tuple[str, tuple[str, ...]]:
    who = line.dossier_number or _("candidat anonymisé")
    done = format_moment(line.done_at) if line.done_at else _("en attente")
    cells = (who, format_moment(line.requested_at), format_day(line.due_at), str(line.held_applications), done)
    return f"erasure-{line.id}", cells


def _table(lines: list[ErasureRegisterRow]) -> str:
    headers = (
        _("Dossier"),
        _("Demandée le"),
        _("Effacement prévu le"),
        _("Candidatures transmises"),
        _("Effacé le"),
    )
    return text_table(_("Demandes d'effacement, les plus récentes d'abord"), headers, map(_row, lines))


async def erasure_register(actor: Actor) -> None:
    """The register's table (or that there is none), read in a worker thread; also on the DPO's screen."""
    lines = await in_transaction(lambda session: erasure_requests(session, actor=actor))
    if not lines:
        paragraph(_("Aucune demande d'effacement.")).mark("no-erasure")
        return
    static_block(_table(lines)).mark("erasure-register")


async def _admin_erasures(actor: Actor) -> None:
    with frame(_("Demandes d'effacement")):
        paragraph(
            _(
                "Un candidat qui supprime son compte sans candidature transmise dans la campagne en cours est "
                "effacé aussitôt. Sinon sa demande est enregistrée ici et la tâche « Anonymisation des données "
                "expirées » l'exécute à la date prévue, fin de la durée de conservation de ses candidatures."
            )
        )
        await erasure_register(actor)
        ui.link(_("Retour à l'espace de gestion"), routes.STAFF_HOME).classes("mt-6")


def register() -> None:
    @page(routes.ADMIN_ERASURES)
    async def admin_erasures():
        return await as_staff(_admin_erasures, roles=(StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE))
