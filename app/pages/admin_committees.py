"""« Commissions » (/admin/commissions): the committees the current role may see, by centre, and their creation.

The central office sees every centre; a centre manager sees their own centre's committees, and may create or edit
them only when the central office lets their centre edit its offer. Each committee opens at
/admin/commissions/edition?commission=ID (a new one at ?composante=ID).
"""

from typing import Any

from nicegui import ui

from app.i18n import _
from app.services.admin import committees as admin_committees
from app.services.offer import rights as offer_rights
from app.services.platform import Actor
from app.ui import routes
from app.ui.admin_nav import OFFER_EDITORS
from app.ui.offer_admin import active_text, cell, label_of, load, offer_page, table
from app.ui.page import page
from app.ui.text import paragraph

EDIT_PATH = routes.ADMIN_COMMITTEE_EDIT


async def _page(actor: Actor, centre_id: int | None) -> None:
    def read(session: Any) -> tuple[list[Any], list[Any], dict[int, bool]]:
        rows = admin_committees.list_committees(session, actor=actor, centre_id=centre_id)
        centres = offer_rights.centres_of(session, actor=actor)
        editable = {c.id or 0: offer_rights.may_edit(session, actor=actor, centre_id=c.id or 0) for c in centres}
        return rows, centres, editable

    loaded = await load(read)
    if loaded is None:
        return
    rows, centres, editable = loaded
    if len(centres) > 1:
        ui.select(
            {0: _("Toutes les composantes"), **{c.id: f"{c.code} – {label_of(c)}" for c in centres}},
            label=_("Composante"),
            value=centre_id or 0,
            on_change=lambda e: ui.navigate.to(
                f"{routes.ADMIN_COMMITTEES}?composante={e.value}" if e.value else routes.ADMIN_COMMITTEES
            ),
        ).props("outlined").classes("w-full max-w-lg").mark("centre-filter")
    creatable = [c for c in centres if editable.get(c.id or 0) and c.is_active and (centre_id in (None, c.id))]
    if creatable:
        with ui.row().classes("gap-2 items-center"):
            for centre in creatable:
                ui.link(
                    _("Nouvelle commission pour {centre}").format(centre=centre.code),
                    f"{EDIT_PATH}?composante={centre.id}",
                ).mark(f"new-committee-{centre.code}")
    elif centres and not any(editable.values()):
        paragraph(
            _("Lecture seule : la scolarité centrale n'a pas autorisé votre composante à modifier son offre.")
        ).mark("read-only-note")
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
