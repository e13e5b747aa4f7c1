"""The development mailbox: in demo mode without SMTP, every mail the portal "sends" is read here.

Registered only when ``get_settings().dev_mailbox_enabled`` (demo mode, no SMTP host, and a loopback base URL
unless ECANDIDAT_DEMO is set explicitly): elsewhere the routes do not exist (404). It reads the outbox, newest
first; the worker then only marks mails sent. Anyone who opens it reads every mail, activation and reset links
included: the page says so.
"""

from urllib.parse import quote

from fastapi import Response
from nicegui import app, run, ui

from app.config import get_settings
from app.db import transaction
from app.i18n import _
from app.models import MailStatus, OutboxMail
from app.services.mail import list_outbox_mails, read_attachment
from app.services.platform import NotFound
from app.ui import routes
from app.ui.dates import format_moment
from app.ui.frame import frame
from app.ui.page import page

PATH = routes.DEV_MAILBOX
LIMIT = 200
# A mail's HTML is our own rendering, but of staff-editable templates: show it in a sandboxed frame (no
# script, no access to the portal's page), whose links open in a new tab.
_IFRAME_SANDBOX = "allow-popups allow-popups-to-escape-sandbox"


def _status_label(status: MailStatus) -> str:
    return {
        MailStatus.PENDING: _("en attente"),
        MailStatus.SENT: _("remis"),
        MailStatus.FAILED: _("en échec"),
        MailStatus.CANCELLED: _("annulé"),
    }[status]


def _framed(body_html: str) -> str:
    base = '<base target="_blank">'
    return body_html.replace("<head>", f"<head>{base}", 1) if "<head>" in body_html else base + body_html


def _mail_card(mail: OutboxMail) -> None:
    caption = f"{mail.to_address} · {format_moment(mail.created_at)} · {_status_label(mail.status)}"
    with ui.expansion(mail.subject, caption=caption).classes("w-full border rounded").mark("mail"):
        with ui.element("dl").classes("grid grid-cols-[auto_1fr] gap-x-4 text-sm"):
            rows = [
                (_("Objet"), mail.subject),
                (_("À"), ", ".join([mail.to_address, *mail.cc_addresses])),
                (_("Date"), format_moment(mail.created_at)),
                (_("État"), _status_label(mail.status)),
                (_("Modèle"), f"{mail.code} ({mail.language})"),
            ]
            if mail.last_error:
                rows.append((_("Dernière erreur"), mail.last_error))
            for term, value in rows:
                ui.label(term).classes("font-bold")
                ui.label(value)
        frame_element = ui.element("iframe").classes("w-full border").style("height: 32rem")
        frame_element.props["srcdoc"] = _framed(mail.body_html)
        frame_element.props["sandbox"] = _IFRAME_SANDBOX
        frame_element.props["title"] = _("Contenu du mail : {subject}").format(subject=mail.subject)
        if mail.attachments:
            ui.label(_("Pièces jointes")).classes("font-bold mt-2")
            with ui.element("ul"):
                for index, ref in enumerate(mail.attachments):
                    with ui.element("li"):
                        ui.link(
                            ref["filename"], routes.DEV_MAILBOX_ATTACHMENT.format(mail_id=mail.id, index=index)
                        ).mark("attachment")
        with ui.expansion(_("Version texte")).classes("w-full"):
            ui.label(mail.body_text).classes("whitespace-pre-wrap font-mono text-sm")


def _latest_mails() -> list[OutboxMail]:
    """Blocking (the page calls it through ``run.io_bound``); the download route is a plain ``def``, which Starlette
    runs in its thread pool."""
    with transaction() as session:
        return list_outbox_mails(session, limit=LIMIT)


def register() -> None:
    if not get_settings().dev_mailbox_enabled:
        return

    @page(PATH)
    async def mailbox() -> None:
        mails = await run.io_bound(_latest_mails)
        with frame(_("Boîte aux lettres de développement")):
            ui.label(
                _(
                    "Mode démonstration : cette page n'est protégée par aucune connexion. Quiconque l'ouvre lit "
                    "tous les mails, y compris les liens d'activation de compte et de réinitialisation de mot de "
                    "passe, qui permettent de prendre la main sur ces comptes. N'utilisez pas ce mode avec de "
                    "vraies personnes ni de vraies données."
                )
            ).classes("mb-4 p-3 border-l-4 border-red-700 bg-red-50 font-bold").props('role="alert"').mark(
                "mailbox-warning"
            )
            ui.label(
                _(
                    "Mode démonstration sans serveur SMTP : aucun mail ne part. Ceux que le portail aurait envoyés "
                    "sont ici, du plus récent au plus ancien ({limit} au plus)."
                ).format(limit=LIMIT)
            ).classes("mb-4")
            if not mails:
                ui.label(_("Aucun mail pour le moment.")).mark("no-mail")
            with ui.column().classes("w-full gap-2"):
                for mail in mails:
                    _mail_card(mail)

    @app.get(routes.DEV_MAILBOX_ATTACHMENT)
    def download(mail_id: int, index: int) -> Response:
        try:
            with transaction() as session:
                filename, media_type, content = read_attachment(session, mail_id=mail_id, index=index)
        except NotFound:
            return Response(status_code=404)
        disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
        return Response(
            content,
            media_type=media_type,
            headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
        )
