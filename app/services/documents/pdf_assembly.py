"""The sandbox's batch child writes each clean file and the merged piece from one serialisation of each object.

Every file of a batch is copied into a pypdf writer of its own whose objects are numbered after the previous file's
(the writer's ``_objects`` list is padded with empty slots), so that each object has one number in the whole batch:
the same in the file's own PDF and in the merged one. Each object is then serialised once and its bytes written to
both: the file's PDF (its own catalogue, page tree and information, objects 1-3 as in every pypdf writer, then its
objects) and the merged PDF (objects 1-3 written last, listing every page of the batch in order; a page's
``/Parent`` is object 2 in both). Cross-reference tables list the numbers present in subsections, as incremental
updates do. Writing both with pypdf's ``write`` would clone every page a second time into a writer for the merge
and serialise every object twice: half the batch's time (issue #20).

A file added to a piece that has a merged PDF already is appended to it as an incremental update (``previous``):
the merged PDF's bytes, then the new objects, a new page tree (object 2 again) and a table whose ``/Prev`` is the
previous one, instead of parsing and copying the earlier files again at every upload (1 + 2 + … + 10 files merged
for ten uploads sent one at a time).

Imports nothing of the application: the sandbox's child runs it (see ``pdf_worker``).
"""

import io
import re
from pathlib import Path
from typing import IO, Any

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject

INFO, PAGES, CATALOG = 1, 2, 3  # the objects a new PdfWriter makes, in this order (checked in ``new_writer``)
_BINARY_MARK = b"%\xe2\xe3\xcf\xd3\n"


def _header(version: str) -> bytes:
    return version.encode() + b"\n" + _BINARY_MARK


def _serialised(number: int, obj: Any) -> bytes:
    buffer = io.BytesIO()
    buffer.write(b"%d 0 obj\n" % number)
    obj.write_to_stream(buffer)
    buffer.write(b"\nendobj\n")
    return buffer.getvalue()


def _xref_and_trailer(offsets: dict[int, int], at: int, trailer: DictionaryObject) -> bytes:
    """The cross-reference table of the objects at ``offsets`` (by number), in subsections of consecutive numbers,
    then ``trailer`` (its ``/Size`` raised to cover them); ``at``: where the table starts."""
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
    size = max(numbers[-1] + 1, int(trailer.get("/Size", 0)))
    trailer[NameObject("/Size")] = NumberObject(size)
    out.write(b"trailer\n")
    trailer.write_to_stream(out)
    out.write(b"\nstartxref\n%d\n%%%%EOF\n" % at)
    return out.getvalue()


def _fresh_trailer() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Root"): IndirectObject(CATALOG, 0, None),  # type: ignore[arg-type]
            NameObject("/Info"): IndirectObject(INFO, 0, None),  # type: ignore[arg-type]
        }
    )


def previous_piece(path: Path) -> tuple[bytes, list[int], DictionaryObject] | None:
    """The merged PDF at ``path`` (ours or pypdf's, never an upload), if new pages can be appended to it as an
    incremental update: its bytes, its pages' numbers in order and the trailer of the update. None when it has
    another shape (a cross-reference stream, a nested page tree, its page tree not object 2 as every new page's
    ``/Parent`` says): the batch then merges the earlier files again."""
    from pypdf import PdfReader

    data = path.read_bytes()
    found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-64:])
    if found is None or not data[int(found[1]) :].startswith(b"xref"):
        return None
    trailer = PdfReader(io.BytesIO(data), strict=False).trailer
    pages = trailer["/Root"].raw_get("/Pages")
    kids = pages.get_object().raw_get("/Kids") if isinstance(pages, IndirectObject) else None
    if getattr(pages, "idnum", None) != PAGES or not isinstance(kids, ArrayObject):
        return None
    if not all(isinstance(kid, IndirectObject) and kid.get_object().get("/Type") == "/Page" for kid in kids):
        return None
    update = DictionaryObject({NameObject("/Prev"): NumberObject(int(found[1]))})
    for key in ("/Root", "/Info", "/ID", "/Size"):
        if key in trailer:
            update[NameObject(key)] = trailer.raw_get(key)
    return data, [kid.idnum for kid in kids], update


class _Output:
    """A PDF being written: the header, then objects as they come, then the table (positions kept by number)."""

    def __init__(self, handle: IO[bytes], start: bytes) -> None:
        self.handle = handle
        self.offsets: dict[int, int] = {}
        self.position = 0
        self.write(start)  # the header, or the PDF an incremental update appends to

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.position += len(data)

    def add(self, number: int, data: bytes) -> None:
        self.offsets[number] = self.position
        self.write(data)

    def close(self, trailer: DictionaryObject) -> None:
        self.write(_xref_and_trailer(self.offsets, self.position, trailer))


class MergedPiece:
    """The merged PDF of a batch, written to ``path`` as its files come (``new_writer``, fill it, ``add``)."""

    def __init__(self, path: Path, previous: Path | None = None) -> None:
        """``previous``: the piece's merged PDF so far, appended to if ``previous_piece`` accepts it (``appending``);
        else the caller adds the piece's earlier files first."""
        found = previous_piece(previous) if previous is not None else None
        self.appending = found is not None
        start, self.kids, self.trailer = found or (_header(PdfWriter().pdf_header), [], _fresh_trailer())
        self.next_number = int(self.trailer.get("/Size", CATALOG + 1)) - 1  # the numbers taken so far
        self.handle = path.open("wb")
        self.output = _Output(self.handle, start)

    def new_writer(self) -> PdfWriter:
        """A writer whose own objects take numbers after every object of the batch so far."""
        writer = PdfWriter()
        made = (writer._info.indirect_reference, writer._pages, writer._root_object.indirect_reference)
        if [getattr(ref, "idnum", None) for ref in made] != [INFO, PAGES, CATALOG] or len(writer._objects) > CATALOG:
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
            output = _Output(own, _header(writer.pdf_header)) if own is not None else None
            for number, obj in enumerate(writer._objects, start=1):
                if obj is None:
                    continue
                data = _serialised(number, obj)
                if output is not None:
                    output.add(number, data)
                if number > CATALOG:
                    self.output.add(number, data)
            if output is not None:
                trailer = _fresh_trailer()
                if writer._ID:
                    trailer[NameObject("/ID")] = writer._ID
                output.close(trailer)
        finally:
            if own is not None:
                own.close()
        self.next_number = len(writer._objects)
        self.kids.extend(page.indirect_reference.idnum for page in writer.pages)  # type: ignore[union-attr]
        return len(writer.pages)

    def close(self) -> int:
        """Write the merged catalogue, page tree and information, then the table; the merged page count."""
        kids = ArrayObject(IndirectObject(kid, 0, None) for kid in self.kids)  # type: ignore[arg-type]
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Count"): NumberObject(len(self.kids)),
                NameObject("/Kids"): kids,
            }
        )
        catalog = DictionaryObject(
            {NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): IndirectObject(PAGES, 0, None)}  # type: ignore[arg-type]
        )
        if self.appending:  # the catalogue and the information stand: only the page tree changes
            self.output.add(PAGES, _serialised(PAGES, pages))
        else:
            for number, obj in ((INFO, PdfWriter()._info), (PAGES, pages), (CATALOG, catalog)):
                self.output.add(number, _serialised(number, obj))
        self.output.close(self.trailer)
        self.handle.close()
        return len(self.kids)
