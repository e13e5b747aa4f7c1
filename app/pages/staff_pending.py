"""The staff home's « À traiter »: what awaits a decision or its publication in the active campaign, each count a
link to the staff list so filtered (eCandidat's #64)."""

from typing import Any

from nicegui import ui

from app.db import transaction
from app.i18n import _, ngettext
from app.models import StaffRole
from app.services.accounts import staff_roles as staff
from app.services.exports import PendingCounts, statistics
from app.services.platform import DomainError
from app.services.review import staff_list
from app.ui.text import heading


def load_pending(actor: Any) -> PendingCounts | None:
    """For a committee member or a centre manager: what awaits a decision or its publication in the active
    campaign (None for the other roles, or with no active campaign). Runs in a worker thread."""
    try:
        with transaction() as session:
            role = staff.current_role(session, actor=actor)
            if role.role not in (StaffRole.COMMITTEE_MEMBER, StaffRole.CENTRE_MANAGER):
                return None
            pending = statistics.pending_counts(session, actor=actor)
    except DomainError:
        return None
    return pending if pending.campaign_id is not None else None


def pending_panel(pending: PendingCounts | None) -> None:
    """The counts read by :func:`load_pending`, each a link to the list so filtered (eCandidat's #64). Drawn on the
    staff home page."""
    if pending is None or pending.campaign_id is None:
        return
    campaign = {"campaign": [pending.campaign_id]}
    with ui.element("section").classes("mt-4").mark("pending") as section:
        section.props["aria-labelledby"] = "pending-heading"
        heading(_("À traiter"), 2).props('id="pending-heading"')
        with ui.element("ul").classes("ec-bullets"):
            with ui.element("li"):
                ui.link(
                    ngettext(
                        "{count} dossier reçu en attente d'un avis",
                        "{count} dossiers reçus en attente d'un avis",
                        pending.awaiting_decision,
                    ).format(count=pending.awaiting_decision),
                    staff_list.list_link(statistics.AWAITING_FILTERS | campaign),
                ).mark("pending-awaiting")
            with ui.element("li"):
                ui.link(
                    ngettext(
                        "{count} avis saisi non publié", "{count} avis saisis non publiés", pending.unpublished
                    ).format(count=pending.unpublished),
                    staff_list.list_link(statistics.UNPUBLISHED_FILTERS | campaign),
                ).mark("pending-unpublished")
