"""« Lycées » (/admin/lycees): the list the baccalauréat's lycée is chosen from, replaced by uploading the Ministry
of Education's directory (CSV). The central office and administrators upload, read what the file would change, then
replace the list (audited); read-only roles see the list's state only.

The upload is held by the upload guard to the portal's file limit: the national file is filtered on its lycées
first (the open data portal's filters), or imported whole with ``python -m app.manage import-lycees``.
"""

from typing import Any

from nicegui import events, ui

from app.i18n import _
from app.services.dossier import lycees
from app.services.platform import Actor, DomainError, parameters
from app.ui import routes
from app.ui.admin_widgets import institution_page
from app.ui.dates import format_moment
from app.ui.offer_admin import alert, in_transaction, load, notice, say
from app.ui.page import page
from app.ui.text import heading, paragraph


async def _summary(actor: Actor) -> None:
    current = await load(lambda session: lycees.lycee_list_summary(session, actor=actor))
    if current is None:
        return
    if not current.listed:
        paragraph(_("Aucune liste n'est importée : les candidats saisissent le nom de leur lycée, sans liste.")).mark(
            "no-lycee-list"
        )
        return
    moment = format_moment(current.imported_at) if current.imported_at else ""
    paragraph(
        _("Lycées proposés : {listed} (import du {moment}). Gardés hors liste pour les dossiers qui les citent : "
          "{unlisted}.").format(listed=current.listed, moment=moment, unlisted=current.unlisted)
    ).mark("lycee-summary")  # fmt: skip


class _Import:
    """Upload, preview, replace: the file's bytes wait here between the preview and « Remplacer la liste »."""

    def __init__(self, actor: Actor, summary: Any, status: ui.label) -> None:
        self.actor, self.summary, self.status = actor, summary, status
        self.data: bytes | None = None
        limit = max(parameters.peek("max_file_mb"), parameters.peek("max_piece_mb")) * 1024 * 1024  # the guard's
        self.upload = upload = ui.upload(
            label=_("Déposer le fichier CSV de l'annuaire"),
            auto_upload=True,
            max_file_size=limit,
            on_upload=self.uploaded,
            on_rejected=self.rejected,
        )
        upload.props('accept=".csv,text/csv" flat bordered').classes("w-full max-w-lg").mark("lycee-upload")
        self.error = alert("lycee-error")
        self.preview = ui.column().classes("w-full gap-1").mark("lycee-preview")

    async def uploaded(self, event: events.UploadEventArguments) -> None:
        data = await event.file.read()
        self.data, actor = None, self.actor
        self.error.set_visibility(False)
        self.preview.clear()
        try:
            report = await in_transaction(lambda session: lycees.preview_lycees(session, actor=actor, data=data))
        except DomainError as error:
            say(self.error, error.translate(_))
            return
        self.data = data
        with self.preview:
            heading(_("Ce que le fichier changerait"), 2)
            for msgid, params in lycees.report_lines(report):
                paragraph(_(msgid).format(**params))
            for line, reason in report.file.problems:
                paragraph(_("Ligne {line} : {reason}").format(line=line, reason=_(reason))).classes("text-sm")
            ui.button(_("Remplacer la liste"), on_click=self.replace).props("no-caps").mark("lycee-replace")

    async def replace(self) -> None:
        data, actor = self.data, self.actor
        if data is None:  # a second click: the first one took the file
            return
        self.data = None
        try:
            report = await in_transaction(lambda session: lycees.import_lycees(session, actor=actor, data=data))
        except DomainError as error:
            say(self.error, error.translate(_))
            return
        self.preview.clear()
        self.upload.reset()  # ready for the next file
        say(self.status, _("Liste des lycées remplacée. Lycées proposés : {listed}.").format(listed=report.listed))
        self.summary.refresh()

    def rejected(self) -> None:
        say(
            self.error,
            _(
                "Ce fichier dépasse la taille autorisée : ne gardez que les lycées avant de télécharger l'annuaire, "
                "ou importez le fichier entier avec la commande python -m app.manage import-lycees."
            ),
        )


async def _page(actor: Actor, writable: bool) -> None:
    status = notice()
    summary = ui.refreshable(_summary)
    await summary(actor)
    if not writable:
        return
    heading(_("Importer l'annuaire de l'Éducation nationale"), 2)
    paragraph(
        _(
            "Téléchargez sur le portail des données ouvertes de l'Éducation nationale « Annuaire de l'éducation » "
            "ou « Adresse et géolocalisation des établissements d'enseignement du premier et second degrés », au "
            "format CSV (séparateur point-virgule), de préférence filtré sur les lycées. Seuls les lycées sont "
            "gardés ; la liste est remplacée d'un bloc, et un lycée qu'un dossier cite reste lisible."
        )
    )
    _Import(actor, summary, status)


def register() -> None:
    @page(routes.ADMIN_LYCEES)
    async def admin_lycees_page() -> Any:
        return await institution_page(
            _("Lycées"),
            _(
                "La liste des lycées dans laquelle les candidats choisissent celui de leur baccalauréat, par "
                "département. Sans liste, ils saisissent son nom."
            ),
            _page,
        )
