"""« Commissions » (/admin/commissions): the committees the current role may see, by centre, and their creation.

The central office sees every centre; a centre manager sees their own centre's committees, and may create or edit
them only when the central office lets their centre edit its offer. Each committee opens at
/admin/commissions/edition?commission=ID (a new one at ?composante=ID).
"""

from typing import Any

from nicegui import ui

from app.i18n import _
from app.services.admin import committees as admin_committees
from app.services.platform import Actor
from app.ui import routes
from app.ui.admin_nav import OFFER_EDITORS
from app.ui.centre_lists import centre_filter, centre_rights, creatable, new_links, read_only_offer_note
from app.ui.offer_admin import active_text, cell, label_of, load, offer_page, table
from app.ui.page import page
from app.ui.text import paragraph

EDIT_PATH = routes.ADMIN_COMMITTEE_EDIT


async def _page(actor: Actor, centre_id: int | None) -> None:
    def read(session: Any) -> tuple[list[Any], list[Any], dict[int, bool]]:
        rows = admin_committees.list_committees(session, actor=actor, centre_id=centre_id)
        return rows, *centre_rights(session, actor)

    loaded = await load(read)
    if loaded is None:
        return
    rows, centres, editable = loaded
    centre_filter(centres, centre_id, routes.ADMIN_COMMITTEES)
    if new := creatable(centres, editable, centre_id):
        with ui.row().classes("gap-2 items-center"):
            new_links(new, _("Nouvelle commission pour {centre}"), EDIT_PATH, "new-committee")
    elif centres and not any(editable.values()):
        read_only_offer_note()
    if not rows:
        paragraph(_("Aucune commission pour l'instant.")).mark("no-committee")
        return
    headers = [_("Composante"), _("Code"), _("Libellé"), _("Président"), _("Membres"), _("Formations"), _("État")]
    with table(headers, "committees"):
        for row in rows:
            committee = row.committee
            with ui.element("tr").mark(f"committee-{committee.code}"):
                cell(row.centre.code)
                cell(committee.code)
                with ui.element("td"):
                    ui.link(label_of(committee), f"{EDIT_PATH}?commission={committee.id}").mark(
                        f"open-{committee.code}"
                    )
                cell(row.president or "—")
                cell(str(row.members))
                cell(str(row.programs))
                cell(active_text(committee.is_active))


def register() -> None:
    @page(routes.ADMIN_COMMITTEES)
    async def admin_committees_page(composante: int | None = None) -> Any:
        return await offer_page(
            OFFER_EDITORS,
            _("Commissions"),
            _(
                "Une commission examine les candidatures de ses formations et signe les lettres. "
                "Ouvrez une commission pour modifier ses coordonnées, son signataire, ses membres et ses alertes."
            ),
            lambda actor: _page(actor, composante),
        )
