"""« Candidatures »: the candidate's applications, one line each, updated live when staff change them."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nicegui import background_tasks, context, core, run, storage

from app.db import new_session
from app.i18n import N_, _, ngettext, use_language
from app.models import AnswerKind, DecisionKind, DossierStatus
from app.services.applications import (
    DOSSIER_STATUS_LABELS,
    ApplicationSummary,
    DecisionView,
    list_my_applications,
    own_candidate_id,
)
from app.services.platform import Actor, DomainError, notifications
from app.ui import routes
from app.ui.candidate_nav import candidate_nav
from app.ui.dates import format_moment
from app.ui.frame import frame
from app.ui.guards import as_candidate
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import link_tag, static_block, tag, text_tag

LIST_PATH = routes.APPLICATIONS

# The guide's words (« Consulter l'état de son dossier »): the status's label, then what it means.
DOSSIER_STATUS_MEANINGS = {
    DossierStatus.PENDING: N_("Votre dossier n'a pas encore été réceptionné par nos services."),
    DossierStatus.RECEIVED: N_("Le service de scolarité a reçu votre dossier."),
    DossierStatus.INCOMPLETE: N_(
        "Toutes les pièces demandées ne figurent pas à votre dossier ou ne sont pas recevables "
        "(non conformes, illisibles…)."
    ),
    DossierStatus.COMPLETE: N_("Votre dossier est complet. Toutes les pièces justificatives sont recevables."),
}
DECISION_MEANINGS = {
    DecisionKind.FAVORABLE: N_(
        "Vous êtes accepté dans la formation. Vous devez confirmer votre candidature ou vous désister avant la date "
        "limite. En cas de désistement, cette action est irréversible."
    ),
    DecisionKind.UNFAVORABLE: N_("Votre candidature n'a pas été retenue."),
    DecisionKind.WAITING_LIST: N_(
        "Votre candidature n'a pas été retenue sur liste principale mais, en cas de places vacantes, vous pouvez "
        "être rappelé."
    ),
    DecisionKind.PRESELECTION: N_("Vous êtes convoqué pour un entretien de présélection."),
    DecisionKind.ON_HOLD: N_(
        "Votre candidature est en liste d'attente : la commission ne s'est pas encore prononcée définitivement. "
        "Vous serez informé de sa décision."
    ),
}


def status_text(status: DossierStatus) -> str:
    """« En attente : votre dossier n'a pas encore été réceptionné… » — the status in words, never a colour alone."""
    return _("{status} : {meaning}").format(
        status=_(DOSSIER_STATUS_LABELS[status]), meaning=_(DOSSIER_STATUS_MEANINGS[status])
    )


def days_left_text(days: int | None) -> str:
    if days is None:
        return _("date passée")
    if days == 0:
        return _("aujourd'hui")
    return ngettext("{n} jour restant", "{n} jours restants", days).format(n=days)


def deadline_html(label: str, moment: Any, days: int | None, marker: str) -> str:
    """« Date de retour : 25 mars 2026 à 23:59 (15 jours restants) » as a paragraph (nothing without a date)."""
    if moment is None:
        return ""
    return text_tag(
        "p",
        _("{label} : {moment} ({left})").format(label=label, moment=format_moment(moment), left=days_left_text(days)),
        data_mark=marker,
    )


def answer_text(summary: ApplicationSummary) -> str:
    """« Vous avez confirmé le … »: the candidate's answer and its date (empty before any answer)."""
    if summary.answer is None or summary.answer_at is None:
        return ""
    moment = format_moment(summary.answer_at)
    if summary.answer == AnswerKind.CONFIRMED:
        return _("Vous avez confirmé le {moment}.").format(moment=moment)
    if summary.answer == AnswerKind.PROVISIONAL:
        return _("Vous avez accepté cette proposition en attendant mieux le {moment}.").format(moment=moment)
    if summary.withdrawn_automatically:
        return _(
            "Vous avez été désisté automatiquement le {moment} : la date limite de confirmation était dépassée."
        ).format(moment=moment)
    return _("Vous vous êtes désisté le {moment}.").format(moment=moment)


