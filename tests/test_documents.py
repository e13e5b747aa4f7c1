"""Pieces: files added, merged in the candidate's order, removed, reordered; limits; « Non concerné »; shared pieces.

Most tests normalise in-process (the worker's own functions, without the child process) to stay fast; one test
goes through the real sandbox. The sandbox itself is tested in test_pdf_sandbox.py.
"""

import contextlib
import io
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session, col, select

from app.config import reset_settings
from app.db import transaction
from app.models import (
    Application,
    AuditEvent,
    Campaign,
    DocumentStatus,
    DossierStatus,
    FileKind,
    Procedure,
    StoredFile,
    SubmittedDocument,
    SubmittedDocumentFile,
)
from app.services.documents import pdf_sandbox, pdf_worker
from app.services.documents import pieces as documents
from app.services.documents.file_sniffing import sniff
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, NotFound
from tests import factories
from tests.factories import image_bytes, pdf_bytes


def normalise_in_process(data: bytes, *, limits: pdf_sandbox.SandboxLimits | None = None) -> pdf_sandbox.NormalisedFile:
    """The worker's normalisation without its child process (same checks, no rlimits)."""
    pdf_sandbox.check_size(data)
    media_type = sniff(data)
    limits = limits or pdf_sandbox.SandboxLimits.from_settings()
    with tempfile.TemporaryDirectory() as scratch:
        source, target = Path(scratch) / "in", Path(scratch) / "out.pdf"
        source.write_bytes(data)
        try:
            if media_type == pdf_sandbox.PDF:
                pages = pdf_worker.normalise_pdf(source, target, limits.max_pages)
            else:
                pages = pdf_worker.normalise_image(source, target, limits.max_pixels)
        except pdf_worker.Refused as refusal:
            raise DomainError(refusal.code, pdf_sandbox._MESSAGES[refusal.code], **refusal.params) from None
        return pdf_sandbox.NormalisedFile(target.read_bytes(), pages, media_type)


def normalise_batch_by_file(
    uploads: list[bytes], *, limits: pdf_sandbox.SandboxLimits | None = None, **_merge_inputs: object
) -> pdf_sandbox.NormalisedBatch:
    """``normalise_batch`` as its fallback runs it: each file through ``pdf_sandbox.normalise`` (in-process here, or
    what a test put there), the merge left to the caller."""
    files: list[pdf_sandbox.NormalisedFile | DomainError] = []
    for data in uploads:
        try:
            files.append(pdf_sandbox.normalise(data))
        except DomainError as refused:
            files.append(refused)
    return pdf_sandbox.NormalisedBatch(files)


@pytest.fixture
def real_sandbox() -> None:
    """Asked for by the tests that go through the child process."""


