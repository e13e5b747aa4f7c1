"""/admin/pieces: create a piece (errors next to the fields), order it, upload its template, rights by role."""

from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import RequiredDocument, StaffRole
from app.ui.page import page
from tests import factories
from tests.factories import image_bytes, pdf_bytes
from tests.ui.admin_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


async def test_the_central_office_creates_orders_and_attaches_a_template(user: User) -> None:
    make_staff("centrale", StaffRole.CENTRAL_OFFICE)
    with new_session() as session:
        factories.required_document(session, code="ID", label_fr="Pièce d'identité", display_order=10)
        session.commit()
    await sign_in(user, "centrale")
    await user.open("/admin/pieces")
    await user.should_see("Pièces justificatives")
    await user.should_see("Pièce d'identité")
    user.find(marker="add-piece").click()
    await user.should_see("Nouvelle pièce justificative")
    user.find(marker="code").type("cv")
    user.find(marker="label_en").type("CV")
    await click(user, "save")
    await user.should_see("Ce champ est obligatoire.")  # next to the French label, what was typed kept
    assert user.find(marker="code").elements.pop().value == "cv"
    user.find(marker="label_fr").type("Curriculum vitae")
    await click(user, "save")
    await user.should_see("Modèle à télécharger")
    with new_session() as session:
        piece = session.exec(select(RequiredDocument).where(RequiredDocument.code == "CV")).one()
    assert piece.display_order == 20
    upload = user.find(marker="template-upload").elements.pop()
    assert isinstance(upload, ui.upload)
    await upload.handle_uploads([ui.upload.SmallFileUpload("photo.pdf", "application/pdf", image_bytes("PNG"))])
    await user.should_see("photo.pdf : Le modèle doit être un fichier PDF.", retries=100)
    await upload.handle_uploads([ui.upload.SmallFileUpload("formulaire.pdf", "application/pdf", pdf_bytes(1))])
    await user.should_see("Modèle actuel : formulaire.pdf", retries=100)
    await user.open("/admin/pieces")
    await user.should_see("Modèle : formulaire.pdf")
    await click(user, "pieces-up-1")
    await user.should_see("Ordre enregistré.")
    with new_session() as session:
        codes = [p.code for p in session.exec(select(RequiredDocument).order_by(RequiredDocument.display_order))]
    assert codes == ["CV", "ID"]


async def test_a_centre_manager_edits_their_allowed_centre_only(user: User) -> None:
    with new_session() as session:
        allowed = factories.centre(session, managers_edit_offer=True, label_fr="UFR Sciences")
        other = factories.centre(session, label_fr="UFR Lettres")
        factories.required_document(session, code="INST", label_fr="Pièce de l'établissement")
        mine = factories.required_document(session, code="MINE", label_fr="Attestation", centre_id=allowed.id)
        theirs = factories.required_document(session, code="THEIRS", label_fr="Portfolio", centre_id=other.id)
        session.commit()
    make_staff("gest", StaffRole.CENTRE_MANAGER, centre_id=allowed.id)
    await sign_in(user, "gest")
    await user.open("/admin/pieces")  # lands on their own centre
    await user.should_see("Attestation")
    await user.should_see(marker="add-piece")
    await user.open("/admin/pieces?cible=etablissement")
    await user.should_see("Pièce de l'établissement")
    await user.should_see(marker="read-only")  # the institution's pieces are central only
    await user.should_not_see(marker="add-piece")
    await user.open(f"/admin/pieces/{mine.id}")
    await click(user, "deactivate")
    await user.should_see("Pièce désactivée.")
    await user.open(f"/admin/pieces/{theirs.id}")
    await user.should_see(marker="refusal")
    await user.should_not_see("Portfolio")
    await user.open(f"/admin/pieces?cible=centre-{other.id}")
    await user.should_see("Vous n'avez pas accès à ce périmètre.")
    with new_session() as session:
        assert not session.get(RequiredDocument, mine.id).is_active


async def test_a_read_only_role_sees_without_saving(user: User) -> None:
    make_staff("lecture", StaffRole.CENTRAL_OFFICE, read_only=True)
    with new_session() as session:
        piece = factories.required_document(session, code="ID", label_fr="Pièce d'identité")
        session.commit()
    await sign_in(user, "lecture")
    await user.open(f"/admin/pieces/{piece.id}")
    await user.should_see("Lecture seule")
    await user.should_see("Pièce d'identité")
    await user.should_not_see(marker="save")
    await user.should_not_see(marker="deactivate")
    await user.should_not_see(marker="template-upload")


async def test_the_candidate_downloads_the_template_from_their_piece(user: User) -> None:
    from app.services.admin import pieces as admin_pieces
    from app.services.platform.actors import Actor
    from app.ui.piece_upload import piece_upload

    with new_session() as session:
        account = factories.account(session)
        candidate = factories.candidate(session, account_id=account.id)
        program = factories.program(session)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        required = factories.required_document(session, program_id=program.id, label_fr="Fiche pédagogique")
        piece = factories.submitted_document(session, application_id=application.id, required_document_id=required.id)
        admin = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
        admin_pieces.set_template(
            session,
            actor=admin,
            piece_id=required.id,
            expected_version=required.version,
            filename="fiche.pdf",
            data=pdf_bytes(1),
        )
        session.commit()
    actor = Actor("candidate", account_id=account.id)

    @page("/essai-modele")
    async def piece_page() -> None:
        await piece_upload(piece.id, actor=actor)

    await user.open("/essai-modele")
    await user.should_see("Fiche pédagogique")
    user.find(marker="piece-template").click()
    response = await user.download.next()
    assert response.content.startswith(b"%PDF-")
