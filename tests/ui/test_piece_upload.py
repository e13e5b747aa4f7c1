"""The piece widget: upload through ui.upload, files listed with pages, a refusal shown next to the piece."""

from nicegui import ui
from nicegui.testing import User

from app.db import new_session
from app.services.actors import Actor
from app.ui.page import page
from app.ui.piece_upload import piece_upload
from tests import factories
from tests.factories import pdf_bytes


async def test_upload_list_and_refusal(user: User) -> None:
    with new_session() as session:
        account = factories.account(session)
        candidate = factories.candidate(session, account_id=account.id)
        program = factories.program(session)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        required = factories.required_document(session, program_id=program.id, label_fr="Relevé de notes")
        piece = factories.submitted_document(session, application_id=application.id, required_document_id=required.id)
        session.commit()
        actor = Actor("candidate", account_id=account.id)

    @page("/essai-piece")
    async def piece_page() -> None:
        await piece_upload(piece.id, actor=actor)

    await user.open("/essai-piece")
    await user.should_see("Relevé de notes")
    user.find(marker="piece-add-files").click()  # the upload area is drawn on demand
    await user.should_see(marker="piece-upload")
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([ui.upload.SmallFileUpload("notes.pdf", "application/pdf", pdf_bytes(2))])
    await user.should_see("notes.pdf — 2 pages", retries=100)
    await user.should_see("Transmise")
    user.find(marker="piece-add-files").click()  # the piece was redrawn: a new upload area
    await user.should_see(marker="piece-upload")
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([ui.upload.SmallFileUpload("faux.pdf", "application/pdf", b"MZ\x90\x00")])
    await user.should_see("faux.pdf : Seuls les fichiers PDF, JPEG et PNG sont acceptés.", retries=100)
