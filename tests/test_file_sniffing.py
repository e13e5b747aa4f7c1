"""The type of an upload comes from its bytes; the client's name and declared type are never consulted."""

import pytest

from app.services.documents.file_sniffing import JPEG, PDF, PNG, is_polyglot, sniff
from app.services.platform.errors import DomainError
from tests.factories import image_bytes, pdf_bytes


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (lambda: pdf_bytes(1), PDF),
        (lambda: image_bytes("PNG"), PNG),
        (lambda: image_bytes("JPEG"), JPEG),
    ],
)
def test_accepted_types_are_recognised_from_their_magic(data, expected: str) -> None:
    assert sniff(data()) == expected


def test_a_png_named_pdf_is_a_png() -> None:
    # sniff has no name parameter at all: "scan.pdf" holding PNG bytes is handled as the PNG it is.
    assert sniff(image_bytes("PNG")) == PNG


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"PK\x03\x04" + bytes(100), "file_type"),
        (b"GIF89a" + bytes(100), "file_type"),
        (b"<html><body>not a pdf</body></html>", "file_type"),
        (b" %PDF-1.4 shifted header", "file_type"),
        (b"%PDF-1.4\n<script>alert(1)</script>", "file_polyglot"),
    ],
)
def test_anything_else_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        sniff(data)
    assert refused.value.code == code


def test_polyglot_checks_look_at_head_and_tail_only() -> None:
    middle = pdf_bytes(1) + b"<script>" + bytes(4096) + pdf_bytes(1)[-10:]
    assert not is_polyglot(b"%PDF-1.4\n" + bytes(4096) + b"<script>" + bytes(4096))
    assert is_polyglot(pdf_bytes(1) + b"<html>")
    assert middle  # a marker deep inside a large file (compressed data) is not a false alarm
