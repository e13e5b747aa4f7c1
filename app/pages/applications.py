"""« Candidatures »: the candidate's applications, one line each, updated live when staff change them."""

from collections.abc import Callable
from typing import Any

from nicegui import context, core, storage, ui

from app.db import new_session
from app.i18n import N_, _, ngettext
from app.models import DecisionKind, DocumentStatus, DossierStatus
from app.services import notifications
from app.services.applications import own_candidate_id
from app.services.applications_views import ApplicationSummary, DecisionView, list_my_applications
from app.services.errors import DomainError
from app.ui.candidate_nav import candidate_nav
from app.ui.dates import format_moment
from app.ui.frame import frame
from app.ui.guards import require_candidate
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import heading, list_item, paragraph

LIST_PATH = "/candidat/candidatures"

# The guide's words (« Consulter l'état de son dossier »).
DOSSIER_STATUS_LABELS = {
    DossierStatus.PENDING: N_("En attente"),
    DossierStatus.RECEIVED: N_("Réceptionné"),
    DossierStatus.INCOMPLETE: N_("Incomplet"),
    DossierStatus.COMPLETE: N_("Complet"),
}
DOSSIER_STATUS_MEANINGS = {
    DossierStatus.PENDING: N_("Votre dossier n'a pas encore été réceptionné par nos services."),
    DossierStatus.RECEIVED: N_("Le service de scolarité a reçu votre dossier."),
    DossierStatus.INCOMPLETE: N_(
        "Toutes les pièces demandées ne figurent pas à votre dossier ou ne sont pas recevables "
        "(non conformes, illisibles…)."
    ),
    DossierStatus.COMPLETE: N_("Votre dossier est complet. Toutes les pièces justificatives sont recevables."),
}
DOCUMENT_STATUS_LABELS = {
    DocumentStatus.PENDING: N_("En attente"),
    DocumentStatus.SUBMITTED: N_("Transmise"),
    DocumentStatus.VALIDATED: N_("Validée"),
    DocumentStatus.REFUSED: N_("Refusée"),
    DocumentStatus.NOT_APPLICABLE: N_("Non concerné"),
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


def deadline_line(label: str, moment: Any, days: int | None, marker: str) -> None:
    """« Date de retour : 25 mars 2026 à 23:59 (15 jours restants) »."""
    if moment is None:
        return
    paragraph(
        _("{label} : {moment} ({left})").format(label=label, moment=format_moment(moment), left=days_left_text(days))
    ).mark(marker)


def decision_lines(decision: DecisionView) -> None:
    paragraph(_("Décision : {label}").format(label=decision.label)).classes("font-bold").mark("decision-label")
    paragraph(_(DECISION_MEANINGS[decision.kind]))
    if decision.reason:
        paragraph(_("Motif : {reason}").format(reason=decision.reason))
    if decision.comment:
        paragraph(decision.comment)
    if decision.kind == DecisionKind.WAITING_LIST and decision.rank:
        paragraph(_("Rang sur la liste complémentaire : {rank}").format(rank=decision.rank))
    if decision.kind == DecisionKind.PRESELECTION and decision.preselection_at:
        paragraph(
            _("Convocation le {moment}, lieu : {place}").format(
                moment=format_moment(decision.preselection_at), place=decision.preselection_place or "—"
            )
        )


def error_text(error: DomainError) -> str:
    """The refusal in the reader's language, with what is missing when the dossier is incomplete."""
    text = error.translate(_)
    missing = error.params.get("missing")
    if missing:
        text += " " + _("À compléter : {sections}.").format(sections=", ".join(_(m) for m in missing))
    return text


def follow_candidate(candidate_id: int | None, redraw: Callable[[], Any]) -> None:
    """Redraw this page when a committed change concerns ``candidate_id`` (see app.services.notifications)."""
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
                redraw()

    def on_change() -> None:  # called in the committing thread: hand over to the event loop
        if loop.is_closed():  # the server stopped without deleting this client (tests restart it)
            notifications.unsubscribe(candidate_id, on_change)
            return
        loop.call_soon_threadsafe(on_loop)

    notifications.subscribe(candidate_id, on_change)
    client.on_delete(lambda: notifications.unsubscribe(candidate_id, on_change))


def _application_item(row: ApplicationSummary) -> None:
    with ui.element("li").classes("ec-program").mark(f"application-{row.id}"):
        with ui.element("h2"):
            link = ui.link(row.program_label, f"{LIST_PATH}/{row.id}").mark(f"open-{row.id}")
            link.props["aria-label"] = _("Ouvrir la candidature : {label}").format(label=row.program_label)
        paragraph(f"{row.centre_label} · {_('Code : {code}').format(code=row.program_code)}").classes("ec-muted")
        paragraph(_("Statut du dossier : {status}").format(status=_(DOSSIER_STATUS_LABELS[row.dossier_status]))).mark(
            f"status-{row.id}"
        )
        if row.missing:
            paragraph(
                ngettext("{n} pièce manquante : {pieces}", "{n} pièces manquantes : {pieces}", len(row.missing)).format(
                    n=len(row.missing), pieces=", ".join(piece.label for piece in row.missing)
                )
            ).mark(f"missing-{row.id}")
        else:
            paragraph(_("Aucune pièce manquante")).mark(f"missing-{row.id}")
        if row.decision is not None:
            paragraph(_("Décision : {label}").format(label=row.decision.label)).classes("font-bold").mark(
                f"decision-{row.id}"
            )
        deadline_line(_("Date de retour"), row.return_by, row.return_days_left, f"return-{row.id}")
        deadline_line(
            _("Confirmer avant le"), row.confirmation_deadline, row.confirmation_days_left, f"confirm-{row.id}"
        )


def register() -> None:
    @page(LIST_PATH)
    def my_applications():
        gate = require_candidate()
        if gate.refused:
            return gate.response
        actor = gate.actor
        assert actor is not None
        with new_session() as session:
            candidate_id = own_candidate_id(session, actor=actor)
        with frame(_("Mes candidatures")):
            candidate_nav("candidatures", actor=actor)

            @ui.refreshable
            def view() -> None:
                with new_session() as session:
                    rows = list_my_applications(session, actor=actor, lang=current_language())
                if not rows:
                    paragraph(_("Vous n'avez pas encore de candidature.")).mark("no-application")
                    with ui.element("p"):
                        ui.link(_("Consulter l'offre de formation et candidater"), "/formations")
                    return
                paragraph(ngettext("{n} candidature", "{n} candidatures", len(rows)).format(n=len(rows))).mark(
                    "application-count"
                )
                with ui.element("ul").classes("ec-program-list"):
                    for row in rows:
                        _application_item(row)

            view()
            follow_candidate(candidate_id, view.refresh)
            heading(_("Suivre l'avancement"), 2).classes("mt-6")
            with ui.element("ul").classes("ec-bullets"):
                for status in DossierStatus:
                    list_item(status_text(status))
        return None
