"""/candidat/dossier/{tab}: the candidate's dossier, one tab per page, under an editing lease.

While the candidate's page is open it holds the dossier's lease (renewed by a heartbeat, released when the page
goes away); if a manager holds it, every tab is shown read-only with the guide's message. The dossier, the lease and
the lists the tab offers are read in one worker thread (``load_tab``) before the page draws; saves, the heartbeat and
the release run in worker threads too.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import context, run, ui

from app.db import new_session, transaction
from app.i18n import LANGUAGES, _
from app.models import ActorKind
from app.pages import dossier_identity, dossier_records
from app.services.dossier import lycees, referentials
from app.services.dossier import tabs as dossier
from app.services.platform import Actor, leases
from app.ui import routes
from app.ui.candidate_nav import DOSSIER_TABS, candidate_nav
from app.ui.frame import frame
from app.ui.guards import require_candidate
from app.ui.page import page
from app.ui.session import current_language
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


@dataclass(frozen=True)
class TabData:
    """What a tab's page needs, read in one worker thread."""

    opened: dossier.Dossier
    lease_held: bool  # False: a manager holds the dossier, the tab is read-only
    heartbeat_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)  # what one tab's renderer takes besides the dossier


def _bac_lists(opened: dossier.Dossier) -> dict[str, Any]:
    """The lycées of the dossier's département, when a list was imported (the tab's renderer takes them)."""
    with new_session() as session:
        return {"lycees": lycees.lycee_choices(session, opened.baccalaureate)}


# The database lists a tab draws from, read with the dossier.
_TAB_LISTS: dict[str, Callable[[dossier.Dossier], dict[str, Any]]] = {"baccalaureat": _bac_lists}


# The referential files each tab draws its lists from (read once, then kept in memory by
# app.services.dossier.referentials).
_REFERENTIALS: dict[str, tuple[Callable[[str], object], ...]] = {
    "informations": (
        referentials.countries,
        lambda _lang: referentials.departments(),
        lambda _lang: referentials.communes_of_department(""),
    ),
    "adresse": (referentials.countries, lambda _lang: referentials.communes_of_postcode("")),
    "baccalaureat": (referentials.countries, lambda _lang: referentials.departments()),
    "cursus-externe": (referentials.countries, lambda _lang: referentials.search_establishments("", limit=1)),
}


def warm_referentials(tab: str, lang: str) -> None:
    """Blocking: read the referential files ``tab`` draws its lists from (countries, departments, communes,
    establishments), so that drawing it, and its postcode and department lists, only read memory."""
    for read in _REFERENTIALS.get(tab, ()):
        read(lang)


def _warm_every_referential() -> None:
    for lang in LANGUAGES:
        for tab in _REFERENTIALS:
            warm_referentials(tab, lang)


def load_tab(actor: Actor, tab: str, holder: leases.Holder | None, lang: str) -> TabData:
    """Blocking: the dossier (created on the first visit), the lease for ``holder`` (None: a read-only view takes
    none), the heartbeat's period, and the referential files of ``tab`` read."""
    with transaction() as session:
        opened = dossier.open_dossier(session, actor=actor)
    assert opened.candidate.id is not None
    held = True
    if holder is not None:
        with transaction() as session:
            state = leases.acquire(session, resource=leases.candidate_resource(opened.candidate.id), holder=holder)
        held = state.held
    heartbeat = leases.heartbeat_seconds()
    warm_referentials(tab, lang)
    extra = _TAB_LISTS[tab](opened) if tab in _TAB_LISTS else {}
    return TabData(opened, held, heartbeat, extra)


def _lease_holder(actor: Actor, label: str) -> leases.Holder:
    assert actor.account_id is not None
    return leases.Holder(ActorKind.CANDIDATE, actor.account_id, label, context.client.id)


def _renew(resource: str, holder: leases.Holder) -> None:
    with transaction() as session:
        leases.heartbeat(session, resource=resource, holder=holder)


def _release(resource: str, client_id: str) -> None:
    with transaction() as session:
        leases.release(session, resource=resource, client_id=client_id)


def _keep_lease(resource: str, holder: leases.Holder, heartbeat_seconds: float) -> None:
    """The lease is ours: renew it while the page stays open, release it on disconnect (both off the event loop)."""

    async def heartbeat() -> None:
        await run.io_bound(_renew, resource, holder)

    async def release() -> None:
        await run.io_bound(_release, resource, holder.client_id)

    ui.timer(heartbeat_seconds, heartbeat)
    context.client.on_disconnect(release)


def register() -> None:
    # Read the referential files once, in the background, as the server starts: the first tab opened need not wait.
    threading.Thread(target=_warm_every_referential, name="warm referentials", daemon=True).start()

    @page(routes.DOSSIER_TAB)
    async def dossier_tab(tab: str):
        gate = await require_candidate()
        if gate.refused:
            return gate.response
        actor = gate.actor
        assert actor is not None and gate.identity is not None
        if tab not in RENDERERS:
            tab = "informations"
        holder = None if actor.read_only else _lease_holder(actor, gate.identity.display_name)
        data = await run.io_bound(load_tab, actor, tab, holder, current_language())
        opened = data.opened
        assert opened.candidate.id is not None
        with frame(_(DOSSIER_TABS[tab]), h1=_("Mon dossier : {tab}").format(tab=_(DOSSIER_TABS[tab]))):
            candidate_nav(tab, actor=actor)
            read_only = actor.read_only
            if holder is not None:
                if data.lease_held:
                    _keep_lease(leases.candidate_resource(opened.candidate.id), holder, data.heartbeat_seconds)
                else:
                    read_only = True
                    notice = paragraph(_(leases.MANAGER_EDITING)).classes("text-negative font-bold")
                    notice.mark("lease-held")
                    notice.props["role"] = "alert"
            else:
                paragraph(_("Cette vue est en lecture seule : aucune modification n'est possible.")).mark("read-only")
            RENDERERS[tab](opened, actor=actor, read_only=read_only, **data.extra)
            ui.link(_("Retour à mon espace"), routes.CANDIDATE_HOME).classes("mt-6").mark("back-home")
        return None
