"""The offer, applying, the « Candidatures » list, an opened application, cancelling, live updates, assistance."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from nicegui.testing import User
from sqlmodel import select

from app.db import new_session, transaction
from app.models import Account, Application, DocumentStatus, DossierStatus, OutboxMail, Program
from app.services.accounts.passwords import hash_password
from app.services.applications.applying import apply_to_program
from app.services.platform import notifications
from app.services.platform.actors import Actor
from tests import factories
from tests.conftest import SHOULD_SEE_SECONDS
from tests.ui.handler_clicks import click
from tests.ui.static_html import marked, page_blocks, should_see_marked

PASSWORD = "Solide-Passe-2026"
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@dataclass
class Setup:
    email: str
    account_id: int
    candidate_id: int
    open_program: Program
    upcoming: Program
    closed: Program
    campaign_id: int


@pytest.fixture
def setup(database_url: str, clock) -> Setup:
    clock.set(NOW)
    with new_session() as session:
        campaign = factories.campaign(session)
        centre = factories.centre(session, label_fr="UFR Sciences")
        committee = factories.committee(session, centre.id)
        kw = dict(campaign_id=campaign.id, centre_id=centre.id, committee_id=committee.id)
        open_program = factories.program(session, label_fr="Master Chimie", **kw)
        upcoming = factories.program(
            session,
            label_fr="Master Physique",
            window_opens_at=NOW + timedelta(days=5),
            window_closes_at=NOW + timedelta(days=20),
            return_by=NOW + timedelta(days=25),
            **kw,
        )
        closed = factories.program(
            session,
            label_fr="Master Histoire",
            window_opens_at=NOW - timedelta(days=20),
            window_closes_at=NOW - timedelta(days=5),
            return_by=NOW - timedelta(days=1),
            **kw,
        )
        factories.required_document(session, label_fr="Curriculum vitae")
        account = factories.account(session, password_hash=hash_password(PASSWORD))
        candidate = factories.complete_candidate(session, account_id=account.id)
        session.commit()
        return Setup(account.email, account.id, candidate.id, open_program, upcoming, closed, campaign.id)


async def sign_in(user: User, email: str, then: str) -> None:
    await user.open(f"/connexion?suite={then}")
    user.find(marker="login").type(email)
    user.find(marker="password").type(PASSWORD)
    await click(user, "sign-in")  # waits for the check (a worker thread) and the landing (a new session, a redirect)
    await user.should_see(marker="signed-in-name")


def applications() -> list[Application]:
    with new_session() as session:
        return list(session.exec(select(Application)).all())


def apply(setup: Setup, program: Program | None = None) -> Application:
    with transaction() as session:
        return apply_to_program(
            session,
            actor=Actor("candidate", account_id=setup.account_id),
            program_id=(program or setup.open_program).id,
        )


async def test_anonymous_visitors_see_the_whole_offer_with_dates(user: User, setup: Setup) -> None:
    await user.open("/formations")
    await user.should_see("Master Chimie")
    await user.should_see("Master Physique")  # not open yet, shown with its dates
    await user.should_see("Master Histoire")  # closed, shown too
    assert marked(user, f"sign-in-{setup.open_program.code}") is not None
    await user.should_see("pas encore ouvertes")
    await user.should_see("Candidatures closes depuis le")
    await user.should_see("Curriculum vitae")
    assert marked(user, f"sign-in-{setup.closed.code}") is None
    user.find(marker="search").type("physique")
    await user.should_not_see("Master Chimie")
    await user.should_see("Master Physique")


async def test_apply_from_the_offer_and_a_double_click_creates_one(user: User, setup: Setup) -> None:
    await sign_in(user, setup.email, "/formations")
    await user.should_see(marker=f"apply-{setup.open_program.code}", retries=50)  # the landing page drawn
    await user.should_not_see(marker=f"apply-{setup.upcoming.code}")
    await user.should_not_see(marker=f"apply-{setup.closed.code}")
    user.find(marker=f"apply-{setup.open_program.code}").click()
    button = user.find(marker="apply-confirm")
    # Two clicks reach the server before the first answer: the second finds the button disabled.
    button.trigger("click")
    button.trigger("click")
    await user.should_see(marker=f"applied-{setup.open_program.code}", retries=50)  # applied in a worker thread
    assert len(applications()) == 1
    with new_session() as session:
        assert session.exec(select(OutboxMail).where(OutboxMail.code == "application_created")).one()


async def test_the_offer_is_the_current_entry_of_a_signed_in_candidates_nav_on_the_offers_page(
    user: User, setup: Setup
) -> None:
    await sign_in(user, setup.email, "/formations")
    offer = await should_see_marked(user, "nav-offre", retries=50)
    assert offer.attrs.get("aria-current") == "page"
    await user.open("/candidat/candidatures")
    offer = await should_see_marked(user, "nav-offre")
    assert "aria-current" not in offer.attrs
    assert (await should_see_marked(user, "nav-candidatures")).attrs.get("aria-current") == "page"


async def test_candidater_asks_first_naming_the_programme_and_its_closing_date(user: User, setup: Setup) -> None:
    """« Candidater » opens a confirmation naming the programme and when applications close; « Non, revenir »
    creates nothing, « Oui, candidater » applies."""
    await sign_in(user, setup.email, "/formations")
    await user.should_see(marker=f"apply-{setup.open_program.code}", retries=50)  # the landing page drawn
    user.find(marker=f"apply-{setup.open_program.code}").click()
    await user.should_see(marker="apply-dialog")
    await user.should_see("Candidater à « Master Chimie » ?")
    await user.should_see("Les candidatures à cette formation sont ouvertes jusqu'au 20 mars 2026")
    await user.should_see("transmettre votre candidature jusqu'au 25 mars 2026")
    user.find(marker="apply-keep").click()
    assert applications() == []
    user.find(marker=f"apply-{setup.open_program.code}").click()
    await click(user, "apply-confirm")
    await user.should_see(marker=f"applied-{setup.open_program.code}", retries=50)  # applied in a worker thread
    assert [a.program_id for a in applications()] == [setup.open_program.id]


async def test_list_shows_status_missing_pieces_and_days_left(user: User, setup: Setup) -> None:
    application = apply(setup)
    await sign_in(user, setup.email, "/candidat/candidatures")
    await should_see_marked(user, f"application-{application.id}")
    await user.should_see("Statut du dossier : En attente")
    await user.should_see("1 pièce manquante : Curriculum vitae")
    await user.should_see("15 jours restants")  # return date: NOW + 15 days
    await user.should_see(marker="assistance")


async def test_cancel_with_confirmation(user: User, setup: Setup) -> None:
    application = apply(setup)
    await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
    await user.should_see("En attente : Votre dossier n'a pas encore été réceptionné par nos services.")
    await user.should_see(marker="pieces")
    user.find(marker="cancel-application").click()
    await user.should_see(marker="cancel-dialog")
    user.find(marker="cancel-keep").click()
    assert applications()[0].cancelled_at is None
    user.find(marker="cancel-application").click()
    user.find(marker="cancel-confirm").click()
    await should_see_marked(user, "no-application", retries=50)  # a worker thread, then the list
    assert applications()[0].cancelled_at is not None


async def test_cancel_is_absent_once_a_manager_acted(user: User, setup: Setup) -> None:
    application = apply(setup)
    with transaction() as session:
        row = session.get(Application, application.id)
        row.dossier_status = DossierStatus.INCOMPLETE
        session.add(row)
    await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
    await should_see_marked(user, "dossier-status")
    await user.should_see("Incomplet")
    await user.should_not_see(marker="cancel-application")


async def test_an_archived_campaigns_application_is_shown_read_only(user: User, setup: Setup) -> None:
    from app import clock as app_clock
    from app.models import Campaign

    application = apply(setup)
    with transaction() as session:
        campaign = session.get(Campaign, setup.campaign_id)
        campaign.is_active, campaign.archived_at = False, app_clock.now()
        session.add(campaign)
    await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
    await user.should_see(marker="archived-notice")
    await should_see_marked(user, "dossier-status")
    await user.should_not_see(marker="cancel-application")


async def test_live_update_reaches_the_open_page(user: User, setup: Setup) -> None:
    application = apply(setup)
    await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
    await user.should_see("En attente : Votre dossier n'a pas encore été réceptionné par nos services.")
    assert notifications.subscriber_count(setup.candidate_id) >= 1
    # What a staff service will do: change the status and announce it in the same transaction.
    with transaction() as session:
        row = session.get(Application, application.id)
        row.dossier_status = DossierStatus.RECEIVED
        session.add(row)
        notifications.notify_candidate(session, setup.candidate_id)
    await user.should_see("Réceptionné : Le service de scolarité a reçu votre dossier.")
    await user.should_not_see(marker="cancel-application")


async def test_live_update_reaches_the_open_list(user: User, setup: Setup) -> None:
    await sign_in(user, setup.email, "/candidat/candidatures")
    await should_see_marked(user, "no-application")
    application = apply(setup)  # from another tab: the list follows
    # The commit's notice reaches the page on the event loop, which reads the list again in a worker thread: nothing
    # of the test's own to wait for, so look until the redrawn list shows the application.
    await should_see_marked(user, f"application-{application.id}", timeout=30)


async def test_another_candidates_application_is_not_shown(user: User, setup: Setup) -> None:
    with new_session() as session:
        other = factories.complete_candidate(session)
        session.commit()
        foreign = factories.application(session, candidate_id=other.id, program=setup.open_program)
        session.commit()
    await sign_in(user, setup.email, f"/candidat/candidatures/{foreign.id}")
    await user.should_see(marker="not-found")
    await user.should_not_see(marker="cancel-application")


async def test_assistance_request(user: User, setup: Setup) -> None:
    await sign_in(user, setup.email, "/candidat/candidatures")
    await user.should_see(marker="assistance")
    user.find(marker="assistance").click()
    await user.should_see(marker="assistance-dialog")
    user.find(marker="assistance-send").click()
    await user.should_see("Indiquez l'objet de votre demande.")
    user.find(marker="assistance-subject").type("Relevé de notes")
    user.find(marker="assistance-message").type("Je n'arrive pas à déposer mon relevé.")
    user.find(marker="assistance-send").click()
    await user.should_see("Votre demande a été envoyée")
    with new_session() as session:
        mail = session.exec(select(OutboxMail).where(OutboxMail.code == "assistance_request")).one()
        number = session.get(Account, setup.account_id).dossier_number
    assert mail.cc_addresses == [setup.email] and number in mail.body_text


async def test_upload_every_piece_then_transmit(user: User, setup: Setup) -> None:
    """The guide's journey: the pieces are deposited on the application, then « Transmettre » receives it."""
    from nicegui import ui

    from app.models import DossierStatus, OutboxMail
    from app.services.documents import pdf_sandbox
    from tests.factories import pdf_bytes
    from tests.test_documents import normalise_in_process

    pdf_sandbox_normalise = pdf_sandbox.normalise
    pdf_sandbox.normalise = normalise_in_process  # the sandbox's child process is tested on its own
    try:
        application = apply(setup)
        await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
        await should_see_marked(user, "transmit-blocked")
        await user.should_see("Curriculum vitae")
        user.find(marker="piece-add-files").click()  # the upload area is drawn on demand
        await user.should_see(marker="piece-upload")
        upload = user.find(ui.upload).elements.pop()
        await upload.handle_uploads([ui.upload.SmallFileUpload("cv.pdf", "application/pdf", pdf_bytes(1))])
        await user.should_see("cv.pdf — 1 page", retries=100)
        await user.should_see(marker="transmit-application", retries=100)
        user.find(marker="transmit-application").click()
        await user.should_see("Votre candidature a été transmise", retries=100)
    finally:
        pdf_sandbox.normalise = pdf_sandbox_normalise
    stored = applications()[0]
    assert stored.dossier_status == DossierStatus.RECEIVED
    with new_session() as session:
        receipts = session.exec(select(OutboxMail).where(OutboxMail.code == "dossier_received")).all()
    assert len(receipts) == 1 and "Curriculum vitae" in receipts[0].body_text
    await should_see_marked(user, "download-dossier")