@pytest.fixture(autouse=True)
def fast_sandbox(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "real_sandbox" not in request.fixturenames:
        monkeypatch.setattr(pdf_sandbox, "normalise", normalise_in_process)
        monkeypatch.setattr(pdf_sandbox, "normalise_batch", normalise_batch_by_file)


def a_program(session: Session, **kw):
    """A programme of the one active campaign (there can be only one)."""
    campaign = session.exec(select(Campaign).where(col(Campaign.is_active))).first() or factories.campaign(session)
    return factories.program(session, campaign_id=campaign.id, **kw)


def candidate_actor(session: Session) -> tuple[Actor, int]:
    account = factories.account(session)
    candidate = factories.candidate(session, account_id=account.id)
    return Actor("candidate", account_id=account.id), candidate.id


def new_piece(session: Session, candidate_id: int, program=None, **required) -> SubmittedDocument:
    program = program or a_program(session)
    application = factories.application(session, candidate_id=candidate_id, program=program)
    document = factories.required_document(session, program_id=program.id, **required)
    return factories.submitted_document(session, application_id=application.id, required_document_id=document.id)


def merged_texts(session: Session, document: SubmittedDocument) -> list[bytes]:
    merged = session.get(StoredFile, document.merged_file_id)
    assert merged is not None
    reader = PdfReader(io.BytesIO(file_store.read(merged.storage_key)))
    return [page.get_contents().get_data().strip() for page in reader.pages]


def add(session: Session, actor: Actor, document: SubmittedDocument, data: bytes, name: str = "scan.pdf"):
    return documents.add_piece_file(session, actor=actor, submitted_document_id=document.id, filename=name, data=data)


def test_files_are_merged_in_the_candidates_order(session: Session) -> None:
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id)
    add(session, actor, piece, pdf_bytes(2, text="A "), "relevé L1.pdf")
    add(session, actor, piece, pdf_bytes(1, text="B "), "../../etc/passwd")
    assert piece.status == DocumentStatus.SUBMITTED
    assert merged_texts(session, piece) == [b"% A page 1", b"% A page 2", b"% B page 1"]

    view = documents.get_piece(session, actor=actor, submitted_document_id=piece.id)
    assert [(f.name, f.pages) for f in view.files] == [("relevé L1.pdf", 2), ("passwd", 1)]
    assert view.merged_pages == 3 and view.merged_size > 0 and view.editable
    first_merged = piece.merged_file_id

    order = [f.stored_file_id for f in reversed(view.files)]
    documents.reorder_piece_files(session, actor=actor, submitted_document_id=piece.id, order=order)
    assert merged_texts(session, piece) == [b"% B page 1", b"% A page 1", b"% A page 2"]
    assert session.get(StoredFile, piece.merged_file_id).page_count == 3
    assert session.get(StoredFile, first_merged) is None  # the previous merge is gone with its row

    with pytest.raises(DomainError) as stale:
        documents.reorder_piece_files(session, actor=actor, submitted_document_id=piece.id, order=order[:1])
    assert stale.value.code == "stale_order"

    documents.remove_piece_file(session, actor=actor, submitted_document_id=piece.id, stored_file_id=order[0])
    assert merged_texts(session, piece) == [b"% A page 1", b"% A page 2"]
    documents.remove_piece_file(session, actor=actor, submitted_document_id=piece.id, stored_file_id=order[1])
    assert piece.status == DocumentStatus.PENDING and piece.merged_file_id is None


