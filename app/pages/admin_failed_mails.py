"""« Courriels en échec » (/admin/courriels-en-echec): the mails refused or being retried, why, and « Relancer » or
« Annuler » for each.

The central office and administrators see each mail with the reason the mail server gave, filter the list (state,
kind of mail, creation days, part of the address) a page at a time, and retry or cancel a mail; a status line says
what was done (role=status), a refusal is said next to the filters (role=alert). Reads and actions run in a worker
thread (``in_transaction``), never on the event loop.
"""

from collections.abc import Awaitable, Callable

from nicegui import ui

from app.i18n import N_, _, ngettext
from app.services.accounts import staff_roles as staff
from app.services.admin import FailedMailPage, FailedMailRow, MailFilters, code_info, failed_mails
from app.services.mail import MailCode
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_widgets import admin_page
from app.ui.dates import UnreadableDay, day_input, format_short_moment, parse_typed_day
from app.ui.offer_admin import in_transaction
from app.ui.page import page
from app.ui.tables import scroll_region
from app.ui.text import Text, live_paragraph, paragraph

ALL_KINDS = ""


def _kind(code: str) -> str:
    try:
        return _(code_info(MailCode(code)).label)
    except ValueError:  # a code no longer in the catalogue: named by itself
        return code


def _state(row: FailedMailRow) -> str:
    text = _(failed_mails.STATE_LABELS[row.state])
    attempts = ngettext("{n} tentative", "{n} tentatives", row.attempts).format(n=row.attempts)
    if row.next_attempt_at is not None:
        return _("{state} ({attempts}) : prochain essai le {date}").format(
            state=text, attempts=attempts, date=format_short_moment(row.next_attempt_at)
        )
    return f"{text} ({attempts})"


def _reason(row: FailedMailRow) -> str:
    reason = row.last_error or "—"
    if row.permanent:
        return _("Refus définitif du serveur : {reason}").format(reason=reason)
    return reason


def _cell(text: str, tag: str = "td") -> Text:
    return Text(text, tag)


class _Filters:
    """The filter form; ``read`` gives the filters, or raises UnreadableDay."""

    def __init__(self) -> None:
        with ui.element("div").classes("flex flex-wrap gap-3 items-end"):
            states = {key: _(label) for key, label in failed_mails.STATUS_FILTERS.items()}
            self.status = ui.select(states, label=_("État"), value=failed_mails.ATTENTION).mark("filter-status")
            kinds = {ALL_KINDS: _("Tous les courriels")} | {code.value: _kind(code.value) for code in MailCode}
            self.code = ui.select(kinds, label=_("Courriel"), value=ALL_KINDS).mark("filter-kind")
            self.since = day_input(_("Créés du (jj/mm/aaaa)")).mark("filter-since")
            self.until = day_input(_("au (jj/mm/aaaa)")).mark("filter-until")
            self.recipient = ui.input(_("Destinataire (partie de l'adresse)")).mark("filter-recipient")

    def read(self) -> MailFilters:
        return MailFilters(
            status=self.status.value or failed_mails.ATTENTION,
            code=self.code.value or None,
            since=parse_typed_day(self.since.value),
            until=parse_typed_day(self.until.value),
            recipient=self.recipient.value or "",
        )


Act = Callable[[str, FailedMailRow], Awaitable[None]]


def _actions(row: FailedMailRow, act: Act) -> None:
    with ui.element("td"), ui.element("div").classes("flex gap-1"):
        name = f"« {_kind(row.code)} » — {row.to_address}"
        retry = ui.button(_("Relancer"), on_click=lambda: act("retry", row)).props("no-caps dense outline")
        retry.props["aria-label"] = _("Relancer le courriel {name}").format(name=name)
        retry.mark(f"retry-{row.id}")
        if row.state != failed_mails.CANCELLED:
            cancel = ui.button(_("Annuler"), on_click=lambda: act("cancel", row)).props("no-caps dense flat")
            cancel.props["aria-label"] = _("Annuler le courriel {name}").format(name=name)
            cancel.mark(f"cancel-{row.id}")


def _candidate(row: FailedMailRow) -> None:
    with ui.element("td"):
        if row.application_id is not None:
            label = row.candidate_label or _("Candidature n° {id}").format(id=row.application_id)
            ui.link(label, routes.STAFF_APPLICATION.format(application_id=row.application_id))
        else:
            Text(row.candidate_label or "—", "span")


