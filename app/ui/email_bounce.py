"""An address that bounces (``Account.email_bounced_at``): the badge staff see on the dossier, the notice the
candidate sees on their home page. Both say it in words (never by colour alone) with the date and the reason."""

from nicegui import ui

from app.i18n import _
from app.models import Account
from app.ui import routes
from app.ui.dates import format_moment
from app.ui.statuses import EMAIL_BOUNCING, badge_html
from app.ui.text import heading, paragraph, tag, text_tag


def staff_badge_html(account: Account) -> str:
    """« Adresse électronique en échec », then since when and the server's answer; "" when the address works."""
    if account.email_bounced_at is None:
        return ""
    detail = _("Le {date}, le serveur de messagerie a refusé un courriel envoyé à {email} : {reason}").format(
        date=format_moment(account.email_bounced_at), email=account.email, reason=account.email_bounce_reason or "—"
    )
    return tag("div", badge_html(EMAIL_BOUNCING) + text_tag("p", detail, class_="m-0"), data_mark="email-bounce")


def candidate_notice(account: Account, *, on_account_page: bool = False) -> None:
    """Tells the candidate our mails do not reach them and sends them to check their address (« Mon compte »,
    where the address is changed); nothing when the address works."""
    if account.email_bounced_at is None:
        return
    with ui.element("section").classes("w-full ec-notice").mark("email-bounce-notice"):
        heading(_("Nos courriels ne vous parviennent pas"), 2)
        paragraph(
            _(
                "Le {date}, le serveur de messagerie de votre adresse {email} a refusé un courriel que nous vous "
                "envoyions : vous ne recevez plus nos messages (avis, convocations, rappels). Vérifiez votre adresse "
                "et corrigez-la si besoin."
            ).format(date=format_moment(account.email_bounced_at), email=account.email)
        )
        if not on_account_page:
            ui.link(_("Vérifier mon adresse dans « Mon compte »"), routes.ACCOUNT).mark("check-email")