async def test_a_live_redraw_keeps_the_piece_being_filled(user: User, setup: Setup) -> None:
    """Each file added is a committed change, so the page is redrawn while the candidate uploads: the piece's upload
    area stays (its button keeps the keyboard focus, the files sent are not dropped) and so do the outcomes it has
    announced."""
    import asyncio

    from nicegui import ui

    from app.services.documents import pdf_sandbox
    from app.ui.text import Text
    from tests.factories import pdf_bytes
    from tests.test_documents import normalise_in_process

    pdf_sandbox_normalise = pdf_sandbox.normalise
    pdf_sandbox.normalise = normalise_in_process  # the sandbox's child process is tested on its own
    try:
        application = apply(setup)
        await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
        await user.should_see("Curriculum vitae")
        redrawn = user.find(marker="pieces").elements.pop()  # a section the live redraw draws again
        button = user.find(marker="piece-add-files").elements.pop()
        user.find(marker="piece-add-files").click()
        await user.should_see(marker="piece-upload")
        upload = user.find(ui.upload).elements.pop()
        status = user.find(marker="piece-upload-status").elements.pop()
        selection = [
            ui.upload.SmallFileUpload("cv.pdf", "application/pdf", pdf_bytes(1)),
            ui.upload.SmallFileUpload("annexe.pdf", "application/pdf", pdf_bytes(2)),
        ]
        await upload.handle_uploads(selection)
        await user.should_see("annexe.pdf — 2 pages", retries=100)
        for _ in range(100):  # the live update of the last commit
            if redrawn.is_deleted:
                break
            await asyncio.sleep(0.05)
        assert redrawn.is_deleted
    finally:
        pdf_sandbox.normalise = pdf_sandbox_normalise
    assert not button.is_deleted and not upload.is_deleted and not status.is_deleted
    assert user.find(marker="piece-upload-status").elements == {status}
    lines = [line.text for line in status.descendants() if isinstance(line, Text)]
    assert lines == ["cv.pdf : Ajouté à la pièce.", "annexe.pdf : Ajouté à la pièce."]


