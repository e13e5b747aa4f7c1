"""/gestion/candidatures/{id}: one application as staff see it, under the candidate's editing lease.

The page loads one plain view from ``staff_review`` (the load is the audited « view »), takes the candidate's
lease when the role may review, and draws the sections (``staff_application_sections``); all of it is read in a
worker thread, never on the event loop. Each button calls one service in its own transaction (in a worker thread
too); a refusal is shown next to the button. Every committed change of the candidate's applications — this page's
own actions, a colleague's, the candidate's, a job's — announces itself after the commit
(``app.services.platform.notifications``, staff-only changes included), and the page reads the application again and
redraws every section, the summary included, from that one event; a status line says so to screen readers. Two
file routes serve the pieces' merged PDFs (for the in-page viewer and download) and the dossier PDF, both
scope-checked and audited.
"""

import logging
from dataclasses import dataclass

from fastapi import Request, Response
from nicegui import app, context, run, ui

from app import clock
from app.db import transaction
from app.i18n import _
from app.models import ActorKind
from app.pages import staff_application_scoring as scoring
from app.pages import staff_application_sections as sections
from app.pages.applications import follow_candidate
from app.pages.pdf_files import dossier_pdf, pdf_response, staff_asking
from app.services.applications import DOSSIER_STATUS_LABELS
from app.services.decisions import DecisionPanelView
from app.services.platform import Actor, DomainError, leases
from app.services.review import staff_view as staff_review
from app.services.scoring import ScoringView
from app.ui import routes
from app.ui.dates import format_moment
from app.ui.decision_panel import load_panel_view
from app.ui.drafts import Drafts
from app.ui.email_bounce import staff_badge_html
from app.ui.frame import frame
from app.ui.guards import open_or_refuse, require_staff
from app.ui.latest_read import LatestRead
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import Text, link_tag, paragraph, static_block, tag, text_tag

log = logging.getLogger(__name__)

PAGE_PATH = routes.STAFF_APPLICATION
PIECE_PATH = routes.STAFF_PIECE_PDF
DOSSIER_PATH = routes.STAFF_APPLICATION_DOSSIER_PDF


def _lease_banner(view: staff_review.StaffApplicationView) -> None:
    lease = view.lease
    if lease is None:
        return
    if lease.holder_kind == ActorKind.CANDIDATE:
        text = _("Le candidat ({name}) modifie son dossier en ce moment : vous le consultez en lecture seule.")
    else:
        text = _("{name} modifie ce dossier en ce moment : vous le consultez en lecture seule.")
    banner = paragraph(text.format(name=lease.holder_label)).classes("text-negative font-bold").mark("lease-held")
    banner.props["role"] = "alert"


@dataclass
class _Loaded:
    """What the page draws, read in a worker thread: the application, its decision panel, and the lease taken."""

    view: staff_review.StaffApplicationView
    panel: DecisionPanelView | None
    scoring: ScoringView | None = None
    held: bool = False
    lease_resource: str | None = None
    heartbeat_seconds: float = 0.0


def _open(actor: Actor, application_id: int, lang: str, client_id: str, label: str) -> _Loaded:
    """Open the application (the audited view), then take the candidate's lease when the role may review."""
    with transaction() as session:
        view = staff_review.open_application_for_staff(session, actor=actor, application_id=application_id, lang=lang)
    loaded = _Loaded(view=view, panel=None)
    if view.can_review:
        with transaction() as session:
            state = staff_review.hold_lease(
                session, actor=actor, application_id=application_id, client_id=client_id, label=label
            )
        if state.held and state.lease is not None:
            loaded.held, loaded.lease_resource = True, state.lease.resource
            loaded.heartbeat_seconds = leases.heartbeat_seconds()
    loaded.panel = load_panel_view(actor, application_id, lang)
    loaded.scoring = scoring.load_scoring(actor, application_id, lang)
    return loaded


def _reopen(
    actor: Actor, application_id: int, lang: str
) -> tuple[staff_review.StaffApplicationView, DecisionPanelView | None, ScoringView | None]:
    """The application again after a committed change (audited already: no new « view »)."""
    with transaction() as session:
        view = staff_review.open_application_for_staff(
            session, actor=actor, application_id=application_id, lang=lang, record_view=False
        )
    return view, load_panel_view(actor, application_id, lang), scoring.load_scoring(actor, application_id, lang)


def _renew_lease(actor: Actor, application_id: int, client_id: str, label: str) -> None:
    try:
        with transaction() as session:
            staff_review.hold_lease(
                session, actor=actor, application_id=application_id, client_id=client_id, label=label
            )
    except DomainError:  # the role was withdrawn meanwhile: the next save says so
        pass


