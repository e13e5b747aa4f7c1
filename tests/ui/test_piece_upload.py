"""The piece widget: upload through ui.upload, files listed with pages, a refusal shown next to the piece."""

import pytest
from nicegui import ui
from nicegui.testing import User

from app.db import new_session
from app.services.documents import pdf_sandbox
from app.services.documents import pieces as documents
from app.services.platform.actors import Actor
from app.ui.page import page
from app.ui.piece_upload import piece_upload
from app.ui.text import Text
from tests import factories
from tests.factories import pdf_bytes
from tests.test_documents import normalise_in_process


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
    await user.should_see("Déposée")  # nothing transmitted yet
    user.find(marker="piece-add-files").click()  # the piece was redrawn: a new upload area
    await user.should_see(marker="piece-upload")
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([ui.upload.SmallFileUpload("faux.pdf", "application/pdf", b"MZ\x90\x00")])
    await user.should_see("faux.pdf : Seuls les fichiers PDF, JPEG et PNG sont acceptés.", retries=100)


def a_piece(label: str = "Relevé de notes") -> tuple[Actor, int]:
    """A candidate's application with one piece to fill; (the candidate, the piece's id)."""
    with new_session() as session:
        account = factories.account(session)
        candidate = factories.candidate(session, account_id=account.id)
        program = factories.program(session)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        required = factories.required_document(session, program_id=program.id, label_fr=label)
        piece = factories.submitted_document(session, application_id=application.id, required_document_id=required.id)
        session.commit()
        return Actor("candidate", account_id=account.id), piece.id


async def open_upload(user: User, actor: Actor, piece_id: int, path: str) -> ui.upload:
    @page(path)
    async def piece_page() -> None:
        await piece_upload(piece_id, actor=actor)

    await user.open(path)
    user.find(marker="piece-add-files").click()  # the upload area is drawn on demand
    await user.should_see(marker="piece-upload")
    return user.find(ui.upload).elements.pop()


def status_lines(user: User) -> list[str]:
    region = user.find(marker="piece-upload-status").elements.pop()
    return [line.text for line in region.descendants() if isinstance(line, Text)]


@pytest.mark.parametrize("count", [2, 5])
async def test_files_chosen_together_are_all_added_in_the_order_chosen(
    user: User, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """The guide's main use: several transcripts chosen at once make one piece, in the order chosen."""
    monkeypatch.setattr(pdf_sandbox, "normalise", normalise_in_process)
    actor, piece_id = a_piece()
    upload = await open_upload(user, actor, piece_id, f"/essai-selection-{count}")
    names = [f"relevé {letter}.pdf" for letter in "EBDAC"[:count]]  # neither alphabetical nor reversed
    selection = [
        ui.upload.SmallFileUpload(name, "application/pdf", pdf_bytes(n, text=f"{n} "))
        for n, name in enumerate(names, start=1)
    ]
    await upload.handle_uploads(selection)
    for name in names:
        await user.should_see(f"{name} : Ajouté à la pièce.", retries=100)
    await user.should_see(f"{names[-1]} — {count} pages", retries=100)

    listed = user.find(marker="piece-files").elements.pop()
    assert [label.text.split(" — ")[0] for label in listed.descendants() if isinstance(label, ui.label)] == names
    assert status_lines(user) == [f"{name} : Ajouté à la pièce." for name in names]
    with new_session() as session:
        piece = documents.get_piece(session, actor=actor, submitted_document_id=piece_id)
    assert [f.name for f in piece.files] == names and piece.merged_pages == sum(range(1, count + 1))


async def test_each_refused_file_of_a_selection_is_named_and_the_others_are_added(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_sandbox, "normalise", normalise_in_process)
    actor, piece_id = a_piece()
    upload = await open_upload(user, actor, piece_id, "/essai-selection-refus")
    await upload.handle_uploads(
        [
            ui.upload.SmallFileUpload("un.pdf", "application/pdf", pdf_bytes(1)),
            ui.upload.SmallFileUpload("faux.pdf", "application/pdf", b"MZ\x90\x00"),
            ui.upload.SmallFileUpload("deux.pdf", "application/pdf", pdf_bytes(2)),
        ]
    )
    await user.should_see("deux.pdf : Ajouté à la pièce.", retries=100)
    assert status_lines(user) == [
        "un.pdf : Ajouté à la pièce.",
        "faux.pdf : Seuls les fichiers PDF, JPEG et PNG sont acceptés.",
        "deux.pdf : Ajouté à la pièce.",
    ]
    await user.should_see("deux.pdf — 2 pages", retries=100)


async def test_the_upload_control_is_named_shows_each_file_and_announces_the_browsers_refusals(user: User) -> None:
    """RGAA: a named button (its visible text first, then the piece), no header of Quasar's own (an unnamed button
    holding the file input, « 0.0B / 0.00% »), each file's name, size and progress, outcomes in a status region."""
    actor, piece_id = a_piece("Curriculum vitae")
    upload = await open_upload(user, actor, piece_id, "/essai-controle")

    button = user.find(marker="piece-add-files").elements.pop()
    assert button.props["aria-label"] == "Ajouter des fichiers (PDF, JPEG, PNG) à la pièce « Curriculum vitae »"
    assert button.props["aria-label"].startswith(button.text)
    region = user.find(marker="piece-upload-status").elements.pop()
    assert region.props["role"] == "status" and region.props["aria-live"] == "polite"

    assert "ec-upload" in upload.classes  # its header is hidden (app/static/ecandidat.css), the button replaces it
    assert not upload.props.get("label")
    assert upload.props.get("batch") is True  # the files chosen together arrive in one request, in their order
    assert ":field-name" in upload.props  # …each under a field name of its own (two files may share a name)
    template = upload.slots["list"].template or ""
    for shown in ("{{ file.name }}", "file.size", "<progress", "file.__progress", "Échec de l'envoi"):
        assert shown in template

    user.find(marker="piece-upload").trigger(
        "rejected",
        [{"name": "virus.exe", "reason": "accept"}, {"name": "scan énorme.png", "reason": "max-file-size"}],
    )
    await user.should_see("virus.exe : Seuls les fichiers PDF, JPEG et PNG sont acceptés.")
    user.find(marker="piece-upload").trigger("failed", {"names": ["relevés.pdf", "attestation.pdf"], "status": 413})
    await user.should_see("attestation.pdf : L'envoi a été refusé : les fichiers choisis ensemble dépassent 30 Mo.")
    assert status_lines(user) == [
        "virus.exe : Seuls les fichiers PDF, JPEG et PNG sont acceptés.",
        "scan énorme.png : Ce fichier dépasse 10 Mo : réduisez-le (numérisation moins fine, compression), puis "
        "déposez-le.",
        "relevés.pdf : L'envoi a été refusé : les fichiers choisis ensemble dépassent 30 Mo.",
        "attestation.pdf : L'envoi a été refusé : les fichiers choisis ensemble dépassent 30 Mo.",
    ]

    user.find(marker="piece-upload").trigger("start")  # a selection is on its way: another one waits for it
    user.find(marker="piece-add-files").click()
    await user.should_see("Un envoi est en cours pour cette pièce : attendez son résultat avant d'ajouter d'autres")
    user.find(marker="piece-upload").trigger("finish")
    user.find(marker="piece-add-files").click()  # the picker opens again; the last outcomes are cleared
    assert status_lines(user) == []