def add_at_once(monkeypatch: pytest.MonkeyPatch, actor: Actor, uploads: list[tuple[int, str, bytes]]) -> dict[str, str]:
    """Add each (piece id, file name, bytes) in a thread and transaction of its own, all at the same moment, as the
    upload route does for files sent together; what each add met, by file name."""
    everyone_read_the_piece = threading.Barrier(len(uploads), timeout=3)

    def normalise_side_by_side(data: bytes) -> pdf_sandbox.NormalisedFile:
        # Every add has read its piece (and its version) before any of them writes; adds that cannot run side by
        # side break the barrier after its timeout and must all land just the same.
        with contextlib.suppress(threading.BrokenBarrierError):
            everyone_read_the_piece.wait()
        return normalise_in_process(data)

    monkeypatch.setattr(pdf_sandbox, "normalise", normalise_side_by_side)
    outcomes: dict[str, str] = {}

    def upload(piece_id: int, name: str, data: bytes) -> None:
        try:
            with transaction() as other:
                add(other, actor, other.get(SubmittedDocument, piece_id), data, name)
            outcomes[name] = "added"
        except Exception as error:  # what each add met, reported by the caller
            outcomes[name] = type(error).__name__

    threads = [threading.Thread(target=upload, args=item) for item in uploads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.parametrize("count", [2, 5])
def test_files_added_to_one_piece_at_the_same_time_all_land(
    session: Session, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """Several transcripts sent at once reach the server as simultaneous adds: each ends up in the merged piece."""
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id)
    session.commit()
    files = {f"relevé {n}.pdf": pdf_bytes(n, text=f"{n} ") for n in range(1, count + 1)}
    outcomes = add_at_once(monkeypatch, actor, [(piece.id, name, data) for name, data in files.items()])
    assert outcomes == {name: "added" for name in files}

    session.expire_all()
    view = documents.get_piece(session, actor=actor, submitted_document_id=piece.id)
    assert sorted(f.name for f in view.files) == sorted(files)
    expected_pages = [f"% {f.pages} page {page}".encode() for f in view.files for page in range(1, f.pages + 1)]
    assert merged_texts(session, session.get(SubmittedDocument, piece.id)) == expected_pages  # in the listed order
    positions = session.exec(
        select(SubmittedDocumentFile.position).where(SubmittedDocumentFile.submitted_document_id == piece.id)
    ).all()
    assert sorted(positions) == list(range(count))
    added = session.exec(select(AuditEvent).where(AuditEvent.action == "piece.file_added")).all()
    assert len(added) == count
    merged = session.exec(select(StoredFile).where(StoredFile.kind == FileKind.MERGED)).all()
    assert [m.id for m in merged] == [view.merged_file_id]  # each intermediate merge was released


def test_files_added_at_once_to_a_shared_piece_from_two_applications_all_land(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two tabs, two applications, one shared piece: each add carries to the other application, none is lost."""
    actor, candidate_id = candidate_actor(session)
    shared = factories.required_document(session, is_shared=True)
    pieces = [
        factories.submitted_document(
            session,
            application_id=factories.application(session, candidate_id=candidate_id, program=a_program(session)).id,
            required_document_id=shared.id,
        )
        for _ in range(2)
    ]
    session.commit()
    uploads = [(pieces[0].id, "cv.pdf", pdf_bytes(1, text="CV ")), (pieces[1].id, "lettre.pdf", pdf_bytes(1))]
    outcomes = add_at_once(monkeypatch, actor, uploads)
    assert outcomes == {"cv.pdf": "added", "lettre.pdf": "added"}
    session.expire_all()
    views = [documents.get_piece(session, actor=actor, submitted_document_id=piece.id) for piece in pieces]
    assert sorted(f.name for f in views[0].files) == ["cv.pdf", "lettre.pdf"]
    assert views[1].files == views[0].files and views[1].merged_file_id == views[0].merged_file_id


def test_only_normalised_pdfs_are_stored_and_bytes_go_after_commit(session: Session) -> None:
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id)
    add(session, actor, piece, image_bytes("JPEG"), "photo.pdf")  # a JPEG named .pdf is a JPEG
    session.commit()
    stored = session.exec(select(StoredFile).where(StoredFile.kind == FileKind.UPLOAD)).one()
    assert stored.media_type == "application/pdf" and stored.page_count == 1
    assert stored.owner_candidate_id == candidate_id and stored.original_name == "photo.pdf"
    path = file_store.path_of(stored.storage_key)
    assert path.read_bytes().startswith(b"%PDF-")

    documents.remove_piece_file(session, actor=actor, submitted_document_id=piece.id, stored_file_id=stored.id)
    assert path.exists()  # not before the commit: a rollback would need them
    session.commit()
    assert not path.exists()
    assert session.exec(select(StoredFile)).all() == []


def test_a_rolled_back_upload_leaves_no_bytes(session: Session) -> None:
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id)
    session.commit()
    folder = file_store.path_of("0" * 32).parent.parent
    with pytest.raises(RuntimeError), transaction() as other:
        add(other, actor, other.get(SubmittedDocument, piece.id), pdf_bytes(1))
        raise RuntimeError("crash after the upload")
    assert not any(path.is_file() for path in folder.rglob("*"))


def test_an_image_becomes_an_a4_page_through_the_sandbox(session: Session, real_sandbox: None) -> None:
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id)
    add(session, actor, piece, image_bytes("PNG", (900, 1200), "RGBA"), "scan.png")
    add(session, actor, piece, pdf_bytes(1))
    merged = session.get(StoredFile, piece.merged_file_id)
    reader = PdfReader(io.BytesIO(file_store.read(merged.storage_key)))
    assert merged.page_count == len(reader.pages) == 2
    assert float(reader.pages[0].mediabox.width) == pytest.approx(595.3, abs=1)
    assert float(reader.pages[0].mediabox.height) == pytest.approx(841.9, abs=1)


def test_a_selection_is_added_at_once_refused_files_named_and_merged_in_the_sandbox(
    session: Session, monkeypatch: pytest.MonkeyPatch, real_sandbox: None
) -> None:
    """One batch: one sandbox child normalises the files and merges the piece, this process parses none of them;
    a refused file is named alone; one audit event for the selection."""
    monkeypatch.setenv("ECANDIDAT_MAX_PIECE_PAGES", "6")
    reset_settings()
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id)
    add(session, actor, piece, pdf_bytes(1, text="E "), "avant.pdf")
    from app.services.documents import piece_files

    parse = piece_files.PdfReader
    monkeypatch.setattr(piece_files, "PdfReader", lambda *a, **k: pytest.fail("the merge must come from the sandbox"))
    selection = [
        ("a.pdf", pdf_bytes(2, text="A ")),
        ("faux.pdf", b"MZ\x90\x00"),
        ("photo.jpg", image_bytes("JPEG")),
        ("b.pdf", pdf_bytes(1, text="B ")),
    ]
    outcomes = documents.add_piece_files(session, actor=actor, submitted_document_id=piece.id, files=selection)
    assert [o.code if o else None for o in outcomes] == [None, "file_type", None, None]
    view = documents.get_piece(session, actor=actor, submitted_document_id=piece.id)
    assert [(f.name, f.pages) for f in view.files] == [("avant.pdf", 1), ("a.pdf", 2), ("photo.jpg", 1), ("b.pdf", 1)]
    texts = merged_texts(session, piece)
    assert texts[:3] == [b"% E page 1", b"% A page 1", b"% A page 2"] and texts[4] == b"% B page 1"
    assert view.merged_pages == 5
    assert session.exec(select(AuditEvent.action).where(AuditEvent.action.startswith("piece.file"))).all() == [
        "piece.file_added",
        "piece.files_added",
    ]

    # The piece's page limit refuses a file the sandbox accepted: its merge is redone here from the clean files.
    monkeypatch.setattr(piece_files, "PdfReader", parse)
    outcomes = documents.add_piece_files(
        session,
        actor=actor,
        submitted_document_id=piece.id,
        files=[("trop.pdf", pdf_bytes(2)), ("c.pdf", pdf_bytes(1, text="C "))],
    )
    assert [o.code if o else None for o in outcomes] == ["piece_too_many_pages", None]
    assert merged_texts(session, piece)[-1] == b"% C page 1"
    assert documents.get_piece(session, actor=actor, submitted_document_id=piece.id).merged_pages == 6


def test_a_piece_changed_while_its_batch_was_in_the_sandbox_is_merged_again_here(
    session: Session, real_sandbox: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another tab added a file meanwhile: the batch's merge (made from the piece as it was) is not used."""
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id)
    add(session, actor, piece, pdf_bytes(1, text="A "), "a.pdf")
    session.commit()
    sandbox = pdf_sandbox.normalise_batch
    other_tab: list[str] = []

    def meanwhile(*args: object, **kwargs: object) -> pdf_sandbox.NormalisedBatch:
        done = sandbox(*args, **kwargs)
        if not other_tab:
            other_tab.append("b.pdf")
            with transaction() as other:
                add(other, actor, other.get(SubmittedDocument, piece.id), pdf_bytes(1, text="B "), "b.pdf")
        return done

    monkeypatch.setattr(pdf_sandbox, "normalise_batch", meanwhile)
    outcomes = documents.add_piece_files(
        session, actor=actor, submitted_document_id=piece.id, files=[("c.pdf", pdf_bytes(1, text="C "))]
    )
    assert outcomes == [None] and other_tab == ["b.pdf"]
    view = documents.get_piece(session, actor=actor, submitted_document_id=piece.id)
    assert [f.name for f in view.files] == ["a.pdf", "b.pdf", "c.pdf"]
    assert merged_texts(session, piece) == [b"% A page 1", b"% B page 1", b"% C page 1"]


def test_limits_per_file_and_per_piece(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECANDIDAT_MAX_FILE_MB", "1")
    monkeypatch.setenv("ECANDIDAT_MAX_PIECE_PAGES", "3")
    monkeypatch.setenv("ECANDIDAT_MAX_PIECE_MB", "1")
    reset_settings()
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id)
    with pytest.raises(DomainError) as refused:
        add(session, actor, piece, b"%PDF-1.4\n" + bytes(1024 * 1024))
    assert (refused.value.code, refused.value.params) == ("file_too_large", {"max": 1})

    add(session, actor, piece, pdf_bytes(2))
    with pytest.raises(DomainError) as refused:
        add(session, actor, piece, pdf_bytes(2))
    assert (refused.value.code, refused.value.params) == ("piece_too_many_pages", {"pages": 4, "max": 3})
    with pytest.raises(DomainError) as refused:
        add(session, actor, piece, pdf_bytes(4))  # one file over the page limit: refused by the sandbox itself
    assert refused.value.code == "too_many_pages"

    monkeypatch.setattr(documents, "MB", 1000)  # a piece limit of ~1 KB: the next file does not fit
    with pytest.raises(DomainError) as refused:
        add(session, actor, piece, pdf_bytes(1))
    assert refused.value.code == "piece_too_large"
    assert len(documents.get_piece(session, actor=actor, submitted_document_id=piece.id).files) == 1


def test_a_validated_piece_can_no_longer_change(session: Session) -> None:
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id)
    add(session, actor, piece, pdf_bytes(1))
    file_id = documents.get_piece(session, actor=actor, submitted_document_id=piece.id).files[0].stored_file_id
    piece.status = DocumentStatus.VALIDATED
    session.add(piece)
    session.flush()
    attempts = [
        lambda: add(session, actor, piece, pdf_bytes(1)),
        lambda: documents.remove_piece_file(
            session, actor=actor, submitted_document_id=piece.id, stored_file_id=file_id
        ),
        lambda: documents.reorder_piece_files(session, actor=actor, submitted_document_id=piece.id, order=[file_id]),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "piece_validated"
    assert not documents.get_piece(session, actor=actor, submitted_document_id=piece.id).editable


def test_pieces_close_with_the_return_date_and_the_transmission(session: Session, clock) -> None:
    actor, candidate_id = candidate_actor(session)
    now = clock.set(clock.now())
    program = a_program(session, return_by=now + timedelta(days=15))
    piece = new_piece(session, candidate_id, program)
    clock.set(program.return_by + timedelta(seconds=1))
    with pytest.raises(DomainError) as refused:
        add(session, actor, piece, pdf_bytes(1))
    assert refused.value.code == "pieces_closed"

    clock.set(now)
    application = session.get(Application, piece.application_id)
    application.dossier_status = DossierStatus.RECEIVED
    session.add(application)
    session.flush()
    with pytest.raises(DomainError) as refused:
        add(session, actor, piece, pdf_bytes(1))
    assert refused.value.code == "pieces_closed"


def test_paper_procedure_takes_no_upload(session: Session) -> None:
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id, a_program(session, procedure=Procedure.PAPER))
    with pytest.raises(DomainError) as refused:
        add(session, actor, piece, pdf_bytes(1))
    assert refused.value.code == "paper_procedure"