def _release_lease(resource: str, client_id: str) -> None:
    with transaction() as session:
        leases.release(session, resource=resource, client_id=client_id)


def _keep_lease(loaded: _Loaded, actor: Actor, application_id: int, label: str) -> None:
    """Renew the lease the page took while it stays open; release it when it goes (both in a worker thread)."""
    client_id = context.client.id
    resource = loaded.lease_resource
    assert resource is not None

    async def heartbeat() -> None:
        await run.io_bound(_renew_lease, actor, application_id, client_id, label)

    async def release() -> None:
        await run.io_bound(_release_lease, resource, client_id)

    ui.timer(loaded.heartbeat_seconds, heartbeat)
    context.client.on_disconnect(release)


def _summary(view: staff_review.StaffApplicationView, application_id: int) -> None:
    application = view.application
    status = _("Statut du dossier : {status}, depuis le {date}").format(
        status=_(DOSSIER_STATUS_LABELS[application.dossier_status]), date=format_moment(application.dossier_status_at)
    )
    static_block(
        text_tag("p", _("Numéro de dossier : {number}").format(number=view.dossier_number), data_mark="dossier-number")
        + text_tag(
            "p", _("Formation : {program} ({centre})").format(program=view.program_label, centre=view.centre_label)
        )
        + text_tag("p", status, data_mark="summary-status")
        + staff_badge_html(view.dossier.account)
        + tag(
            "p",
            link_tag(
                _("Télécharger le dossier (PDF)"),
                DOSSIER_PATH.format(application_id=application_id),
                data_mark="download-dossier",
            ),
        ),
        "section",
    ).mark("summary")


async def _page(actor: Actor, application_id: int, label: str) -> None:
    lang = current_language()
    back = (_("Retour à l'espace de gestion"), routes.STAFF_HOME)
    loaded = await open_or_refuse(
        _("Candidature"), _open, actor, application_id, lang, context.client.id, label, back=back
    )
    if loaded is None:
        return
    view, held = loaded.view, loaded.held
    if held:
        _keep_lease(loaded, actor, application_id, label)
    state = {"view": view, "panel": loaded.panel, "scoring": loaded.scoring}
    reads = LatestRead()  # two changes in a row: the application as the latest read found it is drawn
    drafts = Drafts()  # what the reader typed or opened, kept when a change redraws the page

    @ui.refreshable
    def body() -> None:
        current = state["view"]
        _summary(current, application_id)
        if not held:
            _lease_banner(current)
        if not current.can_review:
            paragraph(_("Votre rôle permet de consulter ce dossier, pas de le modifier.")).mark("read-only")
        sections.draw(current, state["panel"], actor=actor, editable=held, drafts=drafts, scoring=state["scoring"])

    async def reload() -> None:
        """A committed change of the candidate's applications: read the application again, redraw every section."""
        try:
            reopened = await reads.run(_reopen, actor, application_id, lang)
        except DomainError:  # the role lost this application meanwhile: what is drawn stays, its next action says so
            return
        if reopened is None:
            return
        state["view"], state["panel"], state["scoring"] = reopened
        body.refresh()
        updated.set_text(_("Dossier mis à jour à {time}.").format(time=clock.paris(clock.now()).strftime("%H:%M")))

    title = _("Candidature : {name}").format(name=view.candidate_name)
    with frame(title):
        # Announces the redraws (role=status: read out without moving the focus).
        updated = Text("", "p").classes("ec-muted").mark("live-status")
        updated.props["role"] = "status"
        body()
        ui.link(_("Retour à l'espace de gestion"), routes.STAFF_HOME).classes("mt-6")
    follow_candidate(view.candidate_id, reload, staff=True)


def register() -> None:
    @page(PAGE_PATH)
    async def staff_application(application_id: int):
        gate = await require_staff()
        if gate.refused:
            return gate.response
        assert gate.actor is not None and gate.identity is not None
        await _page(gate.actor, application_id, gate.identity.display_name)
        return None

    @app.get(PIECE_PATH, include_in_schema=False)
    def staff_piece(request: Request, submitted_document_id: int) -> Response:
        actor = staff_asking(request)
        if isinstance(actor, Response):
            return actor
        try:
            with transaction() as session:
                filename, data = staff_review.read_piece_pdf(
                    session, actor=actor, submitted_document_id=submitted_document_id
                )
        except DomainError:
            return Response(status_code=404)  # outside the scope, or no file: nothing to reveal
        return pdf_response(data, filename, inline=request.query_params.get("telecharger") != "1")

    @app.get(DOSSIER_PATH, include_in_schema=False)
    async def staff_dossier(request: Request, application_id: int) -> Response:
        return await dossier_pdf(staff_asking(request), application_id, staff_review.dossier_pdf_context_for_staff)