async def test_a_disabled_transmit_lists_what_is_left_and_non_concerne_is_answered_from_that_list(
    user: User, setup: Setup
) -> None:
    """A conditional piece (MDPH) is missing until answered: the disabled « Transmettre » is described by the list of
    what is left (dossier section, pieces, question), and that list holds the piece's « Non concerné »."""
    from app.models import Address, SubmittedDocument

    with transaction() as session:
        mdph = factories.required_document(session, label_fr="Attestation MDPH", is_conditional=True)
        factories.question(session, program_id=setup.open_program.id, label_fr="Êtes-vous boursier ?")
    application = apply(setup)
    with transaction() as session:
        piece = session.exec(
            select(SubmittedDocument).where(
                SubmittedDocument.application_id == application.id,
                SubmittedDocument.required_document_id == mdph.id,
            )
        ).one()
        address = session.exec(select(Address).where(Address.candidate_id == setup.candidate_id)).one()
        address.line1 = ""  # emptied after applying
        session.add(address)
    await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
    why = await should_see_marked(user, "transmit-blocked")
    assert why.attrs["id"] == "transmit-why" and "Il reste" in why.text
    button = user.find(marker="transmit-disabled").elements.pop()
    assert not button.enabled and button.props["aria-describedby"] == "transmit-why"
    await user.should_not_see(marker="transmit-application")
    left = marked(user, "left-section-address")
    assert left is not None and left.find("a")[0].attrs["href"] == "/candidat/dossier/adresse"
    await user.should_see("Pièce à déposer : Curriculum vitae")
    await user.should_see("Pièce à déposer si vous êtes concerné : Attestation MDPH")
    await user.should_see("Question sans réponse : Êtes-vous boursier ?")
    not_concerned = user.find(marker=f"not-applicable-{piece.id}").elements.pop()
    assert not_concerned.props["aria-label"] == "Non concerné : Attestation MDPH"

    await click(user, f"not-applicable-{piece.id}")
    await user.should_see("« Attestation MDPH » : vous n'êtes pas concerné, la pièce n'est plus demandée.")
    await user.should_not_see("Pièce à déposer si vous êtes concerné : Attestation MDPH")
    await user.should_see("Pièce à déposer : Curriculum vitae")  # what is still left stays listed
    with new_session() as session:
        assert session.get(SubmittedDocument, piece.id).status == DocumentStatus.NOT_APPLICABLE


