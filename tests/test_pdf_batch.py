"""An upload batch in one sandbox child: the same clean files and merged pages as one child per file, a hostile file
refused alone, and a batch child that fails (a limit, a crash) replaced by one child per file.

The misbehaving children come from ``children_that`` (tests/test_pdf_sandbox.py): no limit is set in them, so only
what this process applies (``prlimit``, the wall clock) stops them.
"""

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from app.services.documents import pdf_sandbox
from app.services.documents.pdf_sandbox import NormalisedFile, SandboxLimits, normalise, normalise_batch
from app.services.platform.errors import DomainError
from tests import test_pdf_sandbox
from tests.factories import image_bytes, pdf_bytes
from tests.test_pdf_sandbox import (
    HOSTILE_UPLOAD,
    LIMITS,
    MB,
    children_of,
    encrypted_pdf,
    flate_bomb_pdf,
    gone,
    server_pid,
)

children_that = test_pdf_sandbox.children_that  # the fixture, shared with the single-file tests


def linked_pdf_with_script() -> bytes:
    """Three pages, the first linking to the third, an open action running a script, a page action."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(3, text="L "))))
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hello');")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    writer.pages[1][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(script.clone(writer))})
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(50), NumberObject(50)]),
            NameObject("/Dest"): ArrayObject([writer.pages[2].indirect_reference, NameObject("/Fit")]),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def contents(pdf: bytes) -> list[tuple[bytes, tuple[float, float]]]:
    """Each page's content and size, read strictly (a malformed cross-reference table fails here)."""
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    return [
        (page.get_contents().get_data(), (float(page.mediabox.width), float(page.mediabox.height)))
        for page in reader.pages
    ]


def test_a_batch_gives_the_files_and_merged_pages_of_one_child_per_file() -> None:
    uploads = [
        pdf_bytes(2, text="A "),
        image_bytes("PNG", (900, 1200), "RGBA"),
        linked_pdf_with_script(),
        pdf_bytes(1, width=842, height=595, text="B "),
        image_bytes("JPEG"),
    ]
    earlier = [normalise(pdf_bytes(2, text="E "), limits=LIMITS).pdf]
    alone = [normalise(data, limits=LIMITS) for data in uploads]
    batch = normalise_batch(uploads, earlier=earlier, limits=LIMITS)
    assert all(isinstance(f, NormalisedFile) for f in batch.files)
    files = [f for f in batch.files if isinstance(f, NormalisedFile)]
    assert [(f.page_count, f.source_media_type) for f in files] == [(f.page_count, f.source_media_type) for f in alone]
    for ours, theirs in zip(files, alone, strict=True):
        assert contents(ours.pdf) == contents(theirs.pdf)
        assert b"app.alert" not in ours.pdf and b"/OpenAction" not in ours.pdf and b"/AA" not in ours.pdf
    assert batch.merged is not None and batch.merged.page_count == 2 + 2 + 1 + 3 + 1 + 1
    assert contents(batch.merged.pdf) == [page for pdf in [*earlier, *(f.pdf for f in alone)] for page in contents(pdf)]
    assert b"app.alert" not in batch.merged.pdf
    # The link still leads to its page, in the file's own PDF and in the merged one.
    for pdf, first in ((files[2].pdf, 0), (batch.merged.pdf, 5)):
        reader = PdfReader(io.BytesIO(pdf))
        link = reader.pages[first]["/Annots"][0].get_object()
        assert reader.get_page_number(link["/Dest"][0].get_object()) == first + 2


def test_a_file_the_batch_refuses_is_refused_alone_and_the_others_merge() -> None:
    uploads = [pdf_bytes(1, text="A "), encrypted_pdf(), b"MZ\x90\x00", flate_bomb_pdf(), pdf_bytes(2, text="B ")]
    batch = normalise_batch(uploads, limits=LIMITS)
    codes = [f.code if isinstance(f, DomainError) else f.page_count for f in batch.files]
    assert codes == [1, "pdf_encrypted", "file_type", "file_bomb", 2]
    assert batch.merged is not None
    assert [text for text, _size in contents(batch.merged.pdf)] == [b"% A page 1\n", b"% B page 1\n", b"% B page 2\n"]


def test_a_hostile_file_that_kills_the_batch_child_is_refused_alone(children_that: Callable[..., None]) -> None:
    """A looping file: the batch child is killed at its wall clock, then each file gets a child of its own."""
    children_that("while True: pass")
    limits = SandboxLimits(**(vars(LIMITS) | {"wall_seconds": 3.0, "cpu_seconds": 30}))
    server = server_pid()
    batch = normalise_batch([pdf_bytes(1), HOSTILE_UPLOAD, image_bytes("PNG")], limits=limits)
    codes = [f.code if isinstance(f, DomainError) else f.page_count for f in batch.files]
    assert codes == [1, "file_timeout", 1]
    assert batch.merged is None  # the caller merges the two clean files
    assert server_pid() == server and children_of(server) == []


