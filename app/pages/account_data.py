"""« Mes données personnelles » on « Mon compte »: ask for a copy of one's data, follow its preparation, and the
mailed single-use link that downloads it (``/compte/mes-donnees/{token}``).

The copy is built by the export worker (``app.services.exports.my_data``); the section redraws every few seconds
while it is being prepared, its news in a ``role=status`` line read out without moving the focus. Every read and
every action runs in a worker thread.
"""

from fastapi.responses import FileResponse
from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.services.exports import my_data
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.buttons import disabled_while
from app.ui.dates import format_moment
from app.ui.frame import frame
from app.ui.guards import require_candidate
from app.ui.latest_read import LatestRead
from app.ui.list_export import queue_export, render_in_pool
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import heading, paragraph

REFRESH_SECONDS = 2.0


def load_my_data(actor: Actor) -> my_data.MyDataExport | None:
    """Blocking: the candidate's latest copy, for the section."""
    with transaction() as session:
        return my_data.my_data_export(session, actor=actor)


def _ask(actor: Actor, language: str) -> int:
    with transaction() as session:
        return my_data.request_my_data(session, actor=actor, language=language).id or 0


def _download(actor: Actor, token: str) -> tuple[str, str, str] | DomainError:
    """(path, file name, media type), or why not (TokenError included); the link is used up by the first."""
    try:
        with transaction() as session:
            path, filename, media_type = my_data.download_my_data(session, actor=actor, token=token)
    except DomainError as error:
        return error
    return str(path), filename, media_type


def news(view: my_data.MyDataExport | None) -> str:
    """The section's one line: where the latest copy stands."""
    if view is None:
        return ""
    if view.active:
        return _("Copie de vos données en préparation : {percent} %.").format(percent=view.percent)
    if view.error:
        return _("La préparation de la copie a échoué : {error}").format(error=view.error)
    if view.downloaded:
        return _("Votre copie a été téléchargée. Vous pouvez en demander une nouvelle.")
    if view.link_expires_at is not None:
        return _(
            "Votre copie est prête : un lien de téléchargement à usage unique vous a été envoyé par courriel ; "
            "il est valable jusqu'au {moment}."
        ).format(moment=format_moment(view.link_expires_at))
    return ""


def my_data_section(actor: Actor, view: my_data.MyDataExport | None) -> None:
    """The section of « Mon compte » (``view`` from ``load_my_data``); an administrator's view has no button."""
    shown = {"view": view}
    with ui.element("section").classes("w-full mt-6").mark("my-data"):
        heading(_("Mes données personnelles"), 2)
        paragraph(
            _(
                "Vous pouvez obtenir une copie de tout ce que le portail conserve sur vous : votre compte, votre "
                "dossier, vos candidatures, les avis, vos pièces, les courriels envoyés et l'historique des "
                "consultations de votre dossier. Elle est préparée en arrière-plan ; un lien à usage unique vous "
                "est ensuite envoyé par courriel."
            )
        )
        status = paragraph(news(shown["view"])).mark("my-data-status")
        status.props["role"] = "status"
        reads = LatestRead()

        async def reload() -> None:
            view = await reads.run(load_my_data, actor)
            if view is None:  # a later read is on its way (or nothing asked yet): keep the line as it is
                return
            shown["view"] = view
            status.set_text(news(view))
            timer.active = view.active

        timer = ui.timer(REFRESH_SECONDS, reload, active=bool(shown["view"] and shown["view"].active))
        if actor.read_only:
            return

        async def ask() -> None:
            with disabled_while(button):
                refusal = await queue_export(_ask, actor, current_language(), render=render_in_pool)
            if refusal is not None:
                status.set_text(refusal.translate(_))
                return
            status.set_text(_("Demande enregistrée : la copie de vos données se prépare."))
            timer.active = True

        button = ui.button(_("Télécharger mes données"), on_click=ask).props("no-caps").mark("ask-my-data")


def register() -> None:
    @page(routes.MY_DATA_DOWNLOAD)
    async def my_data_download(token: str):
        gate = await require_candidate()  # signed out: the sign-in page, then back here
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        result = await run.io_bound(_download, gate.actor, token)
        if not isinstance(result, DomainError):
            path, filename, media_type = result
            headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
            return FileResponse(path, media_type=media_type, filename=filename, headers=headers)
        with frame(_("Télécharger mes données")):
            paragraph(result.translate(_)).classes("text-negative").mark(result.code).props('role="alert"')
            ui.link(_("Demander une nouvelle copie depuis « Mon compte »"), routes.ACCOUNT).mark("back-to-account")
        return None
