"""One account on « Comptes candidats »: identity, activation, sign-in block, applications (read only) and the
desk's actions, each confirmed in a dialog: resend the activation mail, unlock, correct the e-mail address (the new
address confirms it), and merge a duplicate after its preview. Each act runs in its own transaction off the loop;
its news is read out from a ``role=status`` line, its refusal from ``role=alert``.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui

from app.i18n import _, ngettext
from app.pages.account_desk_actions import action_buttons
from app.services.accounts import desk
from app.services.applications import DOSSIER_STATUS_LABELS
from app.services.platform import Actor, DomainError
from app.ui.dates import format_short_moment
from app.ui.guards import done_or_refusal
from app.ui.session import current_language
from app.ui.tables import scroll_region
from app.ui.text import esc, heading, live_paragraph, paragraph, static_block, tag, text_table, text_tag

Refresh = Callable[[], Awaitable[None]]


def applications_table(view: desk.AccountView) -> str:
    if not view.applications:
        return tag("p", esc(_("Aucune candidature.")), data_mark="desk-no-application")
    english = current_language() == "en"
    headers = (_("Formation"), _("Centre de candidature"), _("Statut du dossier"), _("Transmise le"))
    rows = []
    for line in view.applications:
        status = _(DOSSIER_STATUS_LABELS[line.dossier_status]) if line.dossier_status in DOSSIER_STATUS_LABELS else ""
        if line.cancelled:
            status = _("Annulée")
        program = f"{line.program_code} — {line.program_label_en if english else line.program_label_fr}"
        values = (
            program,
            line.centre_label_en if english else line.centre_label_fr,
            status or line.dossier_status,
            format_short_moment(line.transmitted_at) if line.transmitted_at else "—",
        )
        rows.append((f"desk-app-{line.application_id}", values))
    return text_table(_("Candidatures du compte, dans tous les centres (lecture seule)"), headers, rows)


def _facts(view: desk.AccountView) -> None:
    row = view.row
    born = row.birth_date.strftime("%d/%m/%Y") if row.birth_date else "—"
    activation = (
        _("activé le {date}").format(date=format_short_moment(view.activated_at))
        if view.activated_at
        else _("non activé")
    )
    if view.throttled_until:
        sign_in = _("bloquée jusqu'à {time}").format(time=format_short_moment(view.throttled_until))
    else:
        failures = ngettext(
            "possible ({count} échec récent)", "possible ({count} échecs récents)", view.failed_sign_ins
        )
        sign_in = failures.format(count=view.failed_sign_ins)
    facts = [
        (_("N° de dossier"), row.dossier_number),
        (_("Nom"), row.name),
        (_("Date de naissance"), born),
        (_("INE"), row.ine or "—"),
        (_("Adresse e-mail"), row.email),
        (_("Compte"), _("désactivé (fusionné dans un autre compte)") if row.disabled else activation),
        (_("Connexion"), sign_in),
    ]
    items = "".join(text_tag("dt", k, class_="font-bold") + text_tag("dd", v, class_="ml-4") for k, v in facts)
    static_block(tag("dl", items, data_mark="desk-facts"))


async def account_panel(
    actor: Actor, panel: ui.column, account_id: int, *, after_change: Refresh, say: Callable[[str], None]
) -> None:
    """Draw the account in ``panel`` (again after each act); ``say`` puts news in the page's status line."""
    view = await run.io_bound(done_or_refusal, lambda s: desk.open_account(s, actor=actor, account_id=account_id))
    panel.clear()
    with panel:
        if isinstance(view, DomainError):
            paragraph(view.translate(_)).mark("refusal")
            return
        heading(_("Compte {number}").format(number=view.row.dossier_number), 2)
        _facts(view)
        heading(_("Candidatures"), 3)
        with scroll_region(_("Candidatures du compte")):
            static_block(applications_table(view)).mark("desk-applications")
        if view.row.disabled:
            return
        heading(_("Actions"), 3)
        problem = live_paragraph("desk-act-error", alert=True)

        async def run_act(act: Callable[[Any], Any], done: str) -> bool:
            """``act`` in its transaction; on success the account and the results are redrawn and ``done`` said."""
            problem.set_text("")
            outcome = await run.io_bound(done_or_refusal, act)
            if isinstance(outcome, DomainError):
                problem.set_text(outcome.translate(_))
                return False
            await after_change()
            await account_panel(actor, panel, account_id, after_change=after_change, say=say)
            say(done)
            return True

        action_buttons(actor, view, run_act)
