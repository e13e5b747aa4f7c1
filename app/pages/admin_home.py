"""« Administration » (/admin): the sections the current role may configure."""

from typing import Any

from nicegui import ui
from sqlmodel import Session

from app.i18n import _
from app.services.accounts import staff_roles as staff
from app.services.admin import centre_edits_offer
from app.services.platform import Actor
from app.ui import routes
from app.ui.admin_edit import staff_page
from app.ui.admin_nav import Section, sections_for
from app.ui.frame import frame
from app.ui.offer_admin import in_transaction
from app.ui.page import page
from app.ui.text import paragraph


def _sections(session: Session, actor: Actor) -> list[Section]:
    role = staff.current_role(session, actor=actor)
    return sections_for(role.role, centre_may_edit_offer=centre_edits_offer(session, role.centre_id))


async def _home(actor: Actor) -> None:
    sections = await in_transaction(lambda session: _sections(session, actor))
    with frame(_("Administration")):
        ui.link(_("← Espace de gestion"), routes.STAFF_HOME).mark("back-to-staff-home")
        if not sections:
            paragraph(_("Votre rôle actuel ne permet pas de modifier le paramétrage.")).mark("no-section")
            return
        with ui.element("ul").classes("ec-bullets").mark("admin-sections"):
            for section in sections:
                with ui.element("li").classes("mt-2"):
                    ui.link(_(section.label), section.path).classes("text-lg font-bold").mark(
                        f"section-{section.path.rsplit('/', 1)[1]}"
                    )
                    paragraph(_(section.description))


def register() -> None:
    @page(routes.ADMIN)
    async def admin_home() -> Any:
        return await staff_page(_home)
