"""The sandbox's batch child writes each clean file and the merged piece from one serialisation of each object.

Every file of a batch is copied into a pypdf writer of its own whose objects are numbered after the previous file's
(the writer's ``_objects`` list is padded with empty slots), so that each object has one number in the whole batch:
the same in the file's own PDF and in the merged one. Each object is then serialised once and its bytes written to
both: the file's PDF (its own catalogue, page tree and information, objects 1-3 as in every pypdf writer, then its
objects) and the merged PDF (objects 1-3 written last, listing every page of the batch in order; a page's
``/Parent`` is object 2 in both). Cross-reference tables list the numbers present in subsections, as incremental
updates do. Writing both with pypdf's ``write`` would clone every page a second time into a writer for the merge
and serialise every object twice: half the batch's time (issue #20).

Imports nothing of the application: the sandbox's child runs it (see ``pdf_worker``).
"""

import io
from pathlib import Path
from typing import IO, Any

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject

INFO, PAGES, CATALOG = 1, 2, 3  # the objects a new PdfWriter makes, in this order (checked in ``new_writer``)
_BINARY_MARK = b"%\xe2\xe3\xcf\xd3\n"


def _serialised(number: int, obj: Any) -> bytes:
    buffer = io.BytesIO()
    buffer.write(b"%d 0 obj\n" % number)
    obj.write_to_stream(buffer)
    buffer.write(b"\nendobj\n")
    return buffer.getvalue()


def _xref_and_trailer(offsets: dict[int, int], at: int, trailer: DictionaryObject) -> bytes:
    """The cross-reference table of the objects at ``offsets`` (by number), in subsections of consecutive numbers,
    then the trailer; ``at``: where the table starts."""
    out = io.BytesIO()
    out.write(b"xref\n0 1\n0000000000 65535 f \n")
    numbers = sorted(offsets)
    start = 0
    while start < len(numbers):
        end = start
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        out.write(b"%d %d\n" % (numbers[start], end - start + 1))
        out.write(b"".join(b"%010d 00000 n \n" % offsets[n] for n in numbers[start : end + 1]))
        start = end + 1
    trailer[NameObject("/Size")] = NumberObject(numbers[-1] + 1)
    trailer[NameObject("/Root")] = IndirectObject(CATALOG, 0, None)  # type: ignore[arg-type]
    trailer[NameObject("/Info")] = IndirectObject(INFO, 0, None)  # type: ignore[arg-type]
    out.write(b"trailer\n")
    trailer.write_to_stream(out)
    out.write(b"\nstartxref\n%d\n%%%%EOF\n" % at)
    return out.getvalue()


class _Output:
    """A PDF being written: the header, then objects as they come, then the table (positions kept by number)."""

    def __init__(self, handle: IO[bytes], header: str) -> None:
        self.handle = handle
        self.offsets: dict[int, int] = {}
        self.position = 0
        self.write(header.encode() + b"\n" + _BINARY_MARK)

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.position += len(data)

    def add(self, number: int, data: bytes) -> None:
        self.offsets[number] = self.position
        self.write(data)

    def close(self, trailer: DictionaryObject | None = None) -> None:
        self.write(_xref_and_trailer(self.offsets, self.position, trailer or DictionaryObject()))


class MergedPiece:
    """The merged PDF of a batch, written to ``path`` as its files come (``new_writer``, fill it, ``add``)."""

    def __init__(self, path: Path | None) -> None:
        self.next_number = CATALOG  # the numbers taken so far
        self.kids: list[int] = []
        self.handle = path.open("wb") if path is not None else None
        self.output = _Output(self.handle, PdfWriter().pdf_header) if self.handle is not None else None

    def new_writer(self) -> PdfWriter:
        """A writer whose own objects take numbers after every object of the batch so far."""
        writer = PdfWriter()
        numbers = (writer._info.indirect_reference, writer._pages, writer._root_object.indirect_reference)
        if [getattr(ref, "idnum", None) for ref in numbers] != [INFO, PAGES, CATALOG] or len(
            writer._objects
        ) != CATALOG:
            raise RuntimeError("this pypdf numbers a new writer's objects otherwise")  # the batch falls back
        writer._objects.extend([None] * (self.next_number - len(writer._objects)))  # type: ignore[list-item]
        return writer

    def add(self, writer: PdfWriter, own_pdf: Path | None) -> int:
        """Serialise ``writer``'s objects once; write its own PDF to ``own_pdf`` (if given) and its objects to the
        merged PDF. Its pages' numbers join the merged page tree; returns its page count."""
        if hasattr(writer, "_resolve_links"):  # links between the file's pages, as pypdf's ``write`` does
            writer._resolve_links()
        own = own_pdf.open("wb") if own_pdf is not None else None
        try:
            output = _Output(own, writer.pdf_header) if own is not None else None
            for number, obj in enumerate(writer._objects, start=1):
                if obj is None:
                    continue
                data = _serialised(number, obj)
                if output is not None:
                    output.add(number, data)
                if number > CATALOG and self.output is not None:
                    self.output.add(number, data)
            if output is not None:
                output.close(DictionaryObject({NameObject("/ID"): writer._ID}) if writer._ID else None)
        finally:
            if own is not None:
                own.close()
        self.next_number = len(writer._objects)
        self.kids.extend(page.indirect_reference.idnum for page in writer.pages)  # type: ignore[union-attr]
        return len(writer.pages)

    def close(self) -> int:
        """Write the merged catalogue, page tree and information, then the table; the merged page count."""
        if self.output is None or self.handle is None:
            return len(self.kids)
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Count"): NumberObject(len(self.kids)),
                NameObject("/Kids"): ArrayObject(IndirectObject(kid, 0, None) for kid in self.kids),  # type: ignore[arg-type]
            }
        )
        catalog = DictionaryObject(
            {NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): IndirectObject(PAGES, 0, None)}  # type: ignore[arg-type]
        )
        info = PdfWriter()._info
        for number, obj in ((INFO, info), (PAGES, pages), (CATALOG, catalog)):
            self.output.add(number, _serialised(number, obj))
        self.output.close()
        self.handle.close()
        return len(self.kids)

    def abandon(self) -> None:
        if self.handle is not None:
            self.handle.close()