async def test_a_piece_with_files_reads_deposee_until_the_application_is_transmitted(user: User, setup: Setup) -> None:
    """Before « Transmettre » nothing has reached the committee: the piece reads « Déposée » (its card, the list of
    pieces) and its PDF « will be » sent; once transmitted, « Transmise »."""
    from nicegui import ui

    from app.services.documents import pdf_sandbox
    from tests.factories import pdf_bytes
    from tests.test_documents import normalise_in_process

    pdf_sandbox_normalise = pdf_sandbox.normalise
    pdf_sandbox.normalise = normalise_in_process  # the sandbox's child process is tested on its own
    try:
        application = apply(setup)
        await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
        user.find(marker="piece-add-files").click()
        await user.should_see(marker="piece-upload")
        upload = user.find(ui.upload).elements.pop()
        await upload.handle_uploads([ui.upload.SmallFileUpload("cv.pdf", "application/pdf", pdf_bytes(1))])
        await user.should_see("cv.pdf — 1 page", retries=100)  # the card redrawn with its file…
        await user.should_see(marker="transmit-application", retries=100)  # …and « Transmettre » offered
        assert (await should_see_marked(user, "piece-status")).text == "Déposée"
        await user.should_see("Document qui sera transmis au jury : 1 page")
        # The list of pieces is drawn again by the live update of the upload (its commit announced, the page read
        # again in a worker thread), which may come after the card that the upload itself redrew: wait for it.
        piece = f"piece-{application_piece(application.id)}"
        listed = await should_see_marked(user, piece, containing="Déposée", timeout=SHOULD_SEE_SECONDS)
        assert "Transmise" not in listed.text
        await user.should_not_see("Transmise")

        await click(user, "transmit-application")
        await user.should_see("Votre candidature a été transmise", retries=100)
    finally:
        pdf_sandbox.normalise = pdf_sandbox_normalise
    await user.should_see("Document transmis au jury : 1 page")
    assert (await should_see_marked(user, "piece-status")).text == "Transmise"
    assert "Transmise" in marked(user, f"piece-{application_piece(application.id)}").text


