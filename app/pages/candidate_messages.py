"""/candidat/messages: what staff wrote to the candidate from the staff list, newest first, read-only."""

from nicegui import run

from app.db import new_session
from app.i18n import _, use_language
from app.services.platform import Actor
from app.services.review import ReceivedMessage, list_my_messages
from app.ui import routes
from app.ui.candidate_nav import candidate_nav
from app.ui.dates import format_moment
from app.ui.frame import frame
from app.ui.guards import as_candidate
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import paragraph, static_block, tag, text_tag


def load_my_messages(actor: Actor, lang: str) -> list[ReceivedMessage]:
    with use_language(lang), new_session() as session:
        return list_my_messages(session, actor=actor)


def messages_html(messages: list[ReceivedMessage]) -> str:
    """One article per message; its content was rendered in the mail sandbox and filtered by the mail allow-list
    when it was sent (``send_message``)."""
    return "".join(
        tag(
            "article",
            text_tag("h2", message.subject, class_="text-lg font-bold")
            + text_tag("p", _("Reçu le {moment}").format(moment=format_moment(message.sent_at)), class_="text-sm")
            + tag("div", message.content, lang=message.language, class_="mt-2"),
            class_="border rounded p-4 mb-4",
            data_mark="message",
        )
        for message in messages
    )


async def _my_messages(actor: Actor) -> None:
    messages = await run.io_bound(load_my_messages, actor, current_language())
    with frame(_("Messages")):
        candidate_nav("messages", actor=actor)
        if not messages:
            paragraph(_("Vous n'avez reçu aucun message des services de scolarité.")).mark("no-messages")
        else:
            paragraph(_("Les messages que les services de scolarité vous ont envoyés, du plus récent au plus ancien."))
            static_block(tag("div", messages_html(messages), data_mark="messages"))


def register() -> None:
    @page(routes.MESSAGES)
    async def my_messages():
        return await as_candidate(_my_messages)