def deadlines_html(summary: ApplicationSummary, suffix: str) -> str:
    """The dates that still ask something of the candidate, and their answer where « Confirmer avant le » stood.

    Marked ``return-``, ``answered-`` and ``confirm-`` + ``suffix``. A provisional acceptance keeps its deadline:
    it must still be confirmed before it."""
    parts = []
    if summary.return_date_applies:
        parts.append(
            deadline_html(_("Date de retour"), summary.return_by, summary.return_days_left, f"return-{suffix}")
        )
    answered = answer_text(summary)
    if answered:
        parts.append(text_tag("p", answered, class_="font-bold", data_mark=f"answered-{suffix}"))
    if summary.confirmation_applies:
        parts.append(
            deadline_html(
                _("Confirmer avant le"),
                summary.confirmation_deadline,
                summary.confirmation_days_left,
                f"confirm-{suffix}",
            )
        )
    return "".join(parts)


def decision_html(decision: DecisionView) -> str:
    lines = [
        text_tag(
            "p", _("Décision : {label}").format(label=decision.label), class_="font-bold", data_mark="decision-label"
        ),
        text_tag("p", _(DECISION_MEANINGS[decision.kind])),
    ]
    if decision.reason:
        lines.append(text_tag("p", _("Motif : {reason}").format(reason=decision.reason)))
    if decision.comment:
        lines.append(text_tag("p", decision.comment))
    if decision.kind == DecisionKind.PRESELECTION and decision.preselection_at:
        lines.append(
            text_tag(
                "p",
                _("Convocation le {moment}, lieu : {place}").format(
                    moment=format_moment(decision.preselection_at), place=decision.preselection_place or "—"
                ),
            )
        )
    return "".join(lines)


def error_text(error: DomainError) -> str:
    """The refusal in the reader's language, with what is missing when the dossier is incomplete."""
    text = error.translate(_)
    missing = error.params.get("missing")
    if missing:
        text += " " + _("À compléter : {sections}.").format(sections=", ".join(_(m) for m in missing))
    return text


async def _in_client(client: Any, redraw: Any) -> None:
    with client:
        await redraw


def follow_candidate(candidate_id: int | None, redraw: Callable[[], Any], *, staff: bool = False) -> None:
    """Redraw this page when a committed change concerns ``candidate_id`` (see app.services.platform.notifications);
    ``staff``: a staff page, redrawn by the changes only staff see too."""
    if candidate_id is None:
        return
    client = context.client
    loop = core.loop
    assert loop is not None

    def on_loop() -> None:
        if not client.is_deleted:
            # As NiceGUI does for an event: the page's request, so per-user storage (the language) is readable.
            storage.request_contextvar.set(client.request)
            with client:
                result = redraw()
                if inspect.isawaitable(result):  # an async redraw loads off the loop, then draws
                    background_tasks.create(_in_client(client, result), name="live redraw")

    def on_change() -> None:  # called in the committing thread: hand over to the event loop
        if loop.is_closed():  # the server stopped without deleting this client (tests restart it)
            notifications.unsubscribe(candidate_id, on_change)
            return
        loop.call_soon_threadsafe(on_loop)

    notifications.subscribe(candidate_id, on_change, staff=staff)
    client.on_delete(lambda: notifications.unsubscribe(candidate_id, on_change))


def _application_item(row: ApplicationSummary, level: int = 2) -> str:
    if row.missing:
        missing = ngettext(
            "{n} pièce manquante : {pieces}", "{n} pièces manquantes : {pieces}", len(row.missing)
        ).format(n=len(row.missing), pieces=", ".join(piece.label for piece in row.missing))
    else:
        missing = _("Aucune pièce manquante")
    parts = [
        tag(
            f"h{level}",
            link_tag(
                row.program_label,
                routes.APPLICATION.format(application_id=row.id),
                data_mark=f"open-{row.id}",
                aria_label=_("Ouvrir la candidature : {label}").format(label=row.program_label),
            ),
        ),
        text_tag("p", row.centre_label + " · " + _("Code : {code}").format(code=row.program_code), class_="ec-muted"),
        text_tag(
            "p",
            _("Statut du dossier : {status}").format(status=_(DOSSIER_STATUS_LABELS[row.dossier_status])),
            data_mark=f"status-{row.id}",
        ),
        text_tag("p", missing, data_mark=f"missing-{row.id}"),
    ]
    if row.decision is not None:
        parts.append(
            text_tag(
                "p",
                _("Décision : {label}").format(label=row.decision.label),
                class_="font-bold",
                data_mark=f"decision-{row.id}",
            )
        )
    parts.append(deadlines_html(row, str(row.id)))
    return tag("li", "".join(parts), class_="ec-program", data_mark=f"application-{row.id}")