def application_piece(application_id: int) -> int:
    """The required document id of the application's one piece (the list of pieces marks each by it)."""
    from app.models import SubmittedDocument

    with new_session() as session:
        return session.exec(
            select(SubmittedDocument.required_document_id).where(SubmittedDocument.application_id == application_id)
        ).one()


async def test_voir_opens_the_pieces_viewer_and_downloading_is_a_separate_link(user: User, setup: Setup) -> None:
    """« Voir » downloaded the file; it now opens the merged PDF in a viewer inside the piece's card (and closes it),
    and « Télécharger » is a link of its own."""
    from nicegui import ui

    from app.services.documents import pdf_sandbox
    from tests.factories import pdf_bytes
    from tests.test_documents import normalise_in_process

    pdf_sandbox_normalise = pdf_sandbox.normalise
    pdf_sandbox.normalise = normalise_in_process  # the sandbox's child process is tested on its own
    try:
        application = apply(setup)
        await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
        user.find(marker="piece-add-files").click()
        await user.should_see(marker="piece-upload")
        upload = user.find(ui.upload).elements.pop()
        await upload.handle_uploads([ui.upload.SmallFileUpload("cv.pdf", "application/pdf", pdf_bytes(2))])
        await user.should_see("cv.pdf — 2 pages", retries=100)
    finally:
        pdf_sandbox.normalise = pdf_sandbox_normalise
    view = user.find(marker="piece-view").elements.pop()
    assert view.props["aria-label"] == "Voir la pièce « Curriculum vitae »"
    assert view.props["aria-expanded"] == "false"
    await user.should_not_see(marker="piece-viewer")
    user.find(marker="piece-view").click()
    await user.should_see(marker="piece-viewer")
    viewer = user.find(marker="piece-viewer").elements.pop()
    card = user.find(marker="piece-add-files").elements.pop().parent_slot.parent  # the card holds its button
    assert viewer in card.descendants() and view.props["aria-expanded"] == "true"
    shown = await user.http_client.get(viewer.props["src"])
    assert shown.status_code == 200 and shown.headers["content-disposition"].startswith("inline;")
    assert shown.content.startswith(b"%PDF")

    download = await should_see_marked(user, "piece-download")
    assert download.tag == "a" and download.attrs["href"].endswith("?telecharger=1")
    assert download.attrs["aria-label"] == "Télécharger la pièce « Curriculum vitae » (PDF)"
    fetched = await user.http_client.get(download.attrs["href"])
    assert fetched.status_code == 200 and fetched.headers["content-disposition"].startswith("attachment;")
    user.find(marker="piece-view").click()
    await user.should_not_see(marker="piece-viewer")
    assert (await user.http_client.get("/candidat/pieces/999999.pdf")).status_code == 404