def test_not_applicable_only_for_conditional_pieces(session: Session) -> None:
    actor, candidate_id = candidate_actor(session)
    mandatory = new_piece(session, candidate_id)
    with pytest.raises(DomainError) as refused:
        documents.mark_not_applicable(session, actor=actor, submitted_document_id=mandatory.id)
    assert refused.value.code == "not_conditional"

    conditional = new_piece(session, candidate_id, is_conditional=True)
    documents.mark_not_applicable(session, actor=actor, submitted_document_id=conditional.id)
    assert conditional.status == DocumentStatus.NOT_APPLICABLE
    documents.mark_not_applicable(session, actor=actor, submitted_document_id=conditional.id, not_applicable=False)
    assert conditional.status == DocumentStatus.PENDING

    add(session, actor, conditional, pdf_bytes(1))
    with pytest.raises(DomainError) as refused:
        documents.mark_not_applicable(session, actor=actor, submitted_document_id=conditional.id)
    assert refused.value.code == "piece_has_files"


def test_another_candidate_cannot_touch_the_piece(session: Session) -> None:
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id)
    add(session, actor, piece, pdf_bytes(1))
    intruder, _ = candidate_actor(session)
    file_id = documents.get_piece(session, actor=actor, submitted_document_id=piece.id).files[0].stored_file_id
    for attempt in (
        lambda: add(session, intruder, piece, pdf_bytes(1)),
        lambda: documents.remove_piece_file(
            session, actor=intruder, submitted_document_id=piece.id, stored_file_id=file_id
        ),
        lambda: documents.get_piece(session, actor=intruder, submitted_document_id=piece.id),
        lambda: documents.read_merged_pdf(session, actor=intruder, submitted_document_id=piece.id),
        lambda: documents.mark_not_applicable(
            session, actor=Actor("staff", staff_id=1), submitted_document_id=piece.id
        ),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code in ("not_found", "forbidden")
    read_only = Actor("candidate", account_id=actor.account_id, impersonated_by_staff_id=1)
    with pytest.raises(DomainError) as refused:
        add(session, read_only, piece, pdf_bytes(1))
    assert refused.value.code == "read_only"
    with pytest.raises(NotFound):
        documents.remove_piece_file(session, actor=actor, submitted_document_id=piece.id, stored_file_id=10**6)


def test_shared_piece_is_a_reference_and_a_transmitted_application_keeps_it(session: Session) -> None:
    """eCandidat's issue #37: removing a shared piece from one application emptied it in transmitted ones."""
    actor, candidate_id = candidate_actor(session)
    shared = factories.required_document(session, is_shared=True)  # institution-wide, one upload for all
    pieces = []
    for _ in range(3):
        application = factories.application(session, candidate_id=candidate_id, program=a_program(session))
        pieces.append(
            factories.submitted_document(session, application_id=application.id, required_document_id=shared.id)
        )
    first, transmitted, open_one = pieces
    add(session, actor, first, pdf_bytes(2, text="CV "))
    uploads = session.exec(select(StoredFile).where(StoredFile.kind == FileKind.UPLOAD)).all()
    assert len(uploads) == 1  # referenced three times, stored once
    for piece in pieces:
        session.refresh(piece)
        assert piece.status == DocumentStatus.SUBMITTED and piece.merged_file_id == first.merged_file_id
    links = session.exec(select(SubmittedDocumentFile)).all()
    assert {link.stored_file_id for link in links} == {uploads[0].id} and len(links) == 3

    application = session.get(Application, transmitted.application_id)
    application.dossier_status = DossierStatus.RECEIVED
    session.add(application)
    session.commit()

    documents.remove_piece_file(session, actor=actor, submitted_document_id=first.id, stored_file_id=uploads[0].id)
    session.commit()
    for piece in pieces:
        session.refresh(piece)
    assert first.status == open_one.status == DocumentStatus.PENDING  # the open application follows
    assert transmitted.status == DocumentStatus.SUBMITTED  # the transmitted one keeps its piece…
    assert merged_texts(session, transmitted) == [b"% CV page 1", b"% CV page 2"]  # …and its bytes
    kept = session.exec(
        select(SubmittedDocumentFile).where(SubmittedDocumentFile.submitted_document_id == transmitted.id)
    ).all()
    assert [link.stored_file_id for link in kept] == [uploads[0].id]
    assert file_store.path_of(uploads[0].storage_key).exists()

    # A new upload in the first application no longer reaches the transmitted one.
    add(session, actor, first, pdf_bytes(1, text="CV2 "))
    session.refresh(transmitted)
    assert merged_texts(session, transmitted) == [b"% CV page 1", b"% CV page 2"]
    assert merged_texts(session, open_one) == [b"% CV2 page 1"]


def test_a_shared_piece_with_other_files_elsewhere_is_left_alone(session: Session) -> None:
    actor, candidate_id = candidate_actor(session)
    shared = factories.required_document(session, is_shared=True)
    pieces = []
    for _ in range(2):
        application = factories.application(session, candidate_id=candidate_id, program=a_program(session))
        pieces.append(
            factories.submitted_document(session, application_id=application.id, required_document_id=shared.id)
        )
    add(session, actor, pieces[0], pdf_bytes(1, text="X "))
    add(session, actor, pieces[1], pdf_bytes(1, text="Y "))  # both pieces now hold X then Y
    assert merged_texts(session, pieces[0]) == merged_texts(session, pieces[1]) == [b"% X page 1", b"% Y page 1"]
    other_ids = [
        link.stored_file_id
        for link in session.exec(
            select(SubmittedDocumentFile)
            .where(SubmittedDocumentFile.submitted_document_id == pieces[1].id)
            .order_by(col(SubmittedDocumentFile.position))
        ).all()
    ]
    documents.reorder_piece_files(
        session, actor=actor, submitted_document_id=pieces[1].id, order=list(reversed(other_ids))
    )
    assert merged_texts(session, pieces[0]) == [b"% Y page 1", b"% X page 1"]  # in sync: reordered too


def test_applying_again_reuses_the_shared_pieces_and_cancelling_frees_only_unshared_files(session: Session) -> None:
    """The applications service calls the documents rules: a new application starts with the candidate's shared
    pieces already provided; cancelling deletes the files no other application uses."""
    from app.services.applications.applying import apply_to_program, cancel_application

    account = factories.account(session)
    candidate = factories.complete_candidate(session, account_id=account.id)
    actor = Actor("candidate", account_id=account.id)
    shared = factories.required_document(session, is_shared=True)
    first_program, second_program = a_program(session), a_program(session)
    own = factories.required_document(session, program_id=second_program.id)
    first = apply_to_program(session, actor=actor, program_id=first_program.id)
    shared_first = session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == first.id)).one()
    add(session, actor, shared_first, pdf_bytes(1, text="ID "))

    second = apply_to_program(session, actor=actor, program_id=second_program.id)
    pieces = {
        p.required_document_id: p
        for p in session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == second.id))
    }
    assert pieces[shared.id].status == DocumentStatus.SUBMITTED
    assert pieces[shared.id].merged_file_id == shared_first.merged_file_id
    assert pieces[own.id].status == DocumentStatus.PENDING
    add(session, actor, pieces[own.id], pdf_bytes(1, text="LM "))
    own_upload = session.exec(
        select(SubmittedDocumentFile).where(SubmittedDocumentFile.submitted_document_id == pieces[own.id].id)
    ).one()
    own_key = session.get(StoredFile, own_upload.stored_file_id).storage_key
    session.commit()

    cancel_application(session, actor=actor, application_id=second.id)
    session.commit()
    assert session.get(StoredFile, own_upload.stored_file_id) is None
    assert not file_store.path_of(own_key).exists()
    session.refresh(shared_first)
    assert merged_texts(session, shared_first) == [b"% ID page 1"]  # the first application keeps its piece
    assert candidate.id == first.candidate_id


def test_an_applications_pieces_are_listed_as_each_piece_reads(session: Session) -> None:
    actor, candidate_id = candidate_actor(session)
    piece = new_piece(session, candidate_id, label_fr="Relevé de notes")
    second_required = factories.required_document(
        session,
        program_id=session.get(Application, piece.application_id).program_id,
        label_fr="CV",
        is_conditional=True,
    )
    second = factories.submitted_document(
        session, application_id=piece.application_id, required_document_id=second_required.id
    )
    add(session, actor, piece, pdf_bytes(2, text="A "), "notes.pdf")
    add(session, actor, piece, pdf_bytes(1, text="B "), "notes2.pdf")
    listed = documents.list_pieces(session, actor=actor, application_id=piece.application_id, lang="en")
    assert set(listed) == {piece.id, second.id}
    for document in (piece, second):
        assert listed[document.id] == documents.get_piece(
            session, actor=actor, submitted_document_id=document.id, lang="en"
        )
    assert [f.name for f in listed[piece.id].files] == ["notes.pdf", "notes2.pdf"]
    other, _other_id = candidate_actor(session)
    with pytest.raises(DomainError):  # another candidate's application is not found
        documents.list_pieces(session, actor=other, application_id=piece.application_id)
