"""« Verrous » (/admin/verrous): the editing leases now held, their holder and age, and « Libérer » for stale ones."""

from nicegui import ui

from app.i18n import _
from app.models import ActorKind, StaffRole
from app.services.platform import Actor
from app.services.review import staff_view as staff_review
from app.ui import routes
from app.ui.dates import format_moment
from app.ui.frame import frame
from app.ui.guards import as_staff
from app.ui.offer_admin import alert, in_transaction, try_change
from app.ui.page import page
from app.ui.text import paragraph


def _age(line: staff_review.LeaseLine) -> str:
    minutes = int(line.age.total_seconds() // 60)
    if minutes < 60:
        return _("{minutes} min").format(minutes=minutes)
    return _("{hours} h {minutes:02d}").format(hours=minutes // 60, minutes=minutes % 60)


async def _leases(actor: Actor) -> None:
    error = alert("lease-error")

    @ui.refreshable
    async def table() -> None:
        lines = await in_transaction(lambda session: staff_review.list_leases(session, actor=actor))
        if not lines:
            paragraph(_("Aucun verrou en cours.")).mark("no-lease")
            return
        for line in lines:
            with ui.card().classes("w-full my-1").mark(f"lease-{line.id}"):
                kind = _("candidat") if line.holder_kind == ActorKind.CANDIDATE else _("gestionnaire")
                paragraph(
                    _("{resource} — tenu par {holder} ({kind}) depuis le {date} ({age})").format(
                        resource=line.resource,
                        holder=line.holder_label,
                        kind=kind,
                        date=format_moment(line.acquired_at),
                        age=_age(line),
                    )
                )
                if line.stale:
                    paragraph(_("Verrou ancien ou expiré.")).classes("text-negative").mark(f"lease-stale-{line.id}")
                ui.button(_("Libérer"), on_click=lambda i=line.id: release(i)).props("no-caps").mark(
                    f"lease-release-{line.id}"
                )

    async def release(lease_id: int) -> None:
        await try_change(error, lambda session: staff_review.release_lease(session, actor=actor, lease_id=lease_id))
        table.refresh()

    await table()


async def _admin_leases(actor: Actor) -> None:
    with frame(_("Verrous")):
        paragraph(
            _(
                "Un verrou empêche deux personnes de modifier un dossier en même temps ; il expire seul quand la "
                "page qui le tient se ferme. Libérez ici un verrou resté bloqué."
            )
        )
        await _leases(actor)
        ui.link(_("Retour à l'espace de gestion"), routes.STAFF_HOME).classes("mt-6")


def register() -> None:
    @page(routes.ADMIN_LEASES)
    async def admin_leases():
        return await as_staff(_admin_leases, roles=(StaffRole.ADMINISTRATOR,))