def _table(result: FailedMailPage, act: Act | None) -> None:
    """The page of mails; ``act`` None (a read-only role): no « Relancer » / « Annuler »."""
    caption = _("Courriels {first} à {last} sur {total}, du plus récent au plus ancien").format(
        first=(result.page - 1) * failed_mails.PAGE_SIZE + 1,
        last=(result.page - 1) * failed_mails.PAGE_SIZE + len(result.rows),
        total=result.total,
    )
    headers = [_("Créé le"), _("Courriel"), _("Destinataire"), _("Candidat"), _("État"), _("Raison")]
    headers += [_("Actions")] if act is not None else []
    with scroll_region(_("Courriels en échec")), ui.element("table").classes("ec-table").mark("failed-mails"):
        _cell(caption, "caption")
        with ui.element("thead"), ui.element("tr"):
            for header in headers:
                _cell(header, "th").props["scope"] = "col"
        with ui.element("tbody"):
            for row in result.rows:
                with ui.element("tr").mark(f"mail-{row.id}"):
                    _cell(format_short_moment(row.created_at))
                    _cell(f"{_kind(row.code)} — {row.subject}")
                    _cell(row.to_address)
                    _candidate(row)
                    _cell(_state(row)).mark(f"state-{row.id}")
                    _cell(_reason(row)).mark(f"reason-{row.id}")
                    if act is not None:
                        _actions(row, act)


DONE = {
    ("retry", True): N_("Le courriel à {address} est remis en file d'envoi."),
    ("retry", False): N_("Le courriel à {address} était déjà remis en file d'envoi."),
    ("cancel", True): N_("Le courriel à {address} est annulé : il ne sera pas envoyé."),
    ("cancel", False): N_("Le courriel à {address} était déjà annulé."),
}  # (action, changed): what the status line says; False is the second click


async def _body(actor: Actor) -> None:
    paragraph(
        _(
            "Les courriels que le serveur de messagerie a refusés, ou qu'il faudra encore essayer d'envoyer, avec la "
            "raison donnée par le serveur. Un refus définitif (adresse inconnue) signale aussi l'adresse du candidat "
            "sur son dossier. « Relancer » remet le courriel en file d'envoi ; « Annuler » l'abandonne."
        )
    )
    writable = await in_transaction(lambda session: not staff.current_role(session, actor=actor).read_only)
    if not writable:
        paragraph(_("Votre rôle est en lecture seule : vous pouvez consulter, pas modifier.")).mark("read-only")
    filters = _Filters()
    search = ui.button(_("Filtrer")).props("no-caps").mark("filter")
    problem = live_paragraph("failed-mails-error", alert=True)
    news = live_paragraph("failed-mails-status")
    results = ui.column().classes("w-full")
    shown = {"page": 1}

    async def show(page_number: int, said: str = "") -> None:
        problem.set_text("")
        try:
            query = filters.read()
            result = await in_transaction(
                lambda session: failed_mails.list_failed_mails(session, actor=actor, filters=query, page=page_number)
            )
        except UnreadableDay as error:
            problem.set_text(_(error.message).format(value=error.value))
            return
        except DomainError as error:
            problem.set_text(error.translate(_))
            return
        shown["page"] = result.page
        found = ngettext("{total} courriel", "{total} courriels", result.total).format(total=result.total)
        where = _("page {page} sur {pages}").format(page=result.page, pages=result.pages)
        news.set_text(" ".join(part for part in (said, f"{found} — {where}.") if part))
        _draw(results, result, show, act if writable else None)

    async def act(action: str, row: FailedMailRow) -> None:
        work = failed_mails.retry_mail if action == "retry" else failed_mails.cancel_mail
        problem.set_text("")
        try:
            changed = await in_transaction(lambda session: work(session, actor=actor, mail_id=row.id))
        except DomainError as error:
            problem.set_text(error.translate(_))
            return
        await show(shown["page"], _(DONE[action, changed]).format(address=row.to_address))

    search.on_click(lambda: show(1))
    await show(1)


def _draw(results: ui.column, result: FailedMailPage, show: Callable[[int], Awaitable[None]], act: Act | None) -> None:
    results.clear()
    with results:
        if not result.rows:
            paragraph(_("Aucun courriel ne correspond à ces critères.")).mark("no-failed-mail")
            return
        _table(result, act)
        with ui.element("div").classes("flex gap-2"):
            previous = ui.button(_("Page précédente"), on_click=lambda: show(result.page - 1)).props("no-caps flat")
            following = ui.button(_("Page suivante"), on_click=lambda: show(result.page + 1)).props("no-caps flat")
            previous.mark("previous-page").set_enabled(result.page > 1)
            following.mark("next-page").set_enabled(result.page < result.pages)


def register() -> None:
    @page(routes.ADMIN_FAILED_MAILS)
    async def admin_failed_mails():
        return await admin_page(_("Courriels en échec"), _body)
