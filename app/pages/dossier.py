"""/candidat/dossier/{tab}: the candidate's dossier, one tab per page, under an editing lease.

While the candidate's page is open it holds the dossier's lease (renewed by a heartbeat, released when the page
goes away); if a manager holds it, every tab is shown read-only with the guide's message.
"""

from nicegui import context, ui

from app.db import transaction
from app.i18n import _
from app.models import ActorKind
from app.pages import dossier_identity, dossier_records
from app.services import dossier, leases, parameters
from app.services.actors import Actor
from app.ui.candidate_nav import DOSSIER_TABS, candidate_nav
from app.ui.frame import frame
from app.ui.guards import require_candidate
from app.ui.page import page
from app.ui.text import paragraph

RENDERERS = {
    "informations": dossier_identity.personal_tab,
    "adresse": dossier_identity.address_tab,
    "baccalaureat": dossier_identity.baccalaureate_tab,
    "cursus-interne": dossier_records.internal_tab,
    "cursus-externe": dossier_records.external_tab,
    "experiences": dossier_records.work_tab,
    "stages": dossier_records.internship_tab,
}


def _lease_holder(actor: Actor, label: str) -> leases.Holder:
    assert actor.account_id is not None
    return leases.Holder(ActorKind.CANDIDATE, actor.account_id, label, context.client.id)


def _hold_lease(resource: str, holder: leases.Holder) -> bool:
    """Take the lease for this page; on disconnect release it, and renew it while the page stays open."""
    with transaction() as session:
        state = leases.acquire(session, resource=resource, holder=holder)
    if not state.held:
        return False
    client_id = holder.client_id

    def heartbeat() -> None:
        with transaction() as session:
            leases.acquire(session, resource=resource, holder=holder)  # renews ours; never steals a live one

    def release() -> None:
        with transaction() as session:
            leases.release(session, resource=resource, client_id=client_id)

    ui.timer(max(10.0, parameters.current("edit_lease_seconds") / 3), heartbeat)
    context.client.on_disconnect(release)
    return True


def register() -> None:
    @page("/candidat/dossier/{tab}")
    async def dossier_tab(tab: str):
        gate = await require_candidate()
        if gate.refused:
            return gate.response
        actor = gate.actor
        assert actor is not None and gate.identity is not None
        if tab not in RENDERERS:
            tab = "informations"
        with transaction() as session:
            opened = dossier.open_dossier(session, actor=actor)
        assert opened.candidate.id is not None
        with frame(_(DOSSIER_TABS[tab]), h1=_("Mon dossier : {tab}").format(tab=_(DOSSIER_TABS[tab]))):
            candidate_nav(tab, actor=actor)
            read_only = actor.read_only
            if not read_only:
                resource = leases.candidate_resource(opened.candidate.id)
                if not _hold_lease(resource, _lease_holder(actor, gate.identity.display_name)):
                    read_only = True
                    notice = paragraph(_(leases.MANAGER_EDITING)).classes("text-negative font-bold")
                    notice.mark("lease-held")
                    notice.props["role"] = "alert"
            else:
                paragraph(_("Cette vue est en lecture seule : aucune modification n'est possible.")).mark("read-only")
            RENDERERS[tab](opened, actor=actor, read_only=read_only)
            ui.link(_("Retour à mon espace"), "/candidat").classes("mt-6").mark("back-home")
        return None