@pytest.mark.parametrize(
    "misbehaviour",
    [
        "chunks = [bytearray(64 << 20) for _ in range(256)]",  # 16 GB: past the address space
        "while True: pass",  # past the wall clock
    ],
)
def test_a_batch_over_its_limits_falls_back_to_one_child_per_file(
    children_that: Callable[..., None], monkeypatch: pytest.MonkeyPatch, misbehaviour: str
) -> None:
    children_that(misbehaviour, batches=True)
    limits = SandboxLimits(**(vars(LIMITS) | {"wall_seconds": 3.0, "cpu_seconds": 30}))
    pids: list[int] = []
    apply = pdf_sandbox._apply_limits
    monkeypatch.setattr(pdf_sandbox, "_apply_limits", lambda pid, limits: (pids.append(pid), apply(pid, limits)))
    batch = normalise_batch([pdf_bytes(2), image_bytes("JPEG"), pdf_bytes(1)], limits=limits)
    assert [f.page_count for f in batch.files if isinstance(f, NormalisedFile)] == [2, 1, 1]
    assert batch.merged is None
    assert len(set(pids)) == 4 and all(gone(pid) for pid in pids)  # the batch's child, then one per file


def test_a_batch_child_gets_the_cpu_time_of_each_file_and_one_files_other_limits() -> None:
    scaled = pdf_sandbox.batch_limits(LIMITS, 4)
    assert scaled.cpu_seconds == 4 * LIMITS.cpu_seconds
    assert vars(scaled) | {"cpu_seconds": LIMITS.cpu_seconds} == vars(LIMITS)
    assert LIMITS.memory_bytes == 384 * MB


def test_files_refused_before_the_sandbox_keep_their_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_sandbox, "_run", lambda *a: pytest.fail("nothing to run"))
    batch = normalise_batch([b"", b"%PDF-1.4\n" + bytes(10 * MB)], limits=LIMITS)
    assert [f.code for f in batch.files if isinstance(f, DomainError)] == ["file_empty", "file_too_large"]
    assert batch.merged is None


def texts(pdf: bytes) -> list[bytes]:
    return [text.strip() for text, _size in contents(pdf)]


def test_files_added_to_a_merged_piece_are_appended_to_its_pdf() -> None:
    """Ten uploads sent one at a time merge 1 + 2 + … + 10 files unless each appends to the piece's merged PDF."""
    first = normalise_batch([pdf_bytes(2, text="A "), image_bytes("PNG")], limits=LIMITS)
    clean = [f.pdf for f in first.files if isinstance(f, NormalisedFile)]
    assert first.merged is not None
    then = normalise_batch([pdf_bytes(1, text="B ")], previous=first.merged.pdf, limits=LIMITS)
    assert then.merged is not None and then.merged.page_count == 4
    assert then.merged.pdf.startswith(first.merged.pdf)  # an incremental update: the earlier files not copied again
    typed = [text for text in texts(then.merged.pdf) if text.startswith(b"%")]  # the image's page draws it
    assert typed == [b"% A page 1", b"% A page 2", b"% B page 1"]
    # A merged PDF written by pypdf (this process merges after a removal or a reordering) is appended to as well.
    writer = PdfWriter()
    for pdf in clean:
        writer.append(io.BytesIO(pdf))
    buffer = io.BytesIO()
    writer.write(buffer)
    again = normalise_batch([pdf_bytes(1, text="C ")], previous=buffer.getvalue(), limits=LIMITS)
    assert again.merged is not None and again.merged.pdf.startswith(buffer.getvalue())
    assert texts(again.merged.pdf)[-1] == b"% C page 1" and again.merged.page_count == 4


def test_a_merged_pdf_of_another_shape_is_merged_again_from_the_files() -> None:
    """Its page tree is not object 2 (the ``/Parent`` of every new page): the earlier files are merged again."""
    other_shape = test_pdf_sandbox.raw_pdf(
        [
            b"<< /Type /Catalog /Pages 3 0 R >>",
            b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
            b"<< /Length 10 >>\nstream\n% P page 1\nendstream",
        ]
    )
    earlier = [normalise(pdf_bytes(1, text="E "), limits=LIMITS).pdf]
    batch = normalise_batch([pdf_bytes(1, text="N ")], earlier=earlier, previous=other_shape, limits=LIMITS)
    assert batch.merged is not None and texts(batch.merged.pdf) == [b"% E page 1", b"% N page 1"]
    # Without the earlier files (the service sends them only when there is no merged PDF), no merge comes back:
    # the caller merges the clean files itself.
    alone = normalise_batch([pdf_bytes(1, text="N ")], previous=other_shape, limits=LIMITS)
    assert alone.merged is None and [f.page_count for f in alone.files if isinstance(f, NormalisedFile)] == [1]