async def test_voir_la_formation_and_the_dossier_download_are_separate_links(user: User, setup: Setup) -> None:
    """« Voir la formation » sat right above « Télécharger mon dossier (PDF) », two links with nothing telling them
    apart: the programme's link now goes with the programme (under its centre and code) and names it, the dossier's
    is a download of its own, in another paragraph."""
    with transaction() as session:
        program = session.get(Program, setup.open_program.id)
        program.info_url = "https://formations.example/master-chimie"
        session.add(program)
    application = apply(setup)
    await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
    await should_see_marked(user, "dossier-status")
    paragraphs = [node for node in page_blocks(user).walk() if node.tag in ("p", "h2")]
    texts = [node.text for node in paragraphs]
    program_link = marked(user, "program-info")
    download = marked(user, "download-dossier")
    assert program_link is not None and download is not None
    assert program_link.attrs["href"] == "https://formations.example/master-chimie"
    assert program_link.attrs["aria-label"] == "Voir la formation : Master Chimie"
    assert "download" in download.attrs and download.attrs["href"].endswith("/dossier.pdf")
    holder = next(node for node in paragraphs if program_link in node.walk())
    assert download not in holder.walk()  # not one paragraph for both
    place = texts.index("UFR Sciences · Code : " + setup.open_program.code)
    assert paragraphs[place + 1] is holder  # right under the programme's centre and code


async def test_the_missing_list_has_non_concerne_beside_a_conditional_piece(user: User, setup: Setup) -> None:
    """In « Statut », the list of pieces (« Pièces manquantes : 2 »), a missing conditional piece has its « Non
    concerné » right beside it; pressed, the piece is answered and no longer counted missing."""
    from app.models import SubmittedDocument

    with transaction() as session:
        mdph = factories.required_document(session, label_fr="Attestation MDPH", is_conditional=True)
    application = apply(setup)
    with new_session() as session:
        rows = session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application.id))
        ids = {row.required_document_id: row.id for row in rows}
    piece_id = ids.pop(mdph.id)
    (cv_id,) = ids.values()
    await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
    await should_see_marked(user, "missing-count")
    await user.should_see("Pièces manquantes : 2")
    section = user.find(marker="pieces").elements.pop()
    button = user.find(marker=f"missing-not-applicable-{piece_id}").elements.pop()
    assert button in section.descendants()
    item = button.parent_slot.parent  # the list item of the piece: its words, then the button
    with user:
        words = [child for child in item if child is not button]
    assert "Attestation MDPH" in words[0].content and button.props["aria-label"] == "Non concerné : Attestation MDPH"
    await user.should_not_see(marker=f"missing-not-applicable-{cv_id}")  # a mandatory piece has no such button

    await click(user, f"missing-not-applicable-{piece_id}")
    await user.should_see("Pièces manquantes : 1")
    await user.should_not_see(marker=f"missing-not-applicable-{piece_id}")
    with new_session() as session:
        assert session.get(SubmittedDocument, piece_id).status == DocumentStatus.NOT_APPLICABLE