def applications_html(rows: list[ApplicationSummary]) -> str:
    """The candidate's applications as one block (the whole list is redrawn when one changes): the open campaign's,
    then « Campagnes précédentes », read-only, until their campaign's data are erased."""
    current = [row for row in rows if not row.archived]
    if not current:
        listing = text_tag("p", _("Vous n'avez pas encore de candidature."), data_mark="no-application") + tag(
            "p", link_tag(_("Consulter l'offre de formation et candidater"), routes.OFFER)
        )
    else:
        count = ngettext("{n} candidature", "{n} candidatures", len(current)).format(n=len(current))
        listing = text_tag("p", count, data_mark="application-count") + tag(
            "ul", "".join(_application_item(row) for row in current), class_="ec-program-list"
        )
    return listing + previous_campaigns_html([row for row in rows if row.archived])


def previous_campaigns_html(rows: list[ApplicationSummary]) -> str:
    """« Campagnes précédentes »: the archived campaigns' applications, newest campaign first, to read only."""
    if not rows:
        return ""
    by_campaign: dict[str, list[ApplicationSummary]] = {}
    for row in sorted(rows, key=lambda row: row.created_at, reverse=True):
        by_campaign.setdefault(row.campaign_label, []).append(row)
    groups = "".join(
        text_tag("h3", label) + tag("ul", "".join(_application_item(row, 4) for row in group), class_="ec-program-list")
        for label, group in by_campaign.items()
    )
    note = _("Ces candidatures appartiennent à une campagne terminée : vous pouvez les consulter, plus les modifier.")
    return tag(
        "section",
        text_tag("h2", _("Campagnes précédentes"), class_="mt-6") + text_tag("p", note) + groups,
        data_mark="previous-campaigns",
    )


def status_help_html() -> str:
    """« Suivre l'avancement »: what each dossier status means."""
    return text_tag("h2", _("Suivre l'avancement"), class_="mt-6") + tag(
        "ul", "".join(text_tag("li", status_text(status)) for status in DossierStatus), class_="ec-bullets"
    )


@dataclass(frozen=True)
class MyApplications:
    candidate_id: int | None
    rows: list[ApplicationSummary]


def load_my_applications(actor: Actor, lang: str) -> MyApplications:
    """Blocking: the candidate's id (for live updates) and applications, in one session (the id is read on its own
    only when there is no application to carry it)."""
    with use_language(lang), new_session() as session:
        rows = list_my_applications(session, actor=actor, lang=lang)
        candidate_id = rows[0].candidate_id if rows else own_candidate_id(session, actor=actor)
        return MyApplications(candidate_id, rows)


async def _my_applications(actor: Actor) -> None:
    lang = current_language()
    loaded = await run.io_bound(load_my_applications, actor, lang)
    with frame(_("Mes candidatures")):
        candidate_nav("candidatures", actor=actor)
        # One element for the list and the statuses' help: each element stays in memory while the page is open.
        help_html = tag("div", status_help_html(), data_mark="status-help")
        listing = static_block(applications_html(loaded.rows) + help_html).mark("applications")

        async def redraw() -> None:
            again = await run.io_bound(load_my_applications, actor, lang)
            listing.content = applications_html(again.rows) + help_html

        follow_candidate(loaded.candidate_id, redraw)


def register() -> None:
    @page(LIST_PATH)
    async def my_applications():
        return await as_candidate(_my_applications)
